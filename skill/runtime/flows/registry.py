"""The one list of activities, and the tables the dialog routes by, built from it.

Adding an activity is one package and one line in ``ACTIVITIES``. ``Registry`` refuses, when
it is built (at import for the skill's own list), an intent or an offer with two owners, two
activities of one name, and anything but exactly one activity that greets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from skill.runtime.flows import (
    checkin,
    evening,
    games,
    gratitude,
    home,
    journeys,
    listening,
    morning,
    names,
    privacy,
    reminders,
    repair,
    routine,
    thirtysix,
    tonight,
)
from skill.runtime.flows.kit.activity import (
    Activity,
    Closer,
    Greeting,
    LaunchOffer,
    Router,
    TitleFn,
)
from skill.runtime.flows.kit.context import Flow
from skill.runtime.flows.kit.screens import ScreenFn

#: Every activity, in the order their launch offers are tried (home's, always made, last).
ACTIVITIES: tuple[Activity, ...] = (
    games.ACTIVITY,
    listening.ACTIVITY,
    # A talk paused with a time-out and a check-in left halfway are unfinished business too:
    # offered back before anything new.
    repair.ACTIVITY,
    checkin.ACTIVITY,
    # Before noon the parting ritual is the launch's offer, after what offers an unfinished
    # game or exercise back and ahead of everything that belongs to the evening.
    morning.ACTIVITY,
    names.ACTIVITY,
    journeys.ACTIVITY,
    tonight.ACTIVITY,
    gratitude.ACTIVITY,
    evening.ACTIVITY,
    reminders.ACTIVITY,
    privacy.ACTIVITY,
    thirtysix.ACTIVITY,
    routine.ACTIVITY,
    home.ACTIVITY,
)


class RegistryError(ValueError):
    """The activities disagree: two owners for one intent or offer, or no greeting."""


@dataclass(frozen=True)
class Registry:
    """The dialog's tables, each built from the activities' declarations."""

    activities: Sequence[Activity]
    by_name: Mapping[str, Activity] = field(init=False)
    intent_flows: Mapping[str, Flow] = field(init=False)
    routers: Mapping[str, Router] = field(init=False)
    accepts: Mapping[str, Flow] = field(init=False)
    screens: Mapping[str, ScreenFn] = field(init=False)
    launch_offers: tuple[LaunchOffer, ...] = field(init=False)
    on_session_end: tuple[Flow, ...] = field(init=False)
    effects: Mapping[str, Flow] = field(init=False)
    events: Mapping[str, Flow] = field(init=False)
    titles: Mapping[str, TitleFn] = field(init=False)
    surprises: Mapping[str, Flow] = field(init=False)
    greeting: Greeting = field(init=False)
    instead_of_tonight: tuple[LaunchOffer, ...] = field(init=False)
    closers: tuple[Closer, ...] = field(init=False)

    def __post_init__(self) -> None:
        tables: dict[str, dict[str, str]] = {
            "activity": {},
            "intent": {},
            "offer": {},
            "effect": {},
            "event": {},
            "journal kind": {},
        }

        def own(table: str, key: str, value: object, owner: str) -> None:
            if key in tables[table]:
                first = tables[table][key]
                raise RegistryError(f"{table} {key!r} has two owners: {first} and {owner}")
            tables[table][key] = owner

        greeters = [a for a in self.activities if a.greeting is not None]
        if len(greeters) != 1:
            raise RegistryError(f"exactly one activity greets; found {len(greeters)}")
        for a in self.activities:
            own("activity", a.name, a, a.name)
            for intent, flow in a.intents.items():
                own("intent", intent, flow, a.name)
            for offer, flow in a.accepts.items():
                own("offer", offer, flow, a.name)
            for kind, flow in a.effects.items():
                own("effect", kind, flow, a.name)
            for kind, flow in a.events.items():
                own("event", kind, flow, a.name)
            if a.journal_kind and (a.title is not None or a.surprise is not None):
                own("journal kind", a.journal_kind, a, a.name)
        put = object.__setattr__
        put(self, "by_name", {a.name: a for a in self.activities})
        put(self, "intent_flows", {i: f for a in self.activities for i, f in a.intents.items()})
        put(self, "routers", {a.name: a.router for a in self.activities if a.router})
        put(self, "accepts", {o: f for a in self.activities for o, f in a.accepts.items()})
        put(self, "screens", {a.name: a.screen for a in self.activities if a.screen})
        put(self, "launch_offers", tuple(a.launch_offer for a in self.activities if a.launch_offer))
        put(
            self,
            "on_session_end",
            tuple(a.on_session_end for a in self.activities if a.on_session_end),
        )
        put(self, "effects", {k: f for a in self.activities for k, f in a.effects.items()})
        put(self, "events", {k: f for a in self.activities for k, f in a.events.items()})
        put(self, "titles", {a.journal_kind: a.title for a in self.activities if a.title})
        put(self, "surprises", {a.journal_kind: a.surprise for a in self.activities if a.surprise})
        put(
            self,
            "instead_of_tonight",
            tuple(a.instead_of_tonight for a in self.activities if a.instead_of_tonight),
        )
        put(self, "closers", tuple(a.closer for a in self.activities if a.closer))
        greeting = greeters[0].greeting
        if greeting is None:
            raise RuntimeError("greeting is unexpectedly missing")
        put(self, "greeting", greeting)

    def adding(self, *activities: Activity) -> Registry:
        """This registry with more activities, tried before the last one's launch offer."""
        return Registry((*self.activities[:-1], *activities, self.activities[-1]))


REGISTRY = Registry(ACTIVITIES)
