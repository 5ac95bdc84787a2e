"""Every game plays start to finish in the local chat: ``heart-to-heart chat`` fed stdin lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skill.runtime.catalog import LocaleContent
from tests.support.chat_process import run_chat
from tests.support.dialog import ROOT
from tests.support.games import Expected, game, household_of, plays_in, says, says_score

#: The chat process and its game flow, scripted with English titles: en-US only (the games
#: themselves are played in every language in test_games_dialogs).
pytestmark = pytest.mark.any_language

NAMES = ("Sam", "Alex")
ANSWERS = ["yes", "almost", "i pass", "skip", "no", "maybe", "right", "we didn't"]


def scored_only(into: Path) -> Path:
    """A copy of the content with no share items: a chat scripted in advance can't know
    which plays are shared (those take "next" and score nothing), so it plays scored ones."""
    content = into / "content"
    if content.exists():
        return content
    shutil.copytree(ROOT / "content", content)
    games = content / "en-US" / "games.json"
    data = json.loads(games.read_text(encoding="utf-8"))
    for each in data["games"]:
        for item in each["questions"]:
            item.pop("share", None)
    games.write_text(json.dumps(data), encoding="utf-8")
    return content


def game_chat(lines: list[str], db_path: Path) -> list[str]:
    """What Alexa said, one entry per reply, in order."""
    env = {"HEART_CONTENT_DIR": str(scored_only(db_path.parent))}
    lines_out = run_chat(lines, db_path, user="couple-1", env=env)
    said = [line.removeprefix("Alexa: ") for line in lines_out if line.startswith("Alexa: ")]
    states = [line for line in lines_out if line.startswith("[session")]
    # A game needs the session: it stays open from the first line to the last.
    assert states == ["[session open]"] * len(said), "\n".join(lines_out)
    return said


@pytest.mark.parametrize(
    ("game_id", "length", "rounds"),
    [
        ("know_me", "", 5),
        ("know_me", "long", 10),
        ("would_you_rather", "", 5),
        ("finish_sentence", "", 5),
        ("truths_dream", "", 5),
    ],
)
def test_each_game_plays_start_to_finish_in_the_chat(
    tmp_path: Path, content: LocaleContent, game_id: str, length: str, rounds: int
) -> None:
    the_game = game(content, game_id)
    expected = Expected(the_game.kind)
    answers: list[str] = []
    index = 0
    while expected.step < plays_in(the_game.kind, rounds):
        line = ANSWERS[index % len(ANSWERS)]
        index += 1
        expected.hear(line)
        answers.append(line)
    ask = f"let's play a {length} game of {the_game.title}" if length else f"play {the_game.title}"
    db_path = tmp_path / "chat.db"
    said = game_chat(
        ["open heart to heart", "call us sam and alex", ask, "ready", *answers], db_path
    )
    assert len(said) == 4 + len(answers)
    assert the_game.rules in said[2]
    summary = said[-1]
    assert says(summary, content, "game.over")
    assert says_score(summary, content, the_game.kind, expected, NAMES, final=True), summary
    assert says(summary, content, "game.again")
    record = household_of(db_path).game_records
    assert [(r.game, r.played) for r in record] == [(game_id, 1)]


def test_an_interrupted_chat_game_resumes_in_the_next_chat(
    tmp_path: Path, content: LocaleContent
) -> None:
    db_path = tmp_path / "chat.db"
    expected = Expected("match")
    first = ["yes", "no", "yes"]
    for line in first:
        expected.hear(line)
    game_chat(
        ["open heart to heart", "call us sam and alex", "play would you rather", "ready", *first],
        db_path,
    )
    rest = ["no", "yes"]
    for line in rest:
        expected.hear(line)
    said = game_chat(["open heart to heart", "yes", *rest], db_path)
    assert says(said[0], content, "game.resume.offer", title="would you rather", round=4, rounds=5)
    assert says_score(said[-1], content, "match", expected, NAMES, final=True)
