"""A bare ask-sdk + boto3-client Lambda: the cold-start floor for a stateful skill.

It imports what any DynamoDB-backed ask-sdk skill imports, builds its boto3 client at import
(in Lambda's init phase), and answers a LaunchRequest with one GetItem and one PutItem on the
table named by ``BARE_TABLE`` at ``BARE_ENDPOINT`` (dynalite in the benchmark).
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

_TABLE = os.environ.get("BARE_TABLE", "bare-households")
_client = boto3.client("dynamodb", endpoint_url=os.environ.get("BARE_ENDPOINT") or None)


class LaunchHandler(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        key = {"pk": {"S": handler_input.request_envelope.context.system.user.user_id}}
        item = _client.get_item(TableName=_TABLE, Key=key, ConsistentRead=True).get("Item", {})
        visits = int(item.get("visits", {}).get("N", "0")) + 1
        _client.put_item(TableName=_TABLE, Item={**key, "visits": {"N": str(visits)}})
        speech = "Hello world. What would you like to do?"
        return handler_input.response_builder.speak(speech).ask(speech).response


_builder = CustomSkillBuilder()
_builder.add_request_handler(LaunchHandler())
_lambda_handler = _builder.lambda_handler()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = _lambda_handler(event, context)
    return response
