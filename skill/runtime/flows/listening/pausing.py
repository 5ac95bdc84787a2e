"""Keeping a couple's place: pause, a break, stop, the session ending, and coming back to it.

Where the couple is lives in the household (``ListeningProgress``), so a session that ends
mid-exercise - "stop", "we need a break", or Alexa closing it after the reprompt - can be
picked up at the next launch within a day (``resumable``, ``pick_up``).
"""

from __future__ import annotations

from datetime import datetime

from skill.runtime import copying, exercises
from skill.runtime.catalog import LocaleContent
from skill.runtime.exercises import Exercise
from skill.runtime.flows.kit import journal
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.listening.context import Here, epoch, running
from skill.runtime.flows.listening.library import current
from skill.runtime.flows.listening.steps import present, wait_at, waiting
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Silence
from skill.runtime.state import Household, ListeningProgress, State

#: A saved place is offered back for this long after the couple last moved on.
RESUME_WINDOW_S = 24 * 3600


def pause(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """ "Pause", "give us a minute": wait quietly a while, keeping the place, then ask."""
    progress = copying.replace(here.progress, paused=True, turn_ends=0)
    speech = (
        *here.line("listening.pause"),
        Silence(exercises.PAUSE_S),
        Pause(300),
        *here.line("listening.paused_prompt"),
    )
    return wait_at(here, progress, speech)


def take_break(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """ "We need a break": kindly pause, keep the place for a day, and close the session."""
    progress = copying.replace(here.progress, paused=True, turn_ends=0)
    state = here.keep(progress, holding=False)
    return state, Reply.tell(here.line("listening.break", title=ex.title))


def stop(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """ "Stop": keep the place and say goodbye warmly."""
    progress = copying.replace(here.progress, turn_ends=0)
    state = here.keep(progress, holding=False)
    return state, Reply.tell(here.line("listening.stop", title=ex.title))


def keep_place(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """The session ended (silence after the reprompt, an error): keep the place for a day.

    An exercise nobody had started (still choosing who goes first) is simply dropped.
    """
    progress = state.household.listening
    if not progress.exercise or not running(state):
        return state, Reply.silent()
    if progress.first < 0:
        household = copying.replace(state.household, listening=ListeningProgress())
    else:
        kept = copying.replace(progress, turn_ends=0, updated=epoch(ctx.now))
        household = copying.replace(state.household, listening=kept)
    return State(household, state.session), Reply.silent()


def resumable(household: Household, content: LocaleContent, now: datetime) -> Exercise | None:
    """The exercise a couple can pick up: started, still in the content, moved on within a day."""
    progress = household.listening
    ex = current(household, content)
    if ex is None or progress.first < 0:
        return None
    if epoch(now) - progress.updated >= RESUME_WINDOW_S:
        return None
    if progress.part > 0 and progress.part >= len(ex.steps[progress.step].parts):
        return None
    return ex


def pick_up(here: Here, ex: Exercise) -> tuple[State, Reply]:
    """Back at the saved place, after saying which exercise it is."""
    household = journal.record(here.household, night_of(here.now), journal.LISTENING, ex.id)
    here = here.with_household(household)
    progress = copying.replace(here.progress, paused=False, turn_ends=0)
    lead = (*here.line("listening.welcome_back", title=ex.title), Pause(400))
    step = ex.steps[progress.step]
    if progress.part == 0 and step.advance != exercises.CUE:
        return present(here, ex, progress, progress.step, lead)
    return wait_at(here, progress, (*lead, *waiting(here, ex, progress)))
