"""The activity router: what each intent means while an exercise runs.

The session's context is ``listening`` while an exercise runs, so every intent reaches
``route`` first and "next", "repeat" or "go back" mean the right thing here. Which move an
intent makes depends on where the couple waits: choosing who goes first, paused, at a step
waiting for a cue, or between the parts of a long timed here.
"""

from __future__ import annotations

from collections.abc import Callable

from skill.runtime import intents
from skill.runtime.exercises import Exercise
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.listening import moves, pausing
from skill.runtime.flows.listening.choosing import route_choose
from skill.runtime.flows.listening.context import GO_ON, Here
from skill.runtime.flows.listening.library import current
from skill.runtime.reply import Reply
from skill.runtime.state import State

#: Intents that say "carry on with this turn" between the parts of a long one.
KEEP_GOING = frozenset({intents.MORE_TIME, intents.YES, intents.RESUME})
#: Intents that say "this turn is over" between the parts of a long one.
TURN_DONE = frozenset({intents.CUE, intents.NEXT, intents.NO, intents.SWAP})

Move = Callable[[Here, Exercise], tuple[State, Reply]]

#: At a step waiting for a cue (or a paused one): the move each other intent makes.
MOVES: dict[str, Move] = {
    intents.SKIP_STEP: moves.skip,
    intents.MORE_TIME: moves.more_time,
    intents.PREVIOUS: moves.back,
    intents.REPEAT: moves.repeat,
    intents.START_OVER: moves.start_over,
    intents.PAUSE: pausing.pause,
    intents.BREAK: pausing.take_break,
    intents.STOP: pausing.stop,
    intents.CANCEL: pausing.stop,
    intents.GOODBYE: pausing.stop,
    intents.HELP: moves.help_here,
    intents.NO: moves.no_rush,
}


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """Every intent while an exercise runs; None lets "go home" and the like route normally."""
    progress = state.household.listening
    ex = current(state.household, ctx.content)
    if ex is None:
        return None
    if event.intent == intents.NAVIGATE_HOME:
        return None
    here = Here(state, ctx)
    if progress.first < 0:
        return route_choose(here, ex, event)
    if progress.paused:
        if event.intent in GO_ON:
            return moves.again(here, ex, here.line("listening.resumed"))
        if event.intent in (intents.MORE_TIME, intents.PAUSE):
            return pausing.pause(here, ex)
        if event.intent in (intents.FALLBACK, intents.REPEAT):
            return moves.remind(here, ex)
    return _route_step(here, ex, event)


def _route_step(here: Here, ex: Exercise, event: Event) -> tuple[State, Reply]:
    name = event.intent
    between = here.progress.part > 0
    if between and name in KEEP_GOING:
        return moves.next_part(here, ex)
    if between and name in (*TURN_DONE, intents.SKIP_STEP):
        lead = here.line("listening.skip") if name == intents.SKIP_STEP else ()
        return moves.after_turn(here, ex, lead)
    if name in GO_ON:
        return moves.advance(here, ex)
    return MOVES.get(name, moves.remind)(here, ex)
