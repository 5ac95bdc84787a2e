"""Forget us: "delete our data", confirmed with yes or no, erases everything kept for them.

A flow can't touch the store, so on "yes" it returns its goodbye with a ``ForgetHousehold``
effect: the turn then skips the save and deletes the household's record instead (and cancels
their nightly reminder first, best effort). If the store can't be reached, the turn tells the
dialog with an ``EFFECT_DONE`` event and ``forget_done`` says so plainly.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.effects import ForgetHousehold
from skill.runtime.flows.events import Event
from skill.runtime.reply import Pause, Reply
from skill.runtime.state import State

CONTEXT = "forget"
OFFER_CONFIRM = "forget_confirm"


def delete_data(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Delete our data": say what will go, and ask them to confirm."""
    session = dataclasses.replace(state.session, context=CONTEXT, offer=OFFER_CONFIRM)
    return State(state.household, session), Reply.ask(
        (content.say("forget.confirm", rng),), (content.say("forget.reprompt", rng),)
    )


def activity(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """Yes erases (as a turn effect); no keeps everything. Anything else routes as usual."""
    if state.session.offer != OFFER_CONFIRM:
        return None
    if event.is_intent(intents.YES):
        effect = ForgetHousehold(cancel_reminder=state.household.reminder.alert_token)
        return state, Reply.tell((content.say("forget.done", rng),)).with_effect(effect)
    if event.is_intent(intents.NO, intents.CANCEL):
        session = dataclasses.replace(state.session, context="top", offer="tonight")
        return State(state.household, session), Reply.ask(
            (content.say("forget.kept", rng), Pause(300), content.say("offer.tonight", rng)),
            (content.say("offer.tonight", rng),),
        )
    if event.is_intent(intents.FALLBACK):
        return state, Reply.ask(
            (content.say("forget.reprompt", rng),), (content.say("forget.reprompt", rng),)
        )
    return None


def forget_done(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The erase could not be done (storage unreachable): say so, and close."""
    return state, Reply.tell((content.say("forget.failed", rng),))
