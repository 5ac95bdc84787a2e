"""The dialog: which activity answers this event, given where the conversation is.

An activity holding the floor (``Place.activity``) hears every intent first, so "next" or
"repeat" means the right thing inside it; when it passes, the intent goes to the activity
that owns it (``Activity.intents``). A launch is home's greeting followed by the first launch
offer an activity makes. The dialog also remembers the last thing said, so "repeat" works
everywhere. Every table comes from the registry: nothing here names an activity.
"""

from __future__ import annotations

from datetime import datetime
from random import Random

import msgspec

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit import people, screens
from skill.runtime.flows.kit.activity import Pass
from skill.runtime.flows.kit.context import Answer, Flow, FlowContext
from skill.runtime.flows.kit.events import EFFECT_DONE, INTENT, LAUNCH, SESSION_ENDED, Event
from skill.runtime.flows.registry import REGISTRY, Registry
from skill.runtime.reply import Pause, Reply, segments_to_json
from skill.runtime.state import State


class Dialog(msgspec.Struct, frozen=True):
    """The registry's tables put to work; also what a flow's context reaches other
    activities through (``FlowContext.elsewhere``)."""

    registry: Registry

    def handle(self, state: State, event: Event, ctx: FlowContext) -> Answer:
        """Answer one event. Pure: the same inputs always give the same state and reply."""
        if event.kind == LAUNCH:
            new_state, reply = self._launch(state, event, ctx)
        elif event.kind == SESSION_ENDED:
            new_state, reply = state, Reply.silent()
            for on_end in self.registry.on_session_end:
                new_state, _ = on_end(new_state, event, ctx)
        elif event.kind == INTENT:
            new_state, reply = self._close(state, *self._intent(state, event, ctx), event, ctx)
        elif event.kind == EFFECT_DONE and event.intent in self.registry.effects:
            new_state, reply = self.registry.effects[event.intent](state, event, ctx)
        elif event.kind in self.registry.events:
            new_state, reply = self.registry.events[event.kind](state, event, ctx)
        else:
            new_state, reply = state, Reply.silent()
        reply = screens.attach(new_state, reply, ctx.content, ctx.rng, self.registry.screens)
        return _remember(_count_misses(new_state, event), event, reply), reply

    def route(self, state: State, event: Event, ctx: FlowContext) -> Answer:
        """By intent, as if no activity held the floor."""
        flow: Flow = self.registry.intent_flows.get(
            event.intent, self.registry.intent_flows[intents.FALLBACK]
        )
        return flow(state, event, ctx)

    def accept(self, state: State, event: Event, ctx: FlowContext) -> Answer | None:
        flow = self.registry.accepts.get(state.session.place.offer)
        return None if flow is None else flow(state, event, ctx)

    def title(self, kind: str, item: str, content: LocaleContent) -> str | None:
        name = self.registry.titles.get(kind)
        return None if name is None else name(content, item)

    def surprises(self) -> dict[str, Flow]:
        return dict(self.registry.surprises)

    def instead_of_tonight(self, state: State, event: Event, ctx: FlowContext) -> Answer | None:
        for offer in self.registry.instead_of_tonight:
            offered = offer(state, event, ctx)
            if offered is not None:
                return offered.state, Reply.ask(offered.speech, offered.reprompt)
        return None

    def _launch(self, state: State, event: Event, ctx: FlowContext) -> Answer:
        """The first launch offer an activity makes, greeted (home always makes one)."""
        for offer in self.registry.launch_offers:
            offered = offer(state, event, ctx)
            if offered is not None:
                greeted, greeting = self.registry.greeting(
                    offered.state, event, ctx, offered.returning
                )
                speech = (*greeting, Pause(300), *offered.speech)
                return greeted, Reply.ask(speech, offered.reprompt)
        greeted, greeting = self.registry.greeting(state, event, ctx, False)
        return greeted, Reply.ask(greeting, (ctx.say("launch.reprompt"),))

    def _close(
        self, before: State, after: State, reply: Reply, event: Event, ctx: FlowContext
    ) -> Answer:
        """A reply that closes the session is a natural end: a closer may add to it."""
        if reply.end_session is True:
            for closer in self.registry.closers:
                closed = closer(before, after, event, reply, ctx)
                if closed is not None:
                    return closed
        return after, reply

    def _intent(self, state: State, event: Event, ctx: FlowContext) -> Answer:
        if event.person_id:
            state = State(people.learn_voice(state.household, event.person_id), state.session)
        router = self.registry.routers.get(state.session.place.activity)
        if router is not None:
            answered = router(state, event, ctx)
            if isinstance(answered, Pass):
                state = answered.state
            elif answered is not None:
                return answered
        return self.route(state, event, ctx)


DIALOG = Dialog(REGISTRY)


def handle(
    state: State,
    event: Event,
    content: LocaleContent,
    now: datetime,
    rng: Random,
    dialog: Dialog = DIALOG,
) -> Answer:
    """Answer one event with the skill's activities (or ``dialog``'s, in a test)."""
    return dialog.handle(state, event, FlowContext(content, now, rng, dialog))


def _count_misses(state: State, event: Event) -> State:
    """Fallbacks in a row, so the next one can say more; any other intent starts again."""
    if event.kind != INTENT:
        return state
    misses = state.session.misses + 1 if event.is_intent(intents.FALLBACK) else 0
    if misses == state.session.misses:
        return state
    return State(state.household, copying.replace(state.session, misses=misses))


def _remember(state: State, event: Event, reply: Reply) -> State:
    """Keep what was just said for "repeat" (but a repeat doesn't overwrite it)."""
    if not reply.speech or event.is_intent(intents.REPEAT) or reply.end_session:
        return state
    session = copying.replace(
        state.session,
        last_speech=segments_to_json(reply.speech),
        last_reprompt=segments_to_json(reply.reprompt),
    )
    return State(state.household, session)
