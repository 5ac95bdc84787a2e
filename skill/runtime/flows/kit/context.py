"""What a flow works from besides the state and the event: one value, so no flow takes
arguments it ignores.

``FlowContext`` carries the locale's content, the clock, the random source and the
registry's view of the other activities (``Elsewhere``). A flow that needs another activity
never imports it: it asks the context to route an intent (``ctx.route``) or to accept an offer
(``ctx.accept``), and the dialog does it, from the one list of activities.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from random import Random
from typing import Protocol

import msgspec

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.copying import replace
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Reply, Say
from skill.runtime.state import State

#: A flow's answer: the new state and what to say.
Answer = tuple[State, Reply]


class Elsewhere(Protocol):
    """The dialog's side of the context: other activities, reached by intent or offer."""

    def route(self, state: State, event: Event, ctx: FlowContext) -> Answer:
        """Answer ``event`` as the dialog would with no activity in the way."""
        ...

    def accept(self, state: State, event: Event, ctx: FlowContext) -> Answer | None:
        """Run whatever accepts the session's current offer ("yes"), or None if nothing does."""
        ...

    def title(self, kind: str, item: str, content: LocaleContent) -> str | None:
        """How the recap names a journal entry of ``kind``."""
        ...

    def surprises(self) -> dict[str, Flow]:
        """What "surprise us" may start, by journal kind."""
        ...

    def instead_of_tonight(self, state: State, event: Event, ctx: FlowContext) -> Answer | None:
        """What an activity offers in place of tonight's question, or None (ask it)."""
        ...


class FlowContext(msgspec.Struct, frozen=True):
    """Content, clock, dice and the rest of the skill, for one turn."""

    content: LocaleContent
    now: datetime
    rng: Random
    elsewhere: Elsewhere

    def say(self, key: str, **params: str | int) -> Say:
        """One wording of a phrase, as speech."""
        return self.content.say(key, self.rng, **params)

    def phrase(self, key: str, **params: str | int) -> str:
        """One wording of a phrase, as text (for templates, cards and screens)."""
        return self.content.phrase(key, self.rng, **params)

    def route(self, state: State, event: Event, intent: str = "") -> Answer:
        """Answer ``event`` (as ``intent`` when given) as if no activity held the floor."""
        if intent:
            event = replace(event, intent=intent)
        return self.elsewhere.route(state, event, self)

    def fallback(self, state: State, event: Event) -> Answer:
        """The skill's fallback for words that mean nothing here."""
        return self.route(state, event, intents.FALLBACK)


#: A flow: pure, ``(state, event, context) -> (state', reply)``.
Flow = Callable[[State, Event, FlowContext], Answer]
