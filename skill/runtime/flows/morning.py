"""Mornings: before noon, the launch offers a two-minute parting ritual instead of tonight's
question. Each partner says one thing about their day ahead, and the other gives them a wish
for it, by name, in timed quiet; then the skill says goodbye for the day and closes.

Evenings keep the evening: after noon the launch offers what it always did. Tonight's
question and everything else can still be asked for by name in the morning, and "before we
head out" runs the ritual at any hour (not every couple's day starts in the morning).
Nothing is kept: the ritual leaves no trace but the visit.
"""

from __future__ import annotations

from skill.runtime import intents
from skill.runtime.flows.kit import offers, places, talk
from skill.runtime.flows.kit.activity import Activity, Offered
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.nights import is_morning
from skill.runtime.reply import Pause, Reply, Segment, Silence
from skill.runtime.state import State

NAME = "morning"
#: The launch's offer before noon: "shall we do the parting ritual?"
OFFER_PARTING = "morning_parting"
#: Quiet for one thing about a partner's day, and for the other's wish for it: with the
#: words, about two minutes in all.
DAY_SECONDS = 25
WISH_SECONDS = 15


def offer_parting(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """Before noon, local time: the parting ritual is the launch's offer."""
    if not is_morning(ctx.now):
        return None
    return Offered(
        places.at(state, NAME, OFFER_PARTING),
        (ctx.say("morning.offer"),),
        (ctx.say("morning.offer_reprompt"),),
        returning=False,
    )


def parting(state: State, event: Event, ctx: FlowContext) -> Answer:
    """The ritual: each one's day ahead and a wish for it from the other, then goodbye."""
    household = state.household
    speech: tuple[Segment, ...] = (
        ctx.say("morning.intro"),
        Pause(400),
        *talk.floor(household, 0, "morning.day", ctx),
        Silence(DAY_SECONDS),
        *talk.chime(),
        *talk.floor(household, 1, "morning.wish", ctx),
        Silence(WISH_SECONDS),
        *talk.chime(),
        *talk.floor(household, 1, "morning.day_turn", ctx),
        Silence(DAY_SECONDS),
        *talk.chime(),
        *talk.floor(household, 0, "morning.wish_turn", ctx),
        Silence(WISH_SECONDS),
        *talk.chime(),
        ctx.say("morning.close"),
    )
    reply = Reply.tell(speech).with_card(
        ctx.phrase("card.morning_title"), ctx.phrase("morning.card")
    )
    return places.home(state), reply


def hello(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "Good morning", "good evening", "hello there": hello back for the couple's own hour
    (a "good morning" at half past seven in the evening is met with a good evening), then
    what a launch at this hour would offer."""
    greeting = ctx.say(f"hello.{_part_of_day(ctx)}")
    offer: Segment
    if is_morning(ctx.now):
        offered = places.at(state, NAME, OFFER_PARTING)
        offer, reprompt = ctx.say("morning.offer"), ctx.say("morning.offer_reprompt")
    else:
        offered, offer = offers.next_offer(places.home(state), ctx)
        reprompt = ctx.say("launch.reprompt")
    return offered, Reply.ask((greeting, Pause(300), offer), (reprompt,))


def _part_of_day(ctx: FlowContext) -> str:
    """Morning, afternoon, evening or night, as the goodbyes tell them apart."""
    return talk.goodbye_key(ctx).removeprefix("goodbye.")


def route(state: State, event: Event, ctx: FlowContext) -> Answer | None:
    """At the morning's offer: no is a goodbye for the day (not "enjoy your evening")."""
    if state.session.place.offer == OFFER_PARTING and event.is_intent(intents.NO):
        return state, Reply.tell(
            (ctx.say("morning.declined"), Pause(200), ctx.say(talk.goodbye_key(ctx)))
        )
    if state.session.place.offer == OFFER_PARTING and event.is_intent(intents.HELP):
        return state, Reply.ask(
            (ctx.say("help.morning"), Pause(300), ctx.say("morning.offer")),
            (ctx.say("morning.offer_reprompt"),),
        )
    return None


ACTIVITY = Activity(
    name=NAME,
    intents={intents.MORNING: parting, intents.HELLO: hello},
    router=route,
    accepts={OFFER_PARTING: parting},
    launch_offer=offer_parting,
)
