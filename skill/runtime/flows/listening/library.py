"""Which exercises a locale has, which one a couple is in, and which one to offer next."""

from __future__ import annotations

from skill.runtime.catalog import LocaleContent
from skill.runtime.exercises import Exercise
from skill.runtime.state import Household


def catalogue(content: LocaleContent) -> tuple[Exercise, ...]:
    """Every exercise in this locale (none when the locale ships no exercises)."""
    try:
        found: tuple[Exercise, ...] = content.section("exercises")
    except KeyError:
        return ()
    return found


def find(content: LocaleContent, exercise_id: str) -> Exercise | None:
    return next((e for e in catalogue(content) if e.id == exercise_id), None)


def title_of(content: LocaleContent, exercise_id: str) -> str | None:
    """How the recap names an exercise."""
    found = find(content, exercise_id)
    return found.title if found else None


def current(household: Household, content: LocaleContent) -> Exercise | None:
    """The exercise the couple's saved place is in, if it is still in the content and the
    place still inside it (content can change between sessions)."""
    progress = household.listening
    ex = find(content, progress.exercise) if progress.exercise else None
    if ex is None or progress.step >= len(ex.steps):
        return None
    return ex


def suggest(household: Household, catalogue_: tuple[Exercise, ...], after: str = "") -> Exercise:
    """The exercise to offer: the next after ``after``, else one not done yet, else the one
    done longest ago, so asking for "a listening exercise" night after night visits them all."""
    ids = [e.id for e in catalogue_]
    if after in ids:
        return catalogue_[(ids.index(after) + 1) % len(ids)]
    done = [d for d in household.exercises_done if d in ids]
    fresh = [e for e in catalogue_ if e.id not in done]
    if fresh:
        return fresh[0]
    return catalogue_[ids.index(done[0])]
