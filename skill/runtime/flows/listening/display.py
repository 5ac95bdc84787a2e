"""What a screen shows during an exercise: who has the floor, and the words that move it on.

A timed turn shows its own display (most of that response is silence); between responses
``screen`` describes where the couple is waiting (the activity's ``screen``).
"""

from __future__ import annotations

from random import Random

from skill.runtime import exercises
from skill.runtime.catalog import LocaleContent
from skill.runtime.exercises import Exercise
from skill.runtime.flows.kit import people
from skill.runtime.flows.listening.library import current
from skill.runtime.reply import Display
from skill.runtime.state import Household, State


def floor_display(
    household: Household,
    content: LocaleContent,
    rng: Random,
    ex: Exercise,
    index: int,
    first: int,
    footer: str = "",
    seconds: int = 0,
) -> Display:
    """Who has the floor at step ``index``, and under it ``footer`` or else who listens."""
    step = ex.steps[index]
    if step.who == exercises.BOTH:
        text = content.phrase("screen.listening.both", rng)
        listens = ""
    else:
        person = ex.partner_for(index, first, step.who)
        name = people.partner_text(household, person, content, rng)
        other = people.partner_text(household, 1 - person, content, rng)
        text = content.phrase("screen.listening.floor", rng, person=name)
        listens = content.phrase("screen.listening.listens", rng, person=other)
    return Display(title=ex.title, text=text, footer=footer or listens, seconds=seconds)


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """Where an exercise stands, for a screen: choosing who starts, paused, or who has the
    floor at the step waiting for a cue, with the words that move it on."""
    progress = state.household.listening
    ex = current(state.household, content)
    if ex is None:
        return None
    if progress.first < 0:
        return Display(
            title=ex.title,
            text=content.phrase("screen.listening.choose", rng),
            footer=content.phrase("screen.listening.choose_hint", rng),
        )
    if progress.paused:
        return Display(
            title=ex.title,
            text=content.phrase("screen.listening.paused", rng),
            footer=content.phrase("screen.listening.resume", rng),
        )
    key = "screen.listening.between" if progress.part > 0 else "screen.listening.ready"
    footer = content.phrase(key, rng)
    return floor_display(state.household, content, rng, ex, progress.step, progress.first, footer)
