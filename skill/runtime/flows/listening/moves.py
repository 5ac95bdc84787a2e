"""Moving through an exercise's steps, and the answers that hold the couple where they are.

Each move takes the turn and the exercise and says where the couple goes: on ("next"), back,
past a timed turn ("skip"), to the start, a quiet extra minute ("more time"), or nowhere
(repeat, help, "no", words that don't fit). The place is never lost by a move.
"""

from __future__ import annotations

from skill.runtime import copying, exercises
from skill.runtime.exercises import Exercise
from skill.runtime.flows.listening.context import Here, epoch
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
from skill.runtime.reply import Pause, Reply, Segment
from skill.runtime.state import State


def interrupted(here: Here) -> bool:
    """Whether this request came while the last timed silence was still playing."""
    return epoch(here.now) < here.progress.turn_ends


def advance(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """ "Next", "ready", "done": on to the next step, or, mid-silence, end that turn early."""
    progress = here.progress
    if interrupted(here):
        return again(here, ex, here.line("listening.cut_short"))
    return present(here, ex, progress, progress.step + 1)


def after_turn(here: Here, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """A split turn is over: say what follows it (a step that waits or ends, never another
    timed turn: ``skill/runtime/exercises.py`` checks that at load)."""
    progress = here.progress
    following = progress.step + 1
    speech = (*lead, *narration(here, ex, following, progress.first))
    if ex.steps[following].advance == exercises.END:
        return finish(here, ex, speech)
    at = copying.replace(progress, step=following, part=0, turn_ends=0, paused=False)
    return wait_at(here, at, speech)


def next_part(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """Carry on with a long turn: the next part's silence."""
    progress = here.progress
    speaker = ex.speaker_at(progress.step, progress.first)
    lead = here.line("listening.keep_going", person=here.person(speaker))
    return run_part(here, ex, progress, progress.step, progress.part, lead)


def again(here: Here, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """Say the current place again, after ``lead`` (also how a pause ends)."""
    progress = copying.replace(here.progress, paused=False, turn_ends=0)
    speech = (
        (*lead, Pause(300), *waiting(here, ex, progress)) if lead else waiting(here, ex, progress)
    )
    return wait_at(here, progress, speech)


def repeat(here: Here, ex: Exercise) -> tuple[State, Reply]:
    return again(here, ex, ())


def skip(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """Skip what this step sets up: past any timed turn to the next step that waits or ends."""
    index = here.progress.step + 1
    while ex.steps[index].advance == exercises.TIMER:
        index += 1
    return present(here, ex, here.progress, index, (*here.line("listening.skip"), Pause(300)))


def back(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """Back to the previous step that waited for a cue (a timed turn runs again from there)."""
    progress = here.progress
    if progress.step == 0 and progress.part == 0:
        return again(here, ex, here.line("listening.back_first"))
    earlier = [i for i in range(progress.step) if ex.steps[i].advance == exercises.CUE]
    target = earlier[-1] if earlier else 0
    return present(here, ex, progress, target, (*here.line("listening.back"), Pause(300)))


def start_over(here: Here, ex: Exercise) -> tuple[State, Reply]:
    lead = (*here.line("listening.start_over"), Pause(300))
    return present(here, ex, here.progress, 0, lead)


def more_time(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """Another quiet minute for whoever just had a timed turn, then this step again."""
    progress = copying.replace(here.progress, paused=False)
    index = progress.step
    previous = ex.steps[index - 1] if index > 0 else None
    timed = previous is not None and previous.advance == exercises.TIMER
    shown_at = index - 1 if timed else index
    shown = floor_display(
        here.household,
        here.content,
        here.rng,
        ex,
        shown_at,
        progress.first,
        seconds=exercises.MORE_TIME_S,
    )
    if previous is not None and timed:
        if previous.who == exercises.BOTH:
            lead = here.line("listening.more_time_both")
        else:
            who = ex.partner_for(index - 1, progress.first, previous.who)
            lead = here.line("listening.more_time", person=here.person(who))
        after = waiting(here, ex, progress)
    else:
        lead = here.line("listening.more_time_free")
        after = here.line("listening.after_more")
    speech, ends = timed_silence(here, lead, exercises.MORE_TIME_S)
    at = copying.replace(progress, turn_ends=ends)
    return wait_at(here, at, (*speech, *after), shown)


def help_here(here: Here, ex: Exercise) -> tuple[State, Reply]:
    speech = (
        *here.line("listening.help", title=ex.title),
        Pause(300),
        *here.line("listening.help_ask"),
    )
    return wait_at(here, here.progress, speech)


def no_rush(here: Here, ex: Exercise) -> tuple[State, Reply]:
    return wait_at(here, here.progress, here.line("listening.no_rush"))


def remind(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """Words that don't fit here: a short reminder of what does. The place is never lost."""
    progress = here.progress
    if progress.paused:
        speech = here.line("listening.remind_paused")
    elif progress.part > 0:
        speech = here.line("listening.remind_part", title=ex.title)
    else:
        speech = here.line("listening.remind_step", title=ex.title)
    return wait_at(here, progress, speech)
