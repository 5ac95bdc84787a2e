"""Alexa's answer to the skill's voice permission request (``Connections.Response``).

The skill asks for the reminders permission with a ``Connections.SendRequest`` AskFor
directive; Alexa runs the permission dialog itself and then sends this request. The handler
only translates it into a ``PERMISSION`` event; the ritual flow decides what happens next.
Other connection responses (purchases and the like) stay with the quiet handler.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.handlers.envelope import envelope_of
from skill.runtime.handlers.pipeline import Services, answer
from skill.runtime.handlers.translate import permission_event


class PermissionResponseHandler(AbstractRequestHandler):  # type: ignore[misc]
    """``Connections.Response`` named AskFor: granted, denied or not answered."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        envelope = envelope_of(handler_input.request_envelope)
        return envelope.request_type == "Connections.Response" and envelope.name == "AskFor"

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer(
            self._services, handler_input, permission_event(handler_input.request_envelope)
        )
