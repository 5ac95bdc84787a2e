"""The dialog's router: which flow answers this event, given where the session is.

An activity in progress (an exercise, a game) hears every intent first, so "next" or
"repeat" means the right thing inside it; everything else is routed by intent. The router
also remembers the last thing said, so "repeat" works everywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from random import Random

from skill.runtime import effects, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import (
    evening,
    games,
    gratitude,
    listening,
    people,
    privacy,
    ritual,
    screens,
    tonight,
    top,
)
from skill.runtime.flows.events import EFFECT_DONE, INTENT, LAUNCH, PERMISSION, SESSION_ENDED, Event
from skill.runtime.reply import Reply, segments_to_json
from skill.runtime.state import State

Flow = Callable[[State, Event, LocaleContent, datetime, Random], tuple[State, Reply]]
#: An activity's own router: it answers, or returns None to let the intent route normally.
ActivityRouter = Callable[
    [State, Event, LocaleContent, datetime, Random], tuple[State, Reply] | None
]

INTENT_FLOWS: dict[str, Flow] = {
    intents.TONIGHT: tonight.ask_tonight,
    intents.ANOTHER: tonight.ask_another,
    intents.FOLLOW_UP: tonight.follow_up,
    intents.SAVE_FAVOURITE: tonight.save_favourite,
    intents.PLAY_FAVOURITE: tonight.play_favourite,
    intents.LAST_NIGHT: tonight.last_night,
    intents.SET_DEPTH: tonight.set_depth,
    intents.QUESTION_ABOUT: tonight.question_about,
    intents.SET_NAMES: people.set_names,
    intents.FORGET_NAMES: people.forget_names,
    intents.PLAY_GAME: games.play,
    intents.CLOSE: top.fallback,
    intents.PASS: games.pass_,
    intents.SCORE: games.score,
    intents.END_GAME: games.end_game,
    intents.GRATITUDE: gratitude.ask_gratitude,
    intents.SWAP: gratitude.swap,
    intents.SHORT_ON_TIME: evening.five_minutes,
    intents.SURPRISE: evening.surprise,
    intents.WEEK_RECAP: evening.recap,
    intents.SET_REMINDER: ritual.set_reminder,
    intents.CHANGE_REMINDER: ritual.change_reminder,
    intents.CANCEL_REMINDER: ritual.cancel_reminder,
    intents.DELETE_DATA: privacy.delete_data,
    intents.LISTENING: listening.start,
    intents.CUE: listening.outside,
    intents.SKIP_STEP: listening.outside,
    intents.MORE_TIME: listening.outside,
    intents.BREAK: listening.outside,
    intents.ME_FIRST: listening.outside,
    intents.GOES_FIRST: listening.outside,
    intents.YOU_CHOOSE: evening.surprise,
    intents.HELP: top.help_,
    intents.STOP: top.goodbye,
    intents.CANCEL: top.goodbye,
    intents.FALLBACK: top.fallback,
    intents.NAVIGATE_HOME: top.home,
    intents.START_OVER: top.home,
    intents.YES: top.yes,
    intents.NO: top.no,
    intents.REPEAT: top.repeat,
    intents.NEXT: top.next_,
    intents.PREVIOUS: top.previous,
    intents.PAUSE: top.pause,
    intents.RESUME: listening.resume,
}

#: Session context name -> the activity that owns intents while it is in progress.
ACTIVITIES: dict[str, ActivityRouter] = {
    gratitude.CONTEXT: gratitude.activity,
    ritual.CONTEXT: ritual.activity,
    privacy.CONTEXT: privacy.activity,
    people.NAMES_CONTEXT: people.names_activity,
    games.CONTEXT: games.route,
    listening.CONTEXT: listening.route,
    listening.OFFER_CONTEXT: listening.route_offer,
}

#: Session context name -> what a screen shows there when a reply doesn't say (else home).
SCREENS: dict[str, screens.ScreenFn] = {
    tonight.CONTEXT: tonight.screen,
    gratitude.CONTEXT: gratitude.screen,
    games.CONTEXT: games.screen,
    listening.CONTEXT: listening.screen,
}

#: Flows that may run at launch before the greeting, e.g. to offer resuming an activity.
LAUNCH_OFFERS: list[ActivityRouter] = [
    games.offer_resume,
    listening.offer_resume,
    people.offer_names_at_launch,
]

#: Flows told when a session ends, e.g. to keep an exercise's place for next time.
ON_SESSION_END: list[Flow] = [games.on_session_end, listening.keep_place]

#: Effect kind -> the flow told how the effect went (an ``EFFECT_DONE`` event).
EFFECT_FLOWS: dict[str, Flow] = {
    effects.REMINDER: ritual.reminder_done,
    effects.FORGET: privacy.forget_done,
}


def handle(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Answer one event. Pure: the same inputs always give the same state and reply."""
    if event.kind == LAUNCH:
        new_state, reply = _launch(state, event, content, now, rng)
    elif event.kind == SESSION_ENDED:
        new_state, reply = state, Reply.silent()
        for on_end in ON_SESSION_END:
            new_state, _ = on_end(new_state, event, content, now, rng)
    elif event.kind == INTENT:
        new_state, reply = _intent(state, event, content, now, rng)
    elif event.kind == PERMISSION:
        new_state, reply = ritual.permission_answered(state, event, content, now, rng)
    elif event.kind == EFFECT_DONE and event.intent in EFFECT_FLOWS:
        new_state, reply = EFFECT_FLOWS[event.intent](state, event, content, now, rng)
    else:
        new_state, reply = state, Reply.silent()
    reply = screens.attach(new_state, reply, content, rng, SCREENS)
    return _remember(new_state, event, reply), reply


def _launch(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    for offer in LAUNCH_OFFERS:
        answered = offer(state, event, content, now, rng)
        if answered is not None:
            return answered
    return top.launch(state, event, content, now, rng)


def _intent(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    if event.person_id:
        state = State(people.learn_voice(state.household, event.person_id), state.session)
    activity = ACTIVITIES.get(state.session.context)
    if activity is not None:
        answered = activity(state, event, content, now, rng)
        if answered is not None:
            return answered
    flow = INTENT_FLOWS.get(event.intent, top.fallback)
    return flow(state, event, content, now, rng)


def _remember(state: State, event: Event, reply: Reply) -> State:
    """Keep what was just said for "repeat" (but a repeat doesn't overwrite it)."""
    if not reply.speech or event.is_intent(intents.REPEAT) or reply.end_session:
        return state
    session = dataclasses.replace(
        state.session,
        last_speech=segments_to_json(reply.speech),
        last_reprompt=segments_to_json(reply.reprompt),
    )
    return State(state.household, session)
