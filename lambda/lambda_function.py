"""AWS Lambda entry point: ``handler(event, context)``.

The skill is built once per container, at import, so warm invocations pay only for the turn.
On Lambda the store defaults to DynamoDB (the default table, in the function's region);
``HEART_STORE`` overrides it, and ``HEART_SKILL_ID`` turns the skill-id check on.
``HEART_KEY_SALT`` is required: without it the function fails at start-up, saying so, rather
than storing households under keys anyone could compute.
"""

from __future__ import annotations

import gc

# Init builds modules, content and clients that live as long as the container: the cyclic
# collector would only walk them over and over while they are made (about 10 ms of a cold
# start). It is paused until they are built, then they are moved out of its sight
# (``gc.freeze``), so a full collection during a turn never walks them either, however large
# the content grows.
_collecting = gc.isenabled()
gc.disable()
try:
    import logging
    import os
    from typing import Any

    from skill.runtime.app import skill_from_settings
    from skill.runtime.logs import lean_records, quiet_libraries
    from skill.runtime.settings import Settings, require_key_salt
    from skill.runtime.store.dynamodb import DEFAULT_TABLE_NAME

    DEFAULT_LAMBDA_STORE = f"dynamodb://{DEFAULT_TABLE_NAME}"

    logging.getLogger().setLevel(os.environ.get("HEART_LOG_LEVEL", "INFO"))
    quiet_libraries()
    lean_records()

    _settings = require_key_salt(
        Settings.from_env(store_url=os.environ.get("HEART_STORE") or DEFAULT_LAMBDA_STORE)
    )
    _skill = skill_from_settings(_settings)
    gc.freeze()
finally:
    if _collecting:
        gc.enable()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request envelope."""
    return _skill.invoke(event, context)
