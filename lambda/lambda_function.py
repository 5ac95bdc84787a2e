"""AWS Lambda entry point: ``handler(event, context)``.

The skill is built once per container, at import, so warm invocations pay only for the turn.
On Lambda the store defaults to DynamoDB (the default table, in the function's region);
``HEART_STORE`` overrides it, and ``HEART_SKILL_ID`` turns the skill-id check on.
``HEART_KEY_SALT`` is required: without it the function fails at start-up, saying so, rather
than storing households under keys anyone could compute.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from skill.runtime.app import skill_from_settings
from skill.runtime.logs import quiet_libraries
from skill.runtime.settings import Settings, require_key_salt
from skill.runtime.store.dynamodb import DEFAULT_TABLE_NAME

DEFAULT_LAMBDA_STORE = f"dynamodb://{DEFAULT_TABLE_NAME}"


logging.getLogger().setLevel(os.environ.get("HEART_LOG_LEVEL", "INFO"))
quiet_libraries()

_settings = require_key_salt(
    Settings.from_env(store_url=os.environ.get("HEART_STORE") or DEFAULT_LAMBDA_STORE)
)
_skill = skill_from_settings(_settings)
# Everything built so far (modules, the catalog, its index) lives as long as the container:
# moved out of the collector's sight, a full collection during a turn never walks it, however
# large the content grows.
gc.freeze()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request envelope."""
    return _skill.invoke(event, context)
