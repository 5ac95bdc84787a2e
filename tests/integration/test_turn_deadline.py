"""One deadline per turn: the store, the Settings API and the Reminders API share one
budget, so the reply is ready within 3 s even when all three hang.

Measured before: a store answering in 0.9-0.97 s plus a slow Settings API gave replies after
5.7-7.0 s, against Lambda's 7 s timeout. Here every part that hangs is real and local: a
proxy in front of dynalite that holds answers back, a SQLite file another connection holds
the write lock on, and Amazon's APIs faked on 127.0.0.1 answering after ten seconds.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.speech import ssml_to_text
from skill.tools.envelopes import Conversation
from tests.support.dialog import Dialog, Handler, load_handler
from tests.support.dynalite import TEST_REGION
from tests.support.fake_http import FakeApi, Recorded, fake_api
from tests.support.slow_proxy import slow_proxy

pytestmark = pytest.mark.integration

REPLY_WITHIN_S = 3.0
HANG_S = 10.0
TOKEN = "test-token"


class HangingApis:
    """Alexa's Settings and Reminders APIs, answering at once until told to hang."""

    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.hang = threading.Event()
        api.default = self.answer

    def answer(self, request: Recorded) -> tuple[int, Any]:
        if self.hang.is_set():
            time.sleep(HANG_S)
        return 404, {"message": "no zone set"}


@pytest.fixture
def apis() -> Iterator[HangingApis]:
    with fake_api() as api:
        yield HangingApis(api)


def ready_to_confirm(handler: Handler, apis: HangingApis) -> Dialog:
    """A couple one "yes" away from a nightly reminder (said while everything was well)."""
    dialog = Dialog(handler, user="amzn1.ask.account.DEADLINE")
    dialog.conversation.api_endpoint = apis.api.base_url
    dialog.conversation.api_token = TOKEN
    dialog.say("open heart to heart")
    dialog.say("remind us every night at nine")
    return dialog


def yes_with_everything_to_ask(conversation: Conversation) -> dict[str, Any]:
    """The "yes" that makes the turn call the Reminders API, with the session's cached time
    zone dropped so the turn asks the Settings API too (as a turn of a new device would)."""
    event = conversation.intent("AMAZON.YesIntent", datetime.now(UTC) + timedelta(seconds=5))
    attributes = event.get("session", {}).get("attributes") or {}
    attributes.pop("time_zone", None)
    return event


def timed_turn(handler: Handler, event: dict[str, Any]) -> tuple[float, str]:
    started = time.monotonic()
    response = handler(event, None)
    elapsed = time.monotonic() - started
    body = response["response"]
    assert body["outputSpeech"]["ssml"].startswith("<speak>")
    return elapsed, ssml_to_text(body["outputSpeech"]["ssml"])


def launch_in_a_new_session(conversation: Conversation) -> dict[str, Any]:
    """A launch: a new session (so the Settings API is asked) that must save the visit."""
    return conversation.launch(datetime.now(UTC) + timedelta(seconds=10))


def says(text: str, content: LocaleContent, key: str) -> bool:
    return any(v in text for v in content.variants(key))


def test_dynamodb_settings_and_reminders_all_hanging_still_answer_within_3_s(
    dynalite_endpoint: str, dynamodb_table: str, apis: HangingApis, content: LocaleContent
) -> None:
    with slow_proxy(dynalite_endpoint, HANG_S, frozenset()) as proxy:
        url = f"dynamodb://{dynamodb_table}?region={TEST_REGION}&endpoint={proxy.endpoint}"
        handler = load_handler(url)
        dialog = ready_to_confirm(handler, apis)
        proxy.operations = frozenset({"GetItem", "PutItem"})
        apis.hang.set()
        elapsed, text = timed_turn(handler, yes_with_everything_to_ask(dialog.conversation))
        assert elapsed < REPLY_WITHIN_S, f"the reply took {elapsed:.2f} s"
        assert says(text, content, "store.unavailable") and says(
            text, content, "reminder.unavailable"
        ), text
        # A turn that must write, with the store taking the write but never answering.
        proxy.operations = frozenset({"PutItem"})
        elapsed, text = timed_turn(handler, launch_in_a_new_session(dialog.conversation))
    assert elapsed < REPLY_WITHIN_S, f"the reply took {elapsed:.2f} s"
    assert says(text, content, "store.unavailable"), "a save it could not confirm is not claimed"


def test_sqlite_locked_settings_and_reminders_hanging_still_answer_within_3_s(
    tmp_path: Path, apis: HangingApis, content: LocaleContent
) -> None:
    path = tmp_path / "heart.db"
    handler = load_handler(f"sqlite:///{path}", HEART_REMINDERS_API_TIMEOUT="5")
    dialog = ready_to_confirm(handler, apis)
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    apis.hang.set()
    try:
        elapsed, text = timed_turn(handler, yes_with_everything_to_ask(dialog.conversation))
        assert elapsed < REPLY_WITHIN_S, f"the reply took {elapsed:.2f} s"
        assert says(text, content, "reminder.unavailable"), text
        elapsed, text = timed_turn(handler, launch_in_a_new_session(dialog.conversation))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert elapsed < REPLY_WITHIN_S, f"the reply took {elapsed:.2f} s"
    assert says(text, content, "store.unavailable"), text


def test_a_slow_store_and_a_slow_settings_api_fit_one_budget(
    dynalite_endpoint: str, dynamodb_table: str, apis: HangingApis
) -> None:
    """The measured case: every store answer takes 0.9 s and the Settings API hangs."""
    with slow_proxy(dynalite_endpoint, 0.9, frozenset()) as proxy:
        url = f"dynamodb://{dynamodb_table}?region={TEST_REGION}&endpoint={proxy.endpoint}"
        handler = load_handler(url)
        dialog = ready_to_confirm(handler, apis)
        proxy.operations = frozenset({"GetItem", "PutItem"})
        apis.hang.set()
        elapsed, _ = timed_turn(handler, yes_with_everything_to_ask(dialog.conversation))
    assert elapsed < REPLY_WITHIN_S, f"the reply took {elapsed:.2f} s"
