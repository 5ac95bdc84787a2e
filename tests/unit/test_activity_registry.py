"""The registry is the one list of activities: a new one is a package and one line, and the
registry refuses declarations that disagree."""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random

import pytest

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import dialog
from skill.runtime.flows.kit.activity import Activity, Offered
from skill.runtime.flows.kit.events import INTENT, LAUNCH, SESSION_ENDED, Event
from skill.runtime.flows.registry import ACTIVITIES, REGISTRY, Registry, RegistryError
from skill.runtime.reply import Display, Say
from skill.runtime.state import Household, Place, Session, State
from tests.support import toy

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def said(reply: object) -> list[str]:
    return [s.text for s in reply.speech if isinstance(s, Say)]


def test_a_toy_activity_answers_its_intent_shows_on_a_screen_and_resumes(
    content: LocaleContent,
) -> None:
    with_toy = dialog.Dialog(REGISTRY.adding(toy.ACTIVITY))  # the one registry line

    def turn(state: State, event: Event, seed: int = 1) -> tuple[State, object]:
        return dialog.handle(state, event, content, NOW, Random(seed), dialog=with_toy)

    state = State(Household(visits=3, names_offered=True), Session())
    state, reply = turn(state, Event(INTENT, intent=toy.START))
    assert said(reply) == ["Toy step 1."]
    state, reply = turn(state, Event(INTENT, intent=intents.NEXT))
    assert said(reply) == ["Toy step 2."]
    assert reply.display == Display(title="Toy", text="Step 2")
    state, _ = turn(state, Event(SESSION_ENDED, reason="EXCEEDED_MAX_REPROMPTS"))
    state, launch = turn(State(state.household, Session()), Event(LAUNCH, new_session=True))
    assert "Carry on with the toy at step 2?" in said(launch)
    state, reply = turn(state, Event(INTENT, intent=intents.YES))
    assert said(reply) == ["Toy step 2."]


def test_without_its_registry_line_the_toy_intent_falls_back(content: LocaleContent) -> None:
    _, reply = dialog.handle(
        State(Household(), Session()), Event(INTENT, intent=toy.START), content, NOW, Random(1)
    )
    assert set(said(reply)) & set(content.variants("fallback.top"))


def test_an_intent_with_two_owners_is_refused_when_the_registry_is_built() -> None:
    thief = Activity(name="thief", intents={intents.TONIGHT: toy.start})
    with pytest.raises(RegistryError, match=r"TonightQuestionIntent.*two owners"):
        Registry((thief, *ACTIVITIES))


def test_an_offer_with_two_owners_or_two_greeters_is_refused() -> None:
    offers = Activity(name="offers", accepts={"tonight": toy.start})
    with pytest.raises(RegistryError, match="offer 'tonight'"):
        Registry((offers, *ACTIVITIES))
    home = next(a for a in ACTIVITIES if a.greeting is not None)
    with pytest.raises(RegistryError, match="greets"):
        Registry((copying.replace(home, name="second home", intents={}), *ACTIVITIES))
    with pytest.raises(RegistryError, match="activity 'toy'"):
        Registry((toy.ACTIVITY, toy.ACTIVITY, *ACTIVITIES))


def test_every_table_comes_from_the_declarations() -> None:
    names = [a.name for a in ACTIVITIES]
    assert len(names) == len(set(names))
    for intent, flow in REGISTRY.intent_flows.items():
        (owner,) = [a for a in ACTIVITIES if intent in a.intents]
        assert owner.intents[intent] is flow
    assert set(REGISTRY.screens) <= set(names) and set(REGISTRY.routers) <= set(names)
    assert REGISTRY.launch_offers[-1] is ACTIVITIES[-1].launch_offer, "home's offer is last"


def test_an_activity_can_offer_something_in_place_of_tonights_question(
    content: LocaleContent,
) -> None:
    """``Activity.instead_of_tonight``: asked for tonight's question before it is drawn, the
    first activity with an offer makes it; once tonight's question is had, it is asked."""

    def offer(state: State, event: Event, ctx: object) -> Offered | None:
        placed = copying.replace(state.session, place=Place("instead", "instead_offer"))
        return Offered(State(state.household, placed), (Say("Toy instead?"),), (Say("Toy?"),))

    instead = Activity(name="instead", instead_of_tonight=offer)
    giving_way = dialog.Dialog(REGISTRY.adding(instead))
    asked = Event(INTENT, intent=intents.TONIGHT)
    fresh = State(Household(visits=3, names_offered=True), Session())
    state, reply = dialog.handle(fresh, asked, content, NOW, Random(1), dialog=giving_way)
    assert said(reply) == ["Toy instead?"] and state.session.place.offer == "instead_offer"
    assert state.household.tonight.night == "", "no question was drawn"
    had, _ = dialog.handle(fresh, asked, content, NOW, Random(1))
    assert had.household.tonight.night
    _, again = dialog.handle(had, asked, content, NOW, Random(1), dialog=giving_way)
    assert any(q.text in said(again) for q in content.questions)
