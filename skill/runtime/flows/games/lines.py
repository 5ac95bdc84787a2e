"""How a game speaks: phrases with partners' names in them, points, and the score as it
stands. Every sentence comes from the phrase files; only the joining happens here."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from random import Random

from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows.games.stored import pair
from skill.runtime.flows.kit import people, scoring
from skill.runtime.reply import PersonName, Say, Segment
from skill.runtime.state import GameProgress, Household

#: Pause before and after a question, in milliseconds.
BEAT_MS = 400

Slot = Segment | str | int


class Lines:
    """Phrases with partners' names as segments, so a recognized voice is spoken with
    ``<alexa:name>`` even in the middle of a sentence."""

    def __init__(self, content: LocaleContent, rng: Random, household: Household) -> None:
        self.content = content
        self.rng = rng
        self.household = household

    def say(self, key: str, **slots: Slot) -> tuple[Segment, ...]:
        return fill(self.rng.choice(self.content.variants(key)), slots)

    def who(self, index: int) -> Segment:
        return people.partner(self.household, index, self.content, self.rng)

    def points(self, count: int) -> str:
        if count == 0:
            return self.content.phrase("game.points.none", self.rng)
        if count == 1:
            return self.content.phrase("game.points.one", self.rng)
        return self.content.phrase("game.points.many", self.rng, count=count)


def fill(template: str, slots: Mapping[str, Slot]) -> tuple[Segment, ...]:
    """Format ``template``: text slots join the words, a PersonName slot becomes a segment."""
    out: list[Segment] = []
    text = ""
    for literal, name in _parsed(template):
        text += literal
        if name is None:
            continue
        value = slots[name]
        if isinstance(value, PersonName):
            if text.strip():
                out.append(Say(text.strip()))
            out.append(value)
            text = " "
        else:
            words = value.text if isinstance(value, Say) else str(value)
            if not text.strip() or text.rstrip().endswith((".", "?", "!")):
                words = words[:1].upper() + words[1:]
            text += words
    if text.strip():
        out.append(Say(text.strip()))
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _parsed(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template's literal text and slot names, parsed once per template (phrases are few,
    and a game says two or three of them every turn)."""
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def length_key(rounds: int) -> str:
    """ "long" or "short": how phrase keys name a game's length."""
    return "long" if rounds == scoring.LONG_ROUNDS else "short"


def score_lines(
    lines: Lines, game: Game, progress: GameProgress, final: bool
) -> tuple[Segment, ...]:
    """The score as it stands: each partner's points, or the couple's shared count."""
    if game.kind in (scoring.GUESS, scoring.TRUTHS):
        a, b = pair(progress)
        if a == b:
            return lines.say("game.score.tied", points=lines.points(a))
        return lines.say(
            "game.score.pair",
            one=lines.who(0),
            one_points=lines.points(a),
            two=lines.who(1),
            two_points=lines.points(b),
        )
    if progress.step == 0:
        return ()
    kind = "final" if final else "score"
    one = "_one" if progress.together == 1 else ""  # singular and plural live in content
    key = f"game.{kind}.{game.kind}{one}"
    return lines.say(key, count=progress.together, played=progress.step)
