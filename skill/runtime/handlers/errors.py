"""The exception handler: whatever failed, the couple hears a short, kind sentence.

It must never raise itself (an exception here escapes to Alexa as "There was a problem with
the requested skill's response"), so it renders from text captured when the skill was built.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.handlers.render import build_response
from skill.runtime.handlers.translate import facts
from skill.runtime.reply import Reply, Say

log = logging.getLogger(__name__)

#: Request types that may carry speech; the rest must be answered silently.
SPOKEN_REQUESTS = frozenset(
    {"LaunchRequest", "IntentRequest", "Connections.Response", "SessionResumedRequest"}
)


class SpeakingExceptionHandler(AbstractExceptionHandler):  # type: ignore[misc]
    """Catch-all: log the error type (never the words) and apologise briefly."""

    def __init__(self, apology: str, reprompt: str) -> None:
        self._apology = apology
        self._reprompt = reprompt

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request_type = ""
        try:
            request_type = facts(handler_input.request_envelope).request_type
        except Exception:
            request_type = ""
        log.error(
            "turn_failed type=%s error=%s", request_type, type(exception).__name__, exc_info=True
        )
        if request_type not in SPOKEN_REQUESTS:
            response: Response = handler_input.response_builder.response
            return response
        reply = Reply.ask((Say(self._apology),), (Say(self._reprompt),))
        return build_response(handler_input.response_builder, reply)
