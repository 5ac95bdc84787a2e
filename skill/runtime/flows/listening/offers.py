"""Ways into an exercise from outside one: the offer at launch, its answer, "resume", and
exercise words ("ready", "more time") said when no exercise is running.

While the skill waits for a yes or no to one of these offers the activity holds the floor with
the offer made; any other answer lets the offer lapse and is routed as usual.
"""

from __future__ import annotations

from skill.runtime import intents
from skill.runtime.flows.kit import places
from skill.runtime.flows.kit.activity import Offered, Pass
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.listening.choosing import start
from skill.runtime.flows.listening.context import GO_ON, NAME, OFFER_RESUME, OFFER_START, Here
from skill.runtime.flows.listening.pausing import pick_up, resumable
from skill.runtime.flows.listening.steps import present
from skill.runtime.reply import Pause, Reply, Segment
from skill.runtime.state import State


def offer_resume(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """At launch: "last time you were partway through ..., pick up where you left off?"."""
    ex = resumable(state.household, ctx.content, ctx.now)
    if ex is None:
        return None
    here = Here(state, ctx)
    speech = here.line("listening.offer_resume", title=ex.title)
    offered, reply = _offering(
        state, OFFER_RESUME, speech, here.line("listening.offer_resume_reprompt")
    )
    return Offered(offered, reply.speech, reply.reprompt)


def route_offer(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | Pass:
    """The answer to a listening offer: yes picks up (or starts), no moves on kindly; any other
    answer lets the offer lapse (a pass, from the front door)."""
    here = Here(state, ctx)
    name = event.intent
    if state.session.place.offer == OFFER_RESUME:
        ex = resumable(state.household, ctx.content, ctx.now)
        if ex is not None and name in GO_ON:
            return pick_up(here, ex)
        if ex is not None and name == intents.START_OVER:
            return present(here, ex, here.progress, 0, here.line("listening.start_over"))
        if name == intents.NO:
            forgotten = places.home(here.forget(), places.TONIGHT_OFFER)
            speech = (
                *here.line("listening.offer_declined"),
                Pause(300),
                ctx.say("offer.tonight"),
            )
            return forgotten, Reply.ask(speech, (ctx.say("launch.reprompt"),))
    elif state.session.place.offer == OFFER_START:
        if name in GO_ON:
            return start(state, event, ctx)
        if name == intents.NO:
            return state, Reply.tell(here.line("no.goodbye"))
    return Pass(places.home(state))


def resume(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Resume" outside an exercise: pick up a saved one, else tonight's question as before."""
    ex = resumable(state.household, ctx.content, ctx.now)
    if ex is None:
        return ctx.route(state, event, intents.TONIGHT)
    return pick_up(Here(state, ctx), ex)


def outside(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Exercise words ("ready", "more time") with no exercise running: offer one."""
    ex = resumable(state.household, ctx.content, ctx.now)
    here = Here(state, ctx)
    if ex is not None:
        return _offering(
            state,
            OFFER_RESUME,
            here.line("listening.offer_resume", title=ex.title),
            here.line("listening.offer_resume_reprompt"),
        )
    return _offering(
        state, OFFER_START, here.line("listening.outside"), here.line("listening.outside_reprompt")
    )


def _offering(
    state: State, offer: str, speech: tuple[Segment, ...], reprompt: tuple[Segment, ...]
) -> tuple[State, Reply]:
    """``state`` waiting for a yes or no to ``offer``, which ``speech`` has just made."""
    return places.at(state, NAME, offer), Reply.ask(speech, reprompt)
