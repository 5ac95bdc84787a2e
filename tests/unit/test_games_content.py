"""The games' content: complete, schema-checked, written for the ear, and wired to the model."""

from __future__ import annotations

import copy
import json
import re
import shutil
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import Catalog, ContentError, Game, LocaleContent
from skill.runtime.flows.kit import scoring
from tests.support.dialog import ROOT, resolver

GAMES_FILE = ROOT / "content" / "en-US" / "games.json"
PHRASE_FILE = ROOT / "content" / "en-US" / "phrases-games.json"
#: Words that would assume something about a couple, or go where this skill doesn't.
ASSUMING = re.compile(
    r"\b(husband|wife|boyfriend|girlfriend|married|marriage|wedding|kids?|children|baby|"
    r"pregnan\w*|money|salary|rich|church|pray\w*|god|sick|illness|diet|weight|sex\w*|"
    r"naked|bed(room)?s?|drunk|alcohol|wine|beer|he|she|his|her|hers|him)\b",
    re.I,
)


def all_games(content: LocaleContent) -> tuple[Game, ...]:
    found: tuple[Game, ...] = content.section("games")
    return found


def test_there_are_the_three_named_games_and_one_of_our_own(content: LocaleContent) -> None:
    kinds = {g.kind for g in all_games(content)}
    assert kinds == set(scoring.KINDS)
    ids = [g.id for g in all_games(content)]
    assert {"know_me", "would_you_rather", "finish_sentence", "truths_dream"} <= set(ids)


@pytest.mark.parametrize(
    "game_id", ["know_me", "would_you_rather", "finish_sentence", "truths_dream"]
)
def test_each_game_has_its_own_bank_of_sixty_or_more(content: LocaleContent, game_id: str) -> None:
    game = next(g for g in all_games(content) if g.id == game_id)
    assert len(game.questions) >= 60
    texts = [q.text.lower() for q in game.questions]
    assert len(set(texts)) == len(texts)


def test_ids_are_unique_across_every_game(content: LocaleContent) -> None:
    ids = [q.id for g in all_games(content) for q in g.questions] + [
        g.id for g in all_games(content)
    ]
    assert len(ids) == len(set(ids))


def test_questions_are_short_plain_and_inclusive(content: LocaleContent) -> None:
    for game in all_games(content):
        for q in game.questions:
            spoken = q.text.replace("{partner}", "Sam")
            assert len(spoken.split()) <= 20, q.id
            assert not re.search(r"[\d/()\[\];:]", spoken), q.id
            assert not ASSUMING.search(spoken), q.id
        assert not ASSUMING.search(game.rules), game.id
        assert len(game.rules.split()) <= 60, game.id


def test_game_phrases_are_inclusive_and_never_mock(content: LocaleContent) -> None:
    data = json.loads(PHRASE_FILE.read_text())["phrases"]
    mocking = re.compile(
        r"\b(loser|lost|fail\w*|bad|terrible|awful|shame\w*|pathetic|wrong)\b", re.I
    )
    for key, variants in data.items():
        for v in variants:
            assert not ASSUMING.search(v), key
            if key.startswith(("game.band.", "game.guess.", "game.truths.", "game.pass")):
                assert not mocking.search(v), (key, v)


def test_guess_questions_name_the_other_partner(content: LocaleContent) -> None:
    for game in all_games(content):
        for q in game.questions:
            fields = {f for _, f, _, _ in string.Formatter().parse(q.text) if f}
            assert fields == ({"partner"} if game.kind == scoring.GUESS else set()), q.id


def test_every_phrase_a_game_needs_exists_for_every_kind(content: LocaleContent) -> None:
    """The flows build some keys from the game's kind and band; all of them must exist."""
    needed = ["game.band.none", "game.length.short", "game.length.long"]
    needed += ["game.length_name.short", "game.length_name.long"]
    for kind in scoring.KINDS:
        needed += [f"game.{kind}.ask", f"game.{kind}.verdict", f"game.{kind}.reprompt"]
        needed += [f"game.{kind}.yes", f"game.{kind}.no"]
        needed += [
            f"game.band.{kind}.{band}" for band in (scoring.HIGH, scoring.MIDDLE, scoring.LOW)
        ]
        if kind in (scoring.MATCH, scoring.FINISH):
            needed += [f"game.score.{kind}", f"game.final.{kind}"]
    needed.append("game.guess.close")
    missing = [k for k in needed if k not in content.phrases]
    assert missing == []


def test_every_game_can_be_asked_for_by_name(content: LocaleContent) -> None:
    nlu = resolver()
    for game in all_games(content):
        for said in (f"play {game.title}", f"let's play {game.title}", game.title):
            result = nlu.resolve(said)
            assert result.intent == "PlayGameIntent", said
            assert result.slots["game"].value_id == game.id, said


def test_game_utterances_reach_their_intents() -> None:
    nlu = resolver()
    expected = {
        "let's play a game": ("PlayGameIntent", None),
        "ask heart to heart to play would you rather": ("PlayGameIntent", "would_you_rather"),
        "play a long game of finish the sentence": ("PlayGameIntent", "finish_sentence"),
        "what's the score": ("ScoreIntent", None),
        "end the game": ("EndGameIntent", None),
        "close": ("CloseIntent", None),
        "half right": ("CloseIntent", None),
        "pass": ("PassIntent", None),
        "skip": ("AnotherQuestionIntent", None),
        "right": ("AMAZON.YesIntent", None),
        "we didn't": ("AMAZON.NoIntent", None),
        "maybe": ("AMAZON.FallbackIntent", None),
    }
    for said, (intent, game_id) in expected.items():
        result = nlu.resolve(said)
        assert result.intent == intent, said
        if game_id:
            assert result.slots["game"].value_id == game_id
    long_game = nlu.resolve("play a long game of finish the sentence")
    assert long_game.slots["length"].value_id == "long"


def _load_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    target = tmp_path / "content" / "en-US" / "games.json"
    data = json.loads(target.read_text())
    change(data)
    target.write_text(json.dumps(data))
    Catalog.load(tmp_path / "content")


def _know_me(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(g for g in data["games"] if g["kind"] == "guess")
    return found


def _truths(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(g for g in data["games"] if g["kind"] == "truths")
    return found


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "a guess question without {partner}": lambda d: _know_me(d)["questions"][0].update(
        text="What is your favorite color?"
    ),
    "a bank under sixty": lambda d: _know_me(d).update(questions=_know_me(d)["questions"][:59]),
    "an unknown kind": lambda d: _know_me(d).update(kind="trivia"),
    "an unknown field": lambda d: _know_me(d).update(points=3),
    "telling time on a game that has no teller": lambda d: _know_me(d).update(tell_seconds=20),
    "two truths without telling time": lambda d: _truths(d).pop("tell_seconds"),
    "a capitalised title": lambda d: _know_me(d).update(title="How well do you know me"),
    "a silence too long for one turn": lambda d: _know_me(d).update(answer_seconds=90),
    "a duplicated question id": lambda d: _truths(d)["questions"][1].update(
        id=_truths(d)["questions"][0]["id"]
    ),
    "a would you rather that isn't one": lambda d: next(
        g for g in d["games"] if g["kind"] == "match"
    )["questions"][0].update(text="Tell each other a secret?"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_schema_rejects_broken_games(tmp_path: Path, breakage: str) -> None:
    with pytest.raises(ContentError) as caught:
        _load_with(tmp_path, BREAKAGES[breakage])
    assert "games.json" in str(caught.value)


def test_the_shipped_file_passes_unchanged(tmp_path: Path) -> None:
    _load_with(tmp_path, lambda d: copy.deepcopy(d))
