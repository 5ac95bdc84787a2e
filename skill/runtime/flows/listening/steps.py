"""Saying a step: its narration with the right names, a timed turn, and the closing words.

A timed turn needs nobody to speak to the device: one response carries the instruction, the
timed silence, a chime and the next instruction, and then the skill waits for a cue word. A
turn too long for one response runs in parts (planned in ``skill/runtime/exercises.py``), with the
step's ``split`` words said between them.
"""

from __future__ import annotations

from skill.runtime import copying, exercises
from skill.runtime.exercises import Exercise, Step
from skill.runtime.flows.listening.context import Here, epoch
from skill.runtime.flows.listening.display import floor_display
from skill.runtime.flows.listening.words import render
from skill.runtime.reply import Display, Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import ListeningProgress, State

#: Speech rate used to tell whether a cue came while a timed silence was still playing:
#: brisk, so an ordinary cue after the chime is never mistaken for an interruption.
FAST_WORDS_PER_S = 3.5
#: How many finished exercises the household remembers, for ``library.suggest``.
MAX_DONE = 20


def narration(here: Here, ex: Exercise, index: int, first: int) -> tuple[Segment, ...]:
    """One wording of step ``index``'s narration."""
    return _cast(here, ex, index, first, ex.steps[index].narration)


def between(here: Here, ex: Exercise, index: int, first: int) -> tuple[Segment, ...]:
    """One wording of what is said between the parts of step ``index``'s long here."""
    return _cast(here, ex, index, first, ex.steps[index].split)


def _cast(
    here: Here, ex: Exercise, index: int, first: int, templates: tuple[str, ...]
) -> tuple[Segment, ...]:
    """One of ``templates`` with whoever speaks and listens at step ``index`` named."""
    template = here.rng.choice(templates)
    speaker = ex.speaker_at(index, first)
    roles = {
        exercises.SPEAKER: here.person(speaker),
        exercises.LISTENER: here.person(1 - speaker),
    }
    return render(template, roles)


def waiting(here: Here, ex: Exercise, progress: ListeningProgress) -> tuple[Segment, ...]:
    """What is said again at the current place: a cue step's narration or the between-parts line."""
    if progress.part > 0:
        return between(here, ex, progress.step, progress.first)
    return narration(here, ex, progress.step, progress.first)


def reprompt(here: Here, progress: ListeningProgress) -> tuple[Segment, ...]:
    if progress.paused:
        return here.line("listening.reprompt_paused")
    if progress.part > 0:
        return here.line("listening.reprompt_part")
    return here.line("listening.reprompt_step")


def wait_at(
    here: Here,
    progress: ListeningProgress,
    speech: tuple[Segment, ...],
    shown: Display | None = None,
) -> tuple[State, Reply]:
    """Keep ``progress`` and say ``speech``; the reprompt fits where the couple now waits."""
    reply = Reply.ask(speech, reprompt(here, progress))
    return here.keep(progress), reply if shown is None else reply.with_display(shown)


def present(
    here: Here,
    ex: Exercise,
    progress: ListeningProgress,
    index: int,
    lead: tuple[Segment, ...] = (),
) -> tuple[State, Reply]:
    """Say step ``index``: wait at a cue step, close at the end, or run a timed here."""
    step = ex.steps[index]
    speech = (*lead, *narration(here, ex, index, progress.first))
    if step.advance == exercises.TIMER:
        return run_part(here, ex, progress, index, 0, speech)
    if step.advance == exercises.END:
        return finish(here, ex, speech)
    at = copying.replace(progress, step=index, part=0, paused=False, turn_ends=0)
    return wait_at(here, at, speech)


def timed_silence(
    here: Here, before: tuple[Segment, ...], seconds: int
) -> tuple[tuple[Segment, ...], int]:
    """``before``, ``seconds`` of quiet and the chime; and when that quiet should be over."""
    ends = epoch(here.now) + int(_fast_seconds(before)) + seconds
    return (*before, Silence(seconds), Sound("chime"), Pause(700)), ends


def run_part(
    here: Here,
    ex: Exercise,
    progress: ListeningProgress,
    index: int,
    part: int,
    before: tuple[Segment, ...],
) -> tuple[State, Reply]:
    """One part of a timed turn: the words before, the silence, a chime, then what follows."""
    step: Step = ex.steps[index]
    seconds = step.parts[part]
    speech, ends = timed_silence(here, before, seconds)
    # The screen shows the timed turn, since most of this response is its silence.
    shown = floor_display(
        here.household, here.content, here.rng, ex, index, progress.first, seconds=seconds
    )
    if part + 1 < len(step.parts):
        at = copying.replace(progress, step=index, part=part + 1, paused=False, turn_ends=ends)
        return wait_at(here, at, (*speech, *between(here, ex, index, progress.first)), shown)
    following = index + 1
    speech += narration(here, ex, following, progress.first)
    if ex.steps[following].advance == exercises.END:
        finished, reply = finish(here, ex, speech)
        return finished, reply.with_display(shown)
    at = copying.replace(progress, step=following, part=0, paused=False, turn_ends=ends)
    return wait_at(here, at, speech, shown)


def finish(here: Here, ex: Exercise, speech: tuple[Segment, ...]) -> tuple[State, Reply]:
    """The closing words; the place is cleared and the exercise counted as done."""
    done = [d for d in here.household.exercises_done if d != ex.id] + [ex.id]
    forgotten = here.forget()
    household = copying.replace(forgotten.household, exercises_done=done[-MAX_DONE:])
    return State(household, forgotten.session), Reply.tell(speech)


def _fast_seconds(segments: tuple[Segment, ...]) -> float:
    """A brisk estimate of how long ``segments`` take to play (errs short)."""
    total = 0.0
    for seg in segments:
        if isinstance(seg, Say):
            total += len(seg.text.split()) / FAST_WORDS_PER_S
        elif isinstance(seg, Pause):
            total += seg.ms / 1000
    return total
