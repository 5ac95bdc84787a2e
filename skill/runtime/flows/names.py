"""Names: "call us Sam and Alex", "forget our names", and the once-only offer of that setup
at the couple's second launch ("what should I call you two?").

How a name is spoken back, and recognized voices, are the kit's (``kit/people.py``), since
every turn-taking activity uses them. Names are stored only because the couple asked.
"""

from __future__ import annotations

from skill.runtime import copying, intents
from skill.runtime.flows.kit import offers, places
from skill.runtime.flows.kit.activity import Activity, Offered
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.kit.people import clean_name, without_names
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Segment
from skill.runtime.state import State

#: This activity's name: it holds the floor while "what should I call you two?" is open.
NAME = "names"
#: The offer of the names setup, answered with yes or no while the activity holds the floor.
OFFER_NAMES = places.NAMES_OFFER
#: The names are offered from the couple's second visit (on a later night), once.
OFFER_NAMES_AT_VISIT = 2


def ask_names(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Offer the optional setup: "what should I call you two?"."""
    return places.offer_by(state, NAME, OFFER_NAMES), Reply.ask(
        (ctx.say("names.ask"),), (ctx.say("names.reprompt"),)
    )


def set_names(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Store two first names; anything that isn't two names gets one clear re-ask."""
    spoken = [
        event.spoken.get(intents.SLOT_NAME_ONE, ""),
        event.spoken.get(intents.SLOT_NAME_TWO, ""),
    ]
    given = [s for s in spoken if s]
    if len(given) < 2:
        return _reask(state, "names.need_two", ctx)
    names = [clean_name(s) for s in given]
    if None in names or names[0] == names[1]:
        return _reask(state, "names.not_names", ctx)
    first, second = (n for n in names if n is not None)
    household = copying.replace(state.household, names=[first, second])
    speech = (ctx.say("names.saved", one=first, two=second),)
    if event.new_session:
        return State(household, state.session), Reply.tell(speech)
    named, offer = offers.next_offer(State(household, state.session), ctx)
    return named, Reply.ask((*speech, offer), (ctx.say("launch.reprompt"),))


def forget_names(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Drop the stored names and recognized voices."""
    household, key = without_names(state.household)
    speech = (ctx.say(key),)
    if event.new_session:
        return State(household, state.session), Reply.tell(speech)
    return State(household, state.session), Reply.ask(
        (*speech, ctx.say("offer.tonight")), (ctx.say("launch.reprompt"),)
    )


def introduce(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "This is Sam", "I'm Sam": a recognized voice is bound to that partner's chosen name,
    the only way a voice and a name are ever matched. Without names, or a name that isn't
    one of theirs, the couple hears how to give names."""
    said = clean_name(event.spoken.get(intents.SLOT_NAME, ""))
    names = state.household.names
    if said is None or said not in names:
        key = "names.introduce_unknown" if len(names) == 2 else "names.introduce_first"
        params = {"one": names[0], "two": names[1]} if len(names) == 2 else {}
        return _answered(state, (ctx.say(key, name=said or "", **params),), event, ctx)
    if not event.person_id:
        return _answered(state, (ctx.say("names.hello", name=said),), event, ctx)
    bound = {**state.household.voice_names, event.person_id: names.index(said)}
    household = copying.replace(state.household, voice_names=bound)
    return _answered(
        State(household, state.session), (ctx.say("names.bound", name=said),), event, ctx
    )


def _answered(
    state: State, speech: tuple[Segment, ...], event: Event, ctx: FlowContext
) -> tuple[State, Reply]:
    if event.new_session:
        return state, Reply.tell(speech)
    offered, offer = offers.next_offer(state, ctx)
    return offered, Reply.ask((*speech, Pause(300), offer), (ctx.say("launch.reprompt"),))


def _reask(state: State, key: str, ctx: FlowContext) -> tuple[State, Reply]:
    return places.offer_by(state, NAME, OFFER_NAMES), Reply.ask(
        (ctx.say(key),), (ctx.say("names.reprompt"),)
    )


def offer_names_at_launch(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """Once, at the first launch on a night after their first, offer the optional setup:
    "what should I call you two?" (never a second time the same evening they met the skill).

    Not when they already gave names or Alexa knows both voices. ``state`` is before the
    launch's bookkeeping, so the visit being greeted is one more than ``visits``.
    """
    household = state.household
    if (
        household.visits + 1 < OFFER_NAMES_AT_VISIT
        or household.last_night == night_of(ctx.now)
        or household.names_offered
        or household.names
        or len(household.voices) >= 2
    ):
        return None
    offered = State(copying.replace(household, names_offered=True), state.session)
    return Offered(
        places.at(offered, NAME, OFFER_NAMES),
        (ctx.say("names.offer"),),
        (ctx.say("names.offer_reprompt"),),
        returning=False,
    )


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """While "what should I call you two?" is open: yes asks for the names, no moves on kindly.
    Names themselves, and anything else, route as usual."""
    if state.session.place.offer != OFFER_NAMES:
        return None
    if event.is_intent(intents.YES):
        return ask_names(state, event, ctx)
    if event.is_intent(intents.NO):
        return places.home(state, places.TONIGHT_OFFER), Reply.ask(
            (ctx.say("names.skipped"), Pause(300), ctx.say("offer.tonight")),
            (ctx.say("launch.reprompt"),),
        )
    return None


ACTIVITY = Activity(
    name=NAME,
    intents={
        intents.SET_NAMES: set_names,
        intents.FORGET_NAMES: forget_names,
        intents.INTRODUCE: introduce,
    },
    router=route,
    launch_offer=offer_names_at_launch,
)
