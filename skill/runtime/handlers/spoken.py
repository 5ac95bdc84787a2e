"""Handlers for the requests a person causes: launch, intents, and the end of a session."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.runtime.handlers.pipeline import Services, answer
from skill.runtime.handlers.translate import facts
from skill.runtime.turn import household_key


class LaunchHandler(AbstractRequestHandler):  # type: ignore[misc]
    """ "Alexa, open heart to heart"."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer(self._services, handler_input)


class IntentHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Every intent the skill knows; the dialog router picks the flow.

    Unknown intent names (a model edited without code) are answered as FallbackIntent.
    """

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer(self._services, handler_input)


class SessionEndedHandler(AbstractRequestHandler):  # type: ignore[misc]
    """The session closed (stop, silence, error): no speech, but flows may keep a place."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer(self._services, handler_input)


class SkillDisabledHandler(AbstractRequestHandler):  # type: ignore[misc]
    """Disabling the skill deletes everything stored for the household."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return facts(handler_input.request_envelope).request_type == (
            "AlexaSkillEvent.SkillDisabled"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request = facts(handler_input.request_envelope)
        if request.user_id:
            self._services.runner.forget(
                household_key(request.user_id, self._services.settings.key_salt)
            )
        response: Response = handler_input.response_builder.response
        return response
