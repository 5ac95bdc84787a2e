"""Ways into an exercise from outside one: the offer at launch, its answer, "resume", and
exercise words ("ready", "more time") said when no exercise is running.

While the skill waits for a yes or no to one of these offers the session's context is
``listening_offer``; any other answer lets the offer lapse and is routed as usual.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import people, tonight, top
from skill.runtime.flows.events import Event
from skill.runtime.flows.listening.choosing import start
from skill.runtime.flows.listening.pausing import pick_up, resumable
from skill.runtime.flows.listening.steps import present
from skill.runtime.flows.listening.turn import GO_ON, Turn
from skill.runtime.reply import Pause, Reply, Segment
from skill.runtime.state import State

#: The session context while the skill waits for a yes or no to one of its listening offers.
OFFER_CONTEXT = "listening_offer"
OFFER_RESUME = "resume_listening"
OFFER_START = "start_listening"


def offer_resume(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """At launch: "last time you were partway through ..., pick up where you left off?"."""
    ex = resumable(state.household, content, now)
    if ex is None:
        return None
    greeted, _ = top.launch(state, event, content, now, rng)
    turn = Turn(greeted, content, now, rng)
    greeting = people.greeting(greeted.household, event.person_id, content, rng)
    speech = (*greeting, Pause(300), *turn.line("listening.offer_resume", title=ex.title))
    return _offering(greeted, OFFER_RESUME, speech, turn.line("listening.offer_resume_reprompt"))


def route_offer(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """The answer to a listening offer: yes picks up (or starts), no moves on kindly."""
    turn = Turn(state, content, now, rng)
    name = event.intent
    if state.session.offer == OFFER_RESUME:
        ex = resumable(state.household, content, now)
        if ex is not None and name in GO_ON:
            return pick_up(turn, ex)
        if ex is not None and name == intents.START_OVER:
            return present(turn, ex, turn.progress, 0, turn.line("listening.start_over"))
        if name == intents.NO:
            forgotten = turn.forget()
            session = dataclasses.replace(forgotten.session, offer="tonight")
            speech = (
                *turn.line("listening.offer_declined"),
                Pause(300),
                content.say("offer.tonight", rng),
            )
            return State(forgotten.household, session), Reply.ask(
                speech, (content.say("launch.reprompt", rng),)
            )
    elif state.session.offer == OFFER_START:
        if name in GO_ON:
            return start(state, event, content, now, rng)
        if name == intents.NO:
            return state, Reply.tell(turn.line("no.goodbye"))
    return _elsewhere(state, event, content, now, rng)


def _elsewhere(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The offer lapses: answer the intent as if nothing had been offered."""
    from skill.runtime.flows import dialog  # late: the router imports this module

    session = dataclasses.replace(state.session, context=top.TOP, offer="")
    flow = dialog.INTENT_FLOWS.get(event.intent, top.fallback)
    return flow(State(state.household, session), event, content, now, rng)


def resume(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Resume" outside an exercise: pick up a saved one, else tonight's question as before."""
    ex = resumable(state.household, content, now)
    if ex is None:
        return tonight.ask_tonight(state, event, content, now, rng)
    return pick_up(Turn(state, content, now, rng), ex)


def outside(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Exercise words ("ready", "more time") with no exercise running: offer one."""
    ex = resumable(state.household, content, now)
    turn = Turn(state, content, now, rng)
    if ex is not None:
        return _offering(
            state,
            OFFER_RESUME,
            turn.line("listening.offer_resume", title=ex.title),
            turn.line("listening.offer_resume_reprompt"),
        )
    return _offering(
        state, OFFER_START, turn.line("listening.outside"), turn.line("listening.outside_reprompt")
    )


def _offering(
    state: State, offer: str, speech: tuple[Segment, ...], reprompt: tuple[Segment, ...]
) -> tuple[State, Reply]:
    """``state`` waiting for a yes or no to ``offer``, which ``speech`` has just made."""
    session = dataclasses.replace(state.session, context=OFFER_CONTEXT, offer=offer)
    return State(state.household, session), Reply.ask(speech, reprompt)
