"""Listening exercises as typed data, checked at load so that every response fits the platform.

An exercise is a list of steps. A step says who has the floor (``speaker``, ``listener`` or
``both``; roles swap at a step marked ``swap``) and how it moves on:

- ``cue``: its narration is said and the skill waits for a cue word ("ready", "next").
- ``timer``: its narration, a timed silence (``turn`` seconds) and a chime, then the next
  step's narration, all in one response; the next step must wait for a cue or end.
- ``end``: the closing narration; the session closes.

A timed turn longer than one response can hold (``MAX_AUDIO_AND_SILENCE_S`` of silence,
sound and, to be safe, the narration around it) needs a ``split``: the words said between
parts, where the couple says "more time" to carry on or "next" to move on. The parts are
planned here, once, so the runner never has to guess. A broken exercise fails at load with
its id, the step and the reason.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from skill.runtime import copying
from skill.runtime.reply import PersonName, Say, Segment
from skill.runtime.speech import MAX_AUDIO_AND_SILENCE_S, SOUND_SECONDS, budget

SPEAKER = "speaker"
LISTENER = "listener"
BOTH = "both"
CUE = "cue"
TIMER = "timer"
END = "end"
ROLES = frozenset({SPEAKER, LISTENER})

#: Seconds of quiet that "more time" adds, and that "pause" holds before asking again.
MORE_TIME_S = 60
PAUSE_S = 90
#: Speech rate for budget checks: slow and warm, so estimates err on the long side.
BUDGET_WORDS_PER_S = 2.2
#: Room kept in every response for a short lead ("Going back a step.") and the small pauses.
LEAD_ALLOWANCE_S = 15
#: A name said in place of ``{speaker}``, counted as this many words.
NAME_WORDS = 3
CHIME_S = SOUND_SECONDS["chime"]

_WORD = re.compile(r"[\w']+")
_SENTENCE_END = re.compile(r"[.?!]")


class ExerciseError(ValueError):
    """An exercise breaks a rule; the message names the exercise, the step and the reason."""


class Step(msgspec.Struct, frozen=True):
    """One step of an exercise. ``parts`` is how its timed turn runs across responses."""

    id: str
    who: str
    narration: tuple[str, ...]
    advance: str
    turn: int = 0
    split: tuple[str, ...] = ()
    swap: bool = False
    parts: tuple[int, ...] = ()


class Exercise(msgspec.Struct, frozen=True):
    """A guided listening exercise."""

    id: str
    title: str
    minutes: int
    theme: str
    intro: tuple[str, ...]
    steps: tuple[Step, ...]

    def speaker_at(self, index: int, first: int) -> int:
        """Which partner (0 or 1) has the speaker's role at step ``index``."""
        swaps = sum(1 for step in self.steps[: index + 1] if step.swap)
        return (first + swaps) % 2

    def partner_for(self, index: int, first: int, role: str) -> int:
        """Which partner plays ``role`` (speaker or listener) at step ``index``."""
        speaker = self.speaker_at(index, first)
        return speaker if role == SPEAKER else 1 - speaker

    @property
    def timed_seconds(self) -> int:
        return sum(step.turn for step in self.steps)


def spoken_seconds(text: str) -> float:
    """A generous estimate of how long ``text`` takes to say; placeholders count as names."""
    plain = re.sub(r"\{\w+\}", " name " * NAME_WORDS, text)
    words = len(_WORD.findall(plain))
    return words / BUDGET_WORDS_PER_S + 0.4 * len(_SENTENCE_END.findall(plain))


def response_seconds(segments: Iterable[Segment]) -> float:
    """How long a response plays: silence and sounds (as the platform counts them) plus speech."""
    segs = tuple(segments)
    speech = 0.0
    for seg in segs:
        if isinstance(seg, Say):
            speech += spoken_seconds(seg.text)
        elif isinstance(seg, PersonName):
            speech += NAME_WORDS / BUDGET_WORDS_PER_S
    return budget(segs).audio_and_silence_s + speech


def even_parts(total: int, count: int) -> tuple[int, ...]:
    """``total`` seconds in ``count`` parts as equal as whole seconds allow."""
    base, extra = divmod(total, count)
    return tuple(base + (1 if i < extra else 0) for i in range(count))


def parse(data: Mapping[str, Any]) -> tuple[Exercise, ...]:
    """Typed exercises from schema-valid JSON, with every rule the schema can't express."""
    return tuple(_exercise(item) for item in data["exercises"])


def _exercise(item: Mapping[str, Any]) -> Exercise:
    ex_id = item["id"]
    steps = [
        Step(
            id=s["id"],
            who=s["who"],
            narration=tuple(s["narration"]),
            advance=s["advance"],
            turn=s.get("turn", 0),
            split=tuple(s.get("split", ())),
            swap=s.get("swap", False),
        )
        for s in item["steps"]
    ]
    exercise = Exercise(
        id=ex_id,
        title=item["title"],
        minutes=item["minutes"],
        theme=item["theme"],
        intro=tuple(item["intro"]),
        steps=tuple(steps),
    )
    _check_texts(exercise)
    _check_shape(exercise)
    planned = tuple(_plan(exercise, i) for i in range(len(steps)))
    exercise = copying.replace(exercise, steps=planned)
    if exercise.timed_seconds > exercise.minutes * 60:
        raise ExerciseError(
            f"exercise {ex_id!r}: its timed turns add up to {exercise.timed_seconds} s, "
            f"more than its {exercise.minutes} minutes"
        )
    return exercise


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _check_texts(ex: Exercise) -> None:
    for text in ex.intro:
        if _fields(text):
            raise ExerciseError(
                f"exercise {ex.id!r}: the intro is said before anyone has the floor, "
                f"so it can't name {sorted(_fields(text))}"
            )
    for step in ex.steps:
        where = f"exercise {ex.id!r}: step {step.id!r}"
        for text in (*step.narration, *step.split):
            unknown = _fields(text) - ROLES
            if unknown:
                raise ExerciseError(
                    f"{where}: unknown placeholder {{{sorted(unknown)[0]}}}; "
                    "use {speaker} or {listener}"
                )
        if step.who in ROLES:
            for text in step.narration:
                if step.who not in _fields(text):
                    raise ExerciseError(
                        f"{where}: the {step.who} has the floor, so every narration must "
                        f"say so with {{{step.who}}}"
                    )
        for text in step.split:
            if SPEAKER not in _fields(text):
                raise ExerciseError(
                    f"{where}: the words between parts must say who has the floor with {{speaker}}"
                )


def _check_shape(ex: Exercise) -> None:
    steps = ex.steps
    for index, step in enumerate(steps):
        where = f"exercise {ex.id!r}: step {step.id!r}"
        last = index == len(steps) - 1
        if step.advance == TIMER and step.turn <= 0:
            raise ExerciseError(f"{where}: a step that moves on by timer needs a timed turn")
        if step.turn and step.advance != TIMER:
            raise ExerciseError(f"{where}: a step with a timed turn must move on by timer")
        if step.split and step.advance != TIMER:
            raise ExerciseError(f"{where}: only a timed turn can be split")
        if last and step.advance != END:
            raise ExerciseError(f"{where}: the last step must end the exercise")
        if not last and step.advance == END:
            raise ExerciseError(f"{where}: only the last step can end the exercise")
        if step.advance == TIMER and steps[index + 1].advance == TIMER:
            raise ExerciseError(
                f"{where}: a timed turn must be followed by a step that waits for a cue or "
                "ends, so the couple is never rushed into the next turn"
            )
    if steps[0].swap:
        raise ExerciseError(f"exercise {ex.id!r}: step {steps[0].id!r}: the first step can't swap")
    speakers = {ex.speaker_at(i, 0) for i, s in enumerate(steps) if s.who in ROLES}
    if speakers != {0, 1}:
        raise ExerciseError(
            f"exercise {ex.id!r}: both partners need a turn; mark the step where roles "
            "change with swap"
        )


def _longest(texts: Iterable[str]) -> float:
    return max((spoken_seconds(t) for t in texts), default=0.0)


def _plan(ex: Exercise, index: int) -> Step:
    """Decide how a timed turn runs: in one response, or in parts when it has a split."""
    step = ex.steps[index]
    if step.advance != TIMER:
        return step
    where = f"exercise {ex.id!r}: step {step.id!r}"
    before = _longest(step.narration)
    after = _longest(ex.steps[index + 1].narration)
    between = _longest(step.split)
    overhead = LEAD_ALLOWANCE_S + CHIME_S
    room = math.floor(MAX_AUDIO_AND_SILENCE_S - overhead - before - after)
    if step.turn <= room:
        return _with_parts(step, (step.turn,))
    if not step.split:
        raise ExerciseError(
            f"{where}: a timed turn of {step.turn} s can't fit in one response (room for "
            f"{max(room, 0)} s beside its narration) and has no split to run it in parts"
        )
    first_room = MAX_AUDIO_AND_SILENCE_S - overhead - before - between
    middle_room = MAX_AUDIO_AND_SILENCE_S - overhead - between
    last_room = MAX_AUDIO_AND_SILENCE_S - overhead - after
    for count in range(2, step.turn // 10 + 2):
        parts = even_parts(step.turn, count)
        rooms = [first_room, *[middle_room] * (count - 2), last_room]
        if all(p <= r for p, r in zip(parts, rooms, strict=True)):
            return _with_parts(step, parts)
    raise ExerciseError(f"{where}: the narration is too long to split the turn into parts")


def _with_parts(step: Step, parts: tuple[int, ...]) -> Step:
    return copying.replace(step, parts=parts)
