"""Moving through an exercise's steps, and the answers that hold the couple where they are.

Each move takes the turn and the exercise and says where the couple goes: on ("next"), back,
past a timed turn ("skip"), to the start, a quiet extra minute ("more time"), or nowhere
(repeat, help, "no", words that don't fit). The place is never lost by a move.
"""

from __future__ import annotations

import dataclasses

from skill.runtime import exercises
from skill.runtime.exercises import Exercise
from skill.runtime.flows.listening.display import floor_display
from skill.runtime.flows.listening.steps import (
    finish,
    narration,
    present,
    run_part,
    timed_silence,
    wait_at,
    waiting,
)
from skill.runtime.flows.listening.turn import Turn, epoch
from skill.runtime.reply import Pause, Reply, Segment
from skill.runtime.state import State


def interrupted(turn: Turn) -> bool:
    """Whether this request came while the last timed silence was still playing."""
    return epoch(turn.now) < turn.progress.turn_ends


def advance(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    """ "Next", "ready", "done": on to the next step, or, mid-silence, end that turn early."""
    progress = turn.progress
    if interrupted(turn):
        return again(turn, ex, turn.line("listening.cut_short"))
    return present(turn, ex, progress, progress.step + 1)


def after_turn(turn: Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """A split turn is over: say what follows it (a step that waits or ends, never another
    timed turn: ``skill/runtime/exercises.py`` checks that at load)."""
    progress = turn.progress
    following = progress.step + 1
    speech = (*lead, *narration(turn, ex, following, progress.first))
    if ex.steps[following].advance == exercises.END:
        return finish(turn, ex, speech)
    at = dataclasses.replace(progress, step=following, part=0, turn_ends=0, paused=False)
    return wait_at(turn, at, speech)


def next_part(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    """Carry on with a long turn: the next part's silence."""
    progress = turn.progress
    speaker = ex.speaker_at(progress.step, progress.first)
    lead = turn.line("listening.keep_going", person=turn.person(speaker))
    return run_part(turn, ex, progress, progress.step, progress.part, lead)


def again(turn: Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """Say the current place again, after ``lead`` (also how a pause ends)."""
    progress = dataclasses.replace(turn.progress, paused=False, turn_ends=0)
    speech = (
        (*lead, Pause(300), *waiting(turn, ex, progress)) if lead else waiting(turn, ex, progress)
    )
    return wait_at(turn, progress, speech)


def repeat(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    return again(turn, ex, ())


def skip(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    """Skip what this step sets up: past any timed turn to the next step that waits or ends."""
    index = turn.progress.step + 1
    while ex.steps[index].advance == exercises.TIMER:
        index += 1
    return present(turn, ex, turn.progress, index, (*turn.line("listening.skip"), Pause(300)))


def back(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    """Back to the previous step that waited for a cue (a timed turn runs again from there)."""
    progress = turn.progress
    if progress.step == 0 and progress.part == 0:
        return again(turn, ex, turn.line("listening.back_first"))
    earlier = [i for i in range(progress.step) if ex.steps[i].advance == exercises.CUE]
    target = earlier[-1] if earlier else 0
    return present(turn, ex, progress, target, (*turn.line("listening.back"), Pause(300)))


def start_over(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    lead = (*turn.line("listening.start_over"), Pause(300))
    return present(turn, ex, turn.progress, 0, lead)


def more_time(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    """Another quiet minute for whoever just had a timed turn, then this step again."""
    progress = dataclasses.replace(turn.progress, paused=False)
    index = progress.step
    previous = ex.steps[index - 1] if index > 0 else None
    timed = previous is not None and previous.advance == exercises.TIMER
    shown_at = index - 1 if timed else index
    shown = floor_display(
        turn.household,
        turn.content,
        turn.rng,
        ex,
        shown_at,
        progress.first,
        seconds=exercises.MORE_TIME_S,
    )
    if previous is not None and timed:
        if previous.who == exercises.BOTH:
            lead = turn.line("listening.more_time_both")
        else:
            who = ex.partner_for(index - 1, progress.first, previous.who)
            lead = turn.line("listening.more_time", person=turn.person(who))
        after = waiting(turn, ex, progress)
    else:
        lead = turn.line("listening.more_time_free")
        after = turn.line("listening.after_more")
    speech, ends = timed_silence(turn, lead, exercises.MORE_TIME_S)
    at = dataclasses.replace(progress, turn_ends=ends)
    return wait_at(turn, at, (*speech, *after), shown)


def help_here(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    speech = (
        *turn.line("listening.help", title=ex.title),
        Pause(300),
        *turn.line("listening.help_ask"),
    )
    return wait_at(turn, turn.progress, speech)


def no_rush(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    return wait_at(turn, turn.progress, turn.line("listening.no_rush"))


def remind(turn: Turn, ex: Exercise) -> tuple[State, Reply]:
    """Words that don't fit here: a short reminder of what does. The place is never lost."""
    progress = turn.progress
    if progress.paused:
        speech = turn.line("listening.remind_paused")
    elif progress.part > 0:
        speech = turn.line("listening.remind_part", title=ex.title)
    else:
        speech = turn.line("listening.remind_step", title=ex.title)
    return wait_at(turn, progress, speech)
