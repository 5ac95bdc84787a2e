"""The skill's front door and its manners: the greeting, help, stop, fallback, home, yes, no,
repeat, next, previous and pause, wherever no activity holds the floor.

Home never reaches into another activity: "yes" accepts whatever was offered through the
context (the activity that made the offer answers it), and "next" asks for tonight's question
by intent. The greeting is the launch's first half; the offer after it is home's own unless an
activity's launch offer takes its place (see ``dialog``).
"""

from __future__ import annotations

from skill.runtime import copying, intents
from skill.runtime.flows.kit import offers, people, places, talk
from skill.runtime.flows.kit.activity import Activity, Offered
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.nights import is_morning, night_of
from skill.runtime.reply import Pause, Reply, Segment, segments_from_json
from skill.runtime.state import HOME, Place, Session, State


def greet(
    state: State, event: Event, ctx: FlowContext, returning: bool
) -> tuple[State, tuple[Segment, ...]]:
    """The launch's bookkeeping and greeting: the full welcome once, a short one after (and
    whenever something is being offered back); before noon, a good morning."""
    night = night_of(ctx.now)
    household = state.household
    first_time = household.visits == 0 and not returning
    household = copying.replace(
        household,
        visits=household.visits + 1,
        first_night=household.first_night or night,
        last_night=night,
    )
    morning = is_morning(ctx.now)
    if first_time:
        greeting: tuple[Segment, ...] = (
            ctx.say("launch.first_morning" if morning else "launch.first"),
        )
    else:
        greeting = people.greeting(household, event.person_id, ctx.content, ctx.rng, morning)
    return State(household, state.session), greeting


def offer_tonight(state: State, event: Event, ctx: FlowContext) -> Offered:
    """Home's own launch offer: tonight's question (worded for a first visit on the first),
    or a gratitude prompt when tonight's question has been asked already."""
    offer: Segment
    if state.household.visits == 0:
        offered, offer = places.home(state, places.TONIGHT_OFFER), ctx.say("launch.offer_first")
    else:
        offered, offer = offers.next_offer(places.home(state), ctx)
    return Offered(offered, (offer,), (ctx.say("launch.reprompt"),), returning=False)


def home(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Back to the top, dropping whatever was in progress in this session."""
    place = Place(activity=HOME, offer=places.TONIGHT_OFFER)
    session = Session(time_zone=state.session.time_zone, place=place)
    return State(state.household, session), Reply.ask(
        (ctx.say("home.intro"), Pause(300), ctx.say("offer.tonight")),
        (ctx.say("launch.reprompt"),),
    )


#: From this many visits a couple knows the skill, and help says what works in one breath.
KNOWN_AFTER_VISITS = 4


def help_(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Say what works here and end with a question, as certification requires; shorter once
    a couple knows the skill."""
    key = "help.short" if state.household.visits >= KNOWN_AFTER_VISITS else "help.top"
    return places.home(state, places.TONIGHT_OFFER), Reply.ask(
        (ctx.say(key), Pause(300), ctx.say("help.ask")),
        (ctx.say("help.reprompt"),),
    )


def goodbye(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Stop, cancel, "that was lovely, bye": a warm goodbye for the time of day, and close."""
    return state, Reply.tell((ctx.say(talk.goodbye_key(ctx)),))


#: The fallback's lines by misses in a row: what works, then more of it, then a simple choice.
FALLBACKS = ("fallback.top", "fallback.second", "fallback.third")


def fallback(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Words the skill didn't catch: say what works here and keep listening. A second miss in
    a row names what works; a third offers one simple choice (tonight's question, yes or no)."""
    level = min(state.session.misses, len(FALLBACKS) - 1)
    reply = Reply.ask((ctx.say(FALLBACKS[level]),), (ctx.say("fallback.reprompt"),))
    if level == len(FALLBACKS) - 1:
        return places.home(state, places.TONIGHT_OFFER), reply
    return state, reply


def yes(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Accept whatever the skill just offered (the activity that offered it answers)."""
    accepted = ctx.elsewhere.accept(state, event, ctx)
    if accepted is not None:
        return accepted
    return state, Reply.ask((ctx.say("yes.unclear"),), (ctx.say("launch.reprompt"),))


def no(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Decline the offer: close kindly; with nothing offered, ask what they'd like."""
    if state.session.place.offer:
        return state, Reply.tell((ctx.say("no.goodbye"),))
    return state, Reply.ask((ctx.say("no.unclear"),), (ctx.say("launch.reprompt"),))


def pause(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Pause outside an activity: close the session and say how to come back."""
    return state, Reply.tell((ctx.say("pause.top"),))


def next_(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Next, with nothing in play: tonight's question."""
    return ctx.route(state, event, intents.TONIGHT)


def previous(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Previous: there is no going back among questions, so say what is possible instead."""
    return state, Reply.ask((ctx.say("previous.top"),), (ctx.say("tonight.reprompt"),))


def repeat(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Say the last thing again, word for word."""
    speech = segments_from_json(state.session.last_speech)
    if not speech:
        return places.offer_tonight(state), Reply.ask(
            (ctx.say("repeat.nothing"), Pause(300), ctx.say("offer.tonight")),
            (ctx.say("offer.tonight"),),
        )
    reprompt = segments_from_json(state.session.last_reprompt) or (ctx.say("launch.reprompt"),)
    return state, Reply.ask(speech, reprompt)


ACTIVITY = Activity(
    name=HOME,
    greeting=greet,
    launch_offer=offer_tonight,
    intents={
        intents.HELP: help_,
        intents.STOP: goodbye,
        intents.CANCEL: goodbye,
        intents.GOODBYE: goodbye,
        intents.FALLBACK: fallback,
        intents.NAVIGATE_HOME: home,
        intents.START_OVER: home,
        intents.YES: yes,
        intents.NO: no,
        intents.REPEAT: repeat,
        intents.NEXT: next_,
        intents.PREVIOUS: previous,
        intents.PAUSE: pause,
    },
)
