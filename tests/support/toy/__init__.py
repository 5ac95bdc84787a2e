"""A toy activity, written as a real one would be: one package, one declaration. It counts
steps, shows the step on a screen, keeps its place when a session ends and offers it back at
the next launch. ``tests/unit/test_activity_registry.py`` adds it with one registry line."""

from __future__ import annotations

from random import Random

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit import places
from skill.runtime.flows.kit.activity import Activity, Offered
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Display, Reply, Say
from skill.runtime.state import State

NAME = "toy"
START = "ToyIntent"
RESUME_OFFER = "toy_resume"


def _step(state: State) -> int:
    return (state.household.kept.get(NAME) or [0])[0]


def _at(state: State, step: int, offer: str = "") -> State:
    kept = {**state.household.kept, NAME: [step]}
    household = copying.replace(state.household, kept=kept)
    return places.at(State(household, state.session), NAME, offer)


def _say_step(state: State, step: int) -> tuple[State, Reply]:
    words = (Say(f"Toy step {step}."),)
    return _at(state, step), Reply.ask(words, words)


def start(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    return _say_step(state, 1)


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    if state.session.place.offer == RESUME_OFFER and event.is_intent(intents.YES):
        return _say_step(state, _step(state))
    if event.is_intent(intents.NEXT):
        return _say_step(state, _step(state) + 1)
    return None


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    return Display(title="Toy", text=f"Step {_step(state)}")


def on_session_end(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    return state, Reply.silent()


def offer_resume(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    step = _step(state)
    if not step:
        return None
    words = (Say(f"Carry on with the toy at step {step}?"),)
    return Offered(_at(state, step, RESUME_OFFER), words, words)


ACTIVITY = Activity(
    name=NAME,
    intents={START: start},
    router=route,
    screen=screen,
    launch_offer=offer_resume,
    on_session_end=on_session_end,
)
