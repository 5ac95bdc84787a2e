"""Helpers for the question-game tests: the rules as the issue states them, written out
independently of the code, plus ways to read the stored household and the catalog's wording.

``expected_score`` is the referee: given the lines a test says, it works out what the scores
must be from the rules alone (two points for right, one for close, a pass scores nothing, a
skip swaps the question without using the turn, one re-ask and then a pass for an answer that
can't be placed). Tests compare the skill against it, never against the skill's own numbers.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.records import read_household
from skill.runtime.state import Household
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from tests.support.content import default_content
from tests.support.dialog import TEST_KEY_SALT

DEFAULT_SALT = TEST_KEY_SALT

#: What a couple might say at a game's closing question, and what the rules make of it.
MEANING = {
    "yes": "yes",
    "right": "yes",
    "we matched": "yes",
    "no": "no",
    "wrong": "no",
    "we didn't": "no",
    "close": "close",
    "almost": "close",
    "pass": "pass",
    "i pass": "pass",
    "no idea": "pass",
    "skip": "skip",
    "another one": "skip",
    "maybe": "unplaced",
    "banana helicopter symphony": "unplaced",
    "i'm sam": "unplaced",
}


@dataclass
class Expected:
    """Where a game must stand after some answers, by the rules alone."""

    kind: str
    first: int = 0
    scores: list[int] = field(default_factory=lambda: [0, 0])
    together: int = 0
    step: int = 0
    strikes: int = 0

    def hear(self, said: str) -> None:
        meaning = MEANING[said]
        if meaning == "skip":
            self.strikes = 0
            return
        if meaning == "unplaced" or (meaning == "close" and self.kind != "guess"):
            if self.strikes == 0:
                self.strikes = 1
                return
            meaning = "pass"
        self.strikes = 0
        player = (self.first + self.step) % 2
        if self.kind == "guess":
            points = {"yes": 2, "close": 1}.get(meaning, 0)
            self.scores[player] += points
            self.together += points
        elif self.kind == "truths":
            if meaning == "yes":  # the guesser (the other partner) found the dream
                self.scores[1 - player] += 1
                self.together += 1
            elif meaning == "no":  # the teller kept it hidden
                self.scores[player] += 1
        elif meaning == "yes":
            self.together += 1
        self.step += 1

    def shared(self) -> None:
        """A share play (tender, never scored) moved on: a step, and no points."""
        self.strikes = 0
        self.step += 1

    @property
    def player(self) -> int:
        return (self.first + self.step) % 2


def sharing_now(household: Household, content: LocaleContent) -> bool:
    """Whether the play waiting is a share item: the couple says "next", nothing is scored."""
    progress = household.game
    found = [g for g in content.section("games") if g.id == progress.game]
    question = found[0].question(progress.question) if found else None
    return bool(question and question.share)


def expected_score(kind: str, said: list[str], first: int = 0) -> Expected:
    expected = Expected(kind, first)
    for line in said:
        expected.hear(line)
    return expected


def plays_in(kind: str, rounds: int) -> int:
    """A round gives each partner a turn in turn-taking games, one shared play otherwise."""
    return rounds * (2 if kind in ("guess", "truths") else 1)


def household_of(db_path: Path, user: str = "couple-1", salt: str = DEFAULT_SALT) -> Household:
    store = SqliteStore(db_path)
    try:
        key = household_key(user, salt)
        return read_household(store.load(key).data, default_content(), key)
    finally:
        store.close()


def game(content: LocaleContent, game_id: str) -> Game:
    games: tuple[Game, ...] = content.section("games")
    return next(g for g in games if g.id == game_id)


def wordings(content: LocaleContent, key: str, **params: object) -> list[str]:
    """Every wording of a phrase with ``params`` filled in, lower case for comparison."""
    out = []
    for variant in content.variants(key):
        names = {f for _, f, _, _ in string.Formatter().parse(variant) if f}
        out.append(variant.format(**{k: v for k, v in params.items() if k in names}).lower())
    return out


def says(text: str, content: LocaleContent, key: str, **params: object) -> bool:
    """Whether ``text`` contains one wording of phrase ``key`` (case-insensitive)."""
    spoken = " ".join(text.lower().split())
    return any(w in spoken for w in wordings(content, key, **params))


def points(content: LocaleContent, count: int) -> str:
    if count == 0:
        return content.variants("game.points.none")[0]
    if count == 1:
        return content.variants("game.points.one")[0]
    return content.variants("game.points.many")[0].format(count=count)


def says_score(
    text: str,
    content: LocaleContent,
    kind: str,
    expected: Expected,
    names: tuple[str, str],
    final: bool,
) -> bool:
    """Whether ``text`` states the expected score in one of the catalog's wordings."""
    if kind in ("guess", "truths"):
        a, b = expected.scores
        if a == b:
            return says(text, content, "game.score.tied", points=points(content, a))
        return says(
            text,
            content,
            "game.score.pair",
            one=names[0],
            two=names[1],
            one_points=points(content, a),
            two_points=points(content, b),
        )
    one = "_one" if expected.together == 1 else ""  # the singular has wordings of its own
    key = f"game.{'final' if final else 'score'}.{kind}{one}"
    return says(text, content, key, count=expected.together, played=expected.step)


def skip_shares(
    say: Callable[[str], object], household: Callable[[], Household], content: LocaleContent
) -> None:
    """Say "skip" while the play waiting is a share item, so a test that scores plays starts
    on one that is scored (a skip draws another question and uses no turn)."""
    for _ in range(20):
        if not sharing_now(household(), content):
            return
        say("skip")
    raise AssertionError("twenty share items in a row")


def start_game(dialog: Any, text: str) -> Any:
    """Say ``text`` to start a game; if the skill explains the rules first (a couple's first
    game of that kind) and asks "ready?", say ready. Returns the turn with the first play."""
    turn = dialog.say(text)
    attributes = (turn.response or {}).get("sessionAttributes") or {}
    if (attributes.get("place") or {}).get("offer") == "game_ready":
        turn = dialog.say("ready")
    return turn
