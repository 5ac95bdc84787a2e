"""The floor: a bare ask-sdk "hello world" skill, as the SDK's own examples build it.

``hello_world()`` answers a LaunchRequest with a fixed sentence and nothing else: the cost of
the SDK's envelope handling, the least any skill on it can pay per turn. ``same_envelope()``
is the same skill answering any request (launch, any intent, the end of a session) with that
sentence, keeping the session's attributes as the SDK does: the baseline for each turn kind
is this skill answering the very envelope the skill answered, so an intent turn with a big
session is weighed against the SDK's cost of that same intent and session. ``persistent()`` is
the SDK's conventional stateful pattern (persistent attributes read and saved on every turn),
the baseline for store round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import RequestEnvelope, Response

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

SPEECH = "Hello world. What would you like to do?"


class _HelloLaunch(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        return builder.speak(SPEECH).ask(SPEECH).response


class _HelloAnything(AbstractRequestHandler):  # type: ignore[misc]
    """Any request: the fixed sentence (nothing for the end of a session, which can't
    speak), the session's attributes handed back by the SDK as they came."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        if is_request_type("SessionEndedRequest")(handler_input):
            return builder.response
        return builder.speak(SPEECH).ask(SPEECH).response


def same_envelope() -> Handler:
    """The bare skill's ``lambda_handler`` for every request type."""
    builder = CustomSkillBuilder()
    builder.add_request_handler(_HelloAnything())
    handler: Handler = builder.lambda_handler()
    return handler


def hello_world() -> Handler:
    """The bare skill's ``lambda_handler``: one LaunchRequest handler, a fixed answer."""
    builder = CustomSkillBuilder()
    builder.add_request_handler(_HelloLaunch())
    handler: Handler = builder.lambda_handler()
    return handler


class CountingAdapter(AbstractPersistenceAdapter):  # type: ignore[misc]
    """An in-memory persistence adapter that counts the SDK's reads and writes."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.reads = 0
        self.writes = 0

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        self.reads += 1
        return dict(self.items.get(request_envelope.context.system.user.user_id, {}))

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        self.writes += 1
        self.items[request_envelope.context.system.user.user_id] = dict(attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.items.pop(request_envelope.context.system.user.user_id, None)


class _CountingLaunch(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        manager = handler_input.attributes_manager
        attributes = manager.persistent_attributes
        attributes["visits"] = int(attributes.get("visits", 0)) + 1
        manager.persistent_attributes = attributes
        manager.save_persistent_attributes()
        return handler_input.response_builder.speak(SPEECH).ask(SPEECH).response


def persistent() -> tuple[Handler, CountingAdapter]:
    """The SDK's conventional stateful skill and the adapter that counts its round trips."""
    adapter = CountingAdapter()
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.add_request_handler(_CountingLaunch())
    handler: Handler = builder.lambda_handler()
    return handler, adapter
