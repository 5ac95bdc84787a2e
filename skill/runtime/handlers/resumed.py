"""Alexa handing the session back after a skill connection (``SessionResumedRequest``).

The skill offers a routine with a ``Connections.StartConnection`` directive for
``AMAZON.OfferAutomation``; Alexa talks the offer through with the couple and then sends
this request, whose ``cause`` says how it went. The handler only translates it into a
``RESUMED`` event; the routine activity (``flows/routine.py``) decides what is said.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.handlers.envelope import envelope_of
from skill.runtime.handlers.pipeline import Services, answer
from skill.runtime.handlers.translate import resumed_event

SESSION_RESUMED = "SessionResumedRequest"


class SessionResumedHandler(AbstractRequestHandler):  # type: ignore[misc]
    """``SessionResumedRequest``, whatever its cause: every one gets a spoken answer."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return envelope_of(handler_input.request_envelope).request_type == SESSION_RESUMED

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer(self._services, handler_input, resumed_event(handler_input.request_envelope))
