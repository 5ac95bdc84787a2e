"""Requests nobody speaks: answered validly and quietly so they can never crash the skill."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
)

from skill.runtime.handlers.envelope import envelope_of
from skill.runtime.handlers.translate import facts


class CanFulfillHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Name-free discovery: say yes only for intents this skill really answers."""

    def __init__(self, known_intents: frozenset[str]) -> None:
        self._known = known_intents

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return facts(handler_input.request_envelope).request_type == "CanFulfillIntentRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        name = envelope_of(handler_input.request_envelope).intent_name
        custom = name in self._known and not name.startswith("AMAZON.")
        verdict = CanFulfillIntentValues.YES if custom else CanFulfillIntentValues.NO
        handler_input.response_builder.set_can_fulfill_intent(
            CanFulfillIntent(can_fulfill=verdict, slots={})
        )
        response: Response = handler_input.response_builder.response
        return response


class QuietHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Everything else (APL user events, Connections.Response other than the reminders
    permission answer, AudioPlayer and playback events, System.ExceptionEncountered, other
    skill events): an empty, valid response.

    Several of these forbid speech, so silence is the one answer valid for all of them.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        response: Response = handler_input.response_builder.response
        return response
