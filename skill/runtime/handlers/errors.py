"""The exception handler: whatever failed, the couple hears a short, kind sentence.

It must never raise itself (an exception here escapes to Alexa as "There was a problem with
the requested skill's response"), so it renders from text captured when the skill was built:
one apology per locale, so a German couple is not apologised to in English.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

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

    def __init__(self, apologies: Mapping[str, tuple[str, str]], default: str) -> None:
        #: Each locale's (apology, reprompt), and each language's ("de" for de-AT);
        #: ``default``'s for a language the skill doesn't speak.
        self._apologies = apologies
        self._default = default

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request_type = locale = ""
        try:
            found = facts(handler_input.request_envelope)
            request_type, locale = found.request_type, found.locale
        except Exception:
            request_type = ""
        log.error(
            "turn_failed type=%s error=%s", request_type, type(exception).__name__, exc_info=True
        )
        if request_type not in SPOKEN_REQUESTS:
            response: Response = handler_input.response_builder.response
            return response
        apology, reprompt = (
            self._apologies.get(locale)
            or self._apologies.get(locale.split("-")[0])
            or self._apologies[self._default]
        )
        reply = Reply.ask((Say(apology),), (Say(reprompt),))
        return build_response(handler_input.response_builder, reply)
