"""A worker that opens the skill many times for one household, as a separate Lambda container.

It runs in its own process (started with ``spawn``): it builds its own handler from
``lambda/lambda_function.py`` on the store URL it is given, waits for the others at a barrier
so all of them start together, then sends ``turns`` LaunchRequests for the same account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from skill.runtime.speech import ssml_to_text
from skill.tools.envelopes import Conversation
from tests.support.dialog import load_handler


@dataclass(frozen=True)
class LaunchTally:
    """How one worker's launches went: saved, told "can't save", or wrongly answered."""

    saved: int
    not_saved: int
    problems: tuple[str, ...]


def launch_many(
    store_url: str,
    user: str,
    turns: int,
    notices: tuple[str, ...],
    start: Any,
    results: Any,
) -> None:
    """Send ``turns`` launches; put a ``LaunchTally`` on ``results``."""
    handler = load_handler(store_url)
    conversation = Conversation(user_id=user)
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    saved = not_saved = 0
    problems: list[str] = []
    start.wait(timeout=120)
    for turn in range(turns):
        response = handler(conversation.launch(now + timedelta(seconds=turn)), None)
        body = response.get("response", {})
        ssml = body.get("outputSpeech", {}).get("ssml", "")
        if not ssml or body.get("shouldEndSession") is not False:
            problems.append(f"turn {turn}: not a spoken, open launch reply")
            continue
        text = ssml_to_text(ssml)
        if any(notice in text for notice in notices):
            not_saved += 1
        else:
            saved += 1
    results.put(LaunchTally(saved, not_saved, tuple(problems)))
