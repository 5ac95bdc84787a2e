"""The skill's front door and its manners: launch, help, stop, fallback, home, yes and no."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from random import Random

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import people, tonight
from skill.runtime.flows.events import Event
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Segment, segments_from_json
from skill.runtime.state import Session, State

TOP = "top"


def launch(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Greet: the full welcome once, a short one for a couple who has been here before."""
    night = night_of(now)
    household = state.household
    first_time = household.visits == 0
    household = dataclasses.replace(
        household,
        visits=household.visits + 1,
        first_night=household.first_night or night,
        last_night=night,
    )
    if first_time:
        greeting: tuple[Segment, ...] = (content.say("launch.first", rng),)
    else:
        greeting = people.greeting(household, event.person_id, content, rng)
    session = dataclasses.replace(state.session, context=TOP, offer="tonight")
    offer = content.say("launch.offer_first" if first_time else "offer.tonight", rng)
    return State(household, session), Reply.ask(
        (*greeting, Pause(300), offer), (content.say("launch.reprompt", rng),)
    )


def home(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Back to the top, dropping whatever was in progress in this session."""
    session = Session(time_zone=state.session.time_zone, context=TOP, offer="tonight")
    return State(state.household, session), Reply.ask(
        (content.say("home.intro", rng), Pause(300), content.say("offer.tonight", rng)),
        (content.say("launch.reprompt", rng),),
    )


def help_(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Say what works here and end with a question, as certification requires."""
    key = "help.question" if state.session.context == tonight.CONTEXT else "help.top"
    session = dataclasses.replace(state.session, offer="tonight")
    return State(state.household, session), Reply.ask(
        (content.say(key, rng), Pause(300), content.say("help.ask", rng)),
        (content.say("help.reprompt", rng),),
    )


def goodbye(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Stop and Cancel: a warm goodbye that closes the session."""
    return state, Reply.tell((content.say("goodbye", rng),))


def fallback(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Words the skill didn't catch: say what works here and keep listening."""
    key = "fallback.question" if state.session.context == tonight.CONTEXT else "fallback.top"
    return state, Reply.ask((content.say(key, rng),), (content.say("fallback.reprompt", rng),))


def yes(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Accept whatever the skill just offered."""
    offer = state.session.offer
    if offer == "tonight":
        return tonight.ask_tonight(state, event, content, now, rng)
    if offer == "another":
        return tonight.ask_another(state, event, content, now, rng)
    return state, Reply.ask(
        (content.say("yes.unclear", rng),), (content.say("launch.reprompt", rng),)
    )


def no(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Decline the offer: close kindly; with nothing offered, ask what they'd like."""
    if state.session.offer:
        return state, Reply.tell((content.say("no.goodbye", rng),))
    return state, Reply.ask(
        (content.say("no.unclear", rng),), (content.say("launch.reprompt", rng),)
    )


def pause(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Pause outside an activity: close the session and say how to come back."""
    return state, Reply.tell((content.say("pause.top", rng),))


def next_(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Next: another question when one is in play, else tonight's."""
    if state.session.context == tonight.CONTEXT:
        return tonight.ask_another(state, event, content, now, rng)
    return tonight.ask_tonight(state, event, content, now, rng)


def previous(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Previous: there is no going back among questions, so say what is possible instead."""
    return state, Reply.ask(
        (content.say("previous.top", rng),), (content.say("tonight.reprompt", rng),)
    )


def repeat(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Say the last thing again, word for word."""
    speech = segments_from_json(state.session.last_speech)
    if not speech:
        session = dataclasses.replace(state.session, offer="tonight")
        return State(state.household, session), Reply.ask(
            (content.say("repeat.nothing", rng), Pause(300), content.say("offer.tonight", rng)),
            (content.say("offer.tonight", rng),),
        )
    reprompt = segments_from_json(state.session.last_reprompt) or (
        content.say("launch.reprompt", rng),
    )
    return state, Reply.ask(speech, reprompt)


def session_ended(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Alexa closed the session: no speech is allowed, and nothing needs saving here."""
    return state, Reply.silent()
