"""The exception handler: whatever failed, the couple hears a short, kind sentence.

It must never raise itself (an exception here escapes to Alexa as "There was a problem with
the requested skill's response"): it apologises in the request's language, and if even that
can't be found, with the default locale's apology captured when the skill was built.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.catalog import Catalog
from skill.runtime.handlers.render import render_response
from skill.runtime.handlers.translate import facts
from skill.runtime.reply import Reply, Say

log = logging.getLogger(__name__)

#: Request types that may carry speech; the rest must be answered silently.
SPOKEN_REQUESTS = frozenset(
    {"LaunchRequest", "IntentRequest", "Connections.Response", "SessionResumedRequest"}
)


class SpeakingExceptionHandler(AbstractExceptionHandler):  # type: ignore[misc]
    """Catch-all: log the error type (never the words) and apologise briefly."""

    def __init__(self, catalog: Catalog, default: tuple[str, str]) -> None:
        #: Where each locale's apology is read (not at build: German and Spanish are only
        #: unpickled when a request asks for them), and the default locale's, read at build.
        self._catalog = catalog
        self._default = default

    def _apology(self, locale: str) -> tuple[str, str]:
        try:
            content = self._catalog.for_locale(locale or None)
            return content.variants("error.general")[0], content.variants("error.reprompt")[0]
        except Exception:  # never raise from here: the default's words are always at hand
            return self._default

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
        apology, reprompt = self._apology(locale)
        reply = Reply.ask((Say(apology),), (Say(reprompt),))
        response = render_response(reply)
        return response
