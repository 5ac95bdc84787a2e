"""Forget us: "delete our data", confirmed with yes or no, erases everything kept for them.

A flow can't touch the store, so on "yes" it returns its goodbye with a ``ForgetHousehold``
effect: the turn then skips the save and deletes the household's record instead (and cancels
their nightly reminder first, best effort). If the store can't be reached, the turn tells the
dialog with an ``EFFECT_DONE`` event and ``forget_done`` says so plainly.
"""

from __future__ import annotations

from skill.runtime import effects, intents
from skill.runtime.effects import ForgetHousehold
from skill.runtime.flows.kit import offers, places
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Pause, Reply
from skill.runtime.state import State

NAME = "privacy"
OFFER_CONFIRM = "forget_confirm"


def delete_data(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Delete our data": say what will go, and ask them to confirm."""
    return places.at(state, NAME, OFFER_CONFIRM), Reply.ask(
        (ctx.say("forget.confirm"),), (ctx.say("forget.reprompt"),)
    )


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """Yes erases (as a turn effect); no keeps everything. Anything else routes as usual."""
    if state.session.place.offer != OFFER_CONFIRM:
        return None
    if event.is_intent(intents.YES):
        effect = ForgetHousehold(cancel_reminder=state.household.reminder.alert_token)
        return state, Reply.tell((ctx.say("forget.done"),)).with_effect(effect)
    if event.is_intent(intents.NO, intents.CANCEL):
        offered, offer = offers.next_offer(places.home(state), ctx)
        return offered, Reply.ask((ctx.say("forget.kept"), Pause(300), offer), (offer,))
    if event.is_intent(intents.FALLBACK):
        return state, Reply.ask((ctx.say("forget.reprompt"),), (ctx.say("forget.reprompt"),))
    return None


def forget_done(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """The erase could not be done (storage unreachable): say so, and close."""
    return state, Reply.tell((ctx.say("forget.failed"),))


ACTIVITY = Activity(
    name=NAME,
    intents={intents.DELETE_DATA: delete_data},
    router=route,
    effects={effects.FORGET: forget_done},
)
