"""The nightly ritual through handler(event, context), against a Reminders API on 127.0.0.1.

The fake checks every request the way Alexa's API would (bearer token with the reminders
permission, JSON body) and records it, so the tests assert the exact bodies and headers.
The chat answers Alexa's permission question as the couple would (granting adds the scope
to the request's access token), or declines it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from skill.hosts.chat import ChatTurn
from skill.runtime.catalog import LocaleContent
from skill.runtime.records import read_household
from skill.runtime.state import to_dict
from skill.runtime.turn import household_key
from skill.tools.local_alexa import REMINDERS_SCOPE
from tests.support.content import default_content
from tests.support.dialog import TEST_KEY_SALT, Dialog, Handler, load_handler
from tests.support.fake_http import FakeApi, Recorded, fake_api

TOKEN = "test-token"
GRANTED = f"Bearer {TOKEN}|{REMINDERS_SCOPE}"
REMINDERS = "/v1/alerts/reminders"


class RemindersApi:
    """Alexa's Reminders API as far as the skill uses it, strict about what it accepts."""

    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.alerts: dict[str, dict[str, Any]] = {}
        self.fail_with: int | None = None
        api.default = self.answer

    @property
    def calls(self) -> list[Recorded]:
        return [r for r in self.api.requests if r.path.startswith(REMINDERS)]

    def answer(self, request: Recorded) -> tuple[int, Any]:
        if not request.path.startswith(REMINDERS):
            return 404, {"message": "not here"}  # the Settings API: use the default zone
        if self.fail_with:
            return self.fail_with, {"code": "FAILED"}
        if request.headers.get("Authorization") != GRANTED:
            return 401, {"code": "UNAUTHORIZED"}
        alert = request.path[len(REMINDERS) :].strip("/")
        if request.method == "DELETE":
            return (200, {}) if self.alerts.pop(alert, None) else (404, {"code": "NOT_FOUND"})
        assert request.headers["Content-Type"] == "application/json"
        body = request.json()
        if request.method == "POST" and not alert:
            alert = f"alert-{len(self.alerts) + 1}"
        elif alert not in self.alerts:
            return 404, {"code": "NOT_FOUND"}
        self.alerts[alert] = body
        return 200, {"alertToken": alert, "status": "ON"}


@pytest.fixture
def reminders() -> Iterator[RemindersApi]:
    with fake_api() as api:
        yield RemindersApi(api)


def connected(handler: Handler, reminders: RemindersApi, user: str = "couple-1") -> Dialog:
    dialog = Dialog(handler, user=user)
    dialog.conversation.api_endpoint = reminders.api.base_url
    dialog.conversation.api_token = TOKEN
    return dialog


def expected_body(turn: ChatTurn, hour: int, text: str) -> dict[str, Any]:
    """The documented body, with the request's own time in the couple's zone."""
    assert turn.request is not None
    stamp = datetime.fromisoformat(turn.request["request"]["timestamp"].replace("Z", "+00:00"))
    local = stamp.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None)
    first = local.replace(hour=hour, minute=0, second=0)
    assert first > local, "the test's clock is set before the reminder time"
    at = first.strftime("%Y-%m-%dT%H:%M:%S.000")
    return {
        "requestTime": local.strftime("%Y-%m-%dT%H:%M:%S.000"),
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "scheduledTime": at,
            "timeZoneId": "America/New_York",
            "recurrence": {
                "startDateTime": at,
                "recurrenceRules": [f"FREQ=DAILY;BYHOUR={hour};BYMINUTE=0;BYSECOND=0"],
            },
        },
        "alertInfo": {
            "spokenInfo": {"content": [{"locale": turn.request["request"]["locale"], "text": text}]}
        },
        "pushNotification": {"status": "ENABLED"},
    }


def stored(db_path: Path, user: str = "couple-1") -> dict[str, Any] | None:
    """The household as saved, in its full shape (the record itself is compact)."""
    key = household_key(user, TEST_KEY_SALT)
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT data FROM households WHERE key = ?", (key,)).fetchone()
    return to_dict(read_household(json.loads(row[0]), default_content(), key)) if row else None


def clock(content: LocaleContent, hour: int, minute: int = 0) -> list[str]:
    """Every way the locale's content says this evening time (its ``time.*`` wordings: "9
    p.m." in en-US, "21 Uhr" in de-DE), as the couple should hear it."""
    key = "time.whole" if minute == 0 else "time.minutes"
    halves = content.variants("time.pm" if hour >= 12 else "time.am")
    return [
        v.format(hour=hour % 12 or 12, hour24=hour, minute=f"{minute:02d}", half=half)
        for v in content.variants(key)
        for half in halves
    ]


def at(content: LocaleContent, key: str, hour: int, minute: int = 0) -> list[str]:
    """The wordings of phrase ``key`` naming this time."""
    return [v.format(time=t) for v in content.variants(key) for t in clock(content, hour, minute)]


def any_in(text: str, variants: tuple[str, ...] | list[str]) -> bool:
    return any(v in text for v in variants)


def test_remind_us_every_night_at_nine_end_to_end(
    handler: Handler, reminders: RemindersApi, db_path: Path, content: LocaleContent
) -> None:
    dialog = connected(handler, reminders)
    dialog.say("open heart to heart")
    consent = dialog.say("remind us every night at nine")
    assert any_in(
        consent.speech,
        at(content, "reminder.confirm_night", 21),
    )
    assert reminders.calls == [], "nothing is created before the couple says yes"
    done = dialog.say("yes")
    assert done.permission == "ACCEPTED", "Alexa asked for the permission by voice"
    assert any_in(done.speech, at(content, "reminder.set_night", 21))
    assert done.session_open
    refused, created = reminders.calls
    assert refused.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (created.method, created.path) == ("POST", REMINDERS)
    assert created.headers["Authorization"] == GRANTED
    assert created.headers["Content-Type"] == "application/json"
    texts = content.variants("reminder.text")
    assert created.json() in [expected_body(done, 21, text) for text in texts]
    assert stored(db_path)["reminder"] == {"alert_token": "alert-1", "time": "21:00"}

    moved = dialog.say("change our reminder to ten")
    assert any_in(moved.speech, at(content, "reminder.confirm_night", 22))
    done = dialog.say("yes")
    assert any_in(done.speech, at(content, "reminder.moved_night", 22))
    update = reminders.calls[-1]
    assert (update.method, update.path) == ("PUT", f"{REMINDERS}/alert-1")
    assert update.headers["Authorization"] == GRANTED
    assert update.json() in [expected_body(done, 22, text) for text in texts]
    assert stored(db_path)["reminder"] == {"alert_token": "alert-1", "time": "22:00"}

    cancelled = dialog.say("cancel our reminder")
    assert any_in(cancelled.speech, content.variants("reminder.cancelled"))
    delete = reminders.calls[-1]
    assert (delete.method, delete.path, delete.body) == ("DELETE", f"{REMINDERS}/alert-1", b"")
    assert reminders.alerts == {}
    assert stored(db_path)["reminder"] == {"alert_token": "", "time": ""}


def test_the_permission_request_is_alexas_askfor_directive(
    handler: Handler, reminders: RemindersApi
) -> None:
    dialog = connected(handler, reminders)
    dialog.chat.permission_answer = None  # see the raw response instead of answering
    dialog.say("open heart to heart")
    dialog.say("remind us every night at nine thirty")
    turn = dialog.say("yes")
    assert turn.response is not None
    response = turn.response["response"]
    assert "outputSpeech" not in response and "reprompt" not in response
    assert "shouldEndSession" not in response
    (directive,) = response["directives"]
    assert directive == {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        "token": "heart-reminder|create|21:30",
    }


def test_permission_denied_gets_a_kind_answer_and_the_rest_works(
    handler: Handler, reminders: RemindersApi, db_path: Path, content: LocaleContent
) -> None:
    dialog = connected(handler, reminders)
    dialog.chat.permission_answer = "DENIED"
    dialog.say("open heart to heart")
    dialog.say("remind us every night at nine")
    turn = dialog.say("yes")
    assert turn.permission == "DENIED"
    assert any_in(turn.speech, content.variants("reminder.permission_denied"))
    assert turn.session_open
    assert [r.method for r in reminders.calls] == ["POST"], "no second try without permission"
    assert stored(db_path)["reminder"]["alert_token"] == ""
    question = dialog.say("yes")
    assert any(q.text in question.speech for q in content.questions)


def test_permission_not_answered(
    handler: Handler, reminders: RemindersApi, content: LocaleContent
) -> None:
    dialog = connected(handler, reminders)
    dialog.chat.permission_answer = "NOT_ANSWERED"
    dialog.say("open heart to heart")
    dialog.say("remind us every night at nine")
    turn = dialog.say("yes")
    assert any_in(turn.speech, content.variants("reminder.permission_unanswered"))


@pytest.mark.parametrize("status", [500, 503, 429])
def test_the_api_failing_gets_a_clear_answer(
    handler: Handler, reminders: RemindersApi, content: LocaleContent, status: int
) -> None:
    reminders.fail_with = status
    dialog = connected(handler, reminders)
    dialog.say("open heart to heart")
    dialog.say("remind us every night at nine")
    turn = dialog.say("yes")
    assert any_in(turn.speech, content.variants("reminder.unavailable"))
    assert turn.session_open
    question = dialog.say("tonight's question")
    assert any(q.text in question.speech for q in content.questions)


def test_the_api_down_or_slow_gets_a_clear_answer_quickly(
    db_path: Path, content: LocaleContent
) -> None:
    handler = load_handler(f"sqlite:///{db_path}", HEART_REMINDERS_API_TIMEOUT="0.3")
    with fake_api() as api:
        reminders = RemindersApi(api)
        api.route("POST", REMINDERS, 200, {"alertToken": "late"}, delay=2.0)
        dialog = connected(handler, reminders)
        dialog.conversation.scopes.add(REMINDERS_SCOPE)
        dialog.say("open heart to heart")
        dialog.say("remind us every night at nine")
        started = datetime.now()
        slow = dialog.say("yes")
        assert (datetime.now() - started).total_seconds() < 1.5
        assert any_in(slow.speech, content.variants("reminder.unavailable"))
        dead = api.base_url
    dialog.conversation.api_endpoint = dead
    dialog.say("remind us every night at nine")
    down = dialog.say("yes")
    assert any_in(down.speech, content.variants("reminder.unavailable"))
    assert stored(db_path)["reminder"]["alert_token"] == ""


def test_revoked_permission_on_cancel(
    handler: Handler, reminders: RemindersApi, content: LocaleContent
) -> None:
    dialog = connected(handler, reminders)
    dialog.say("open heart to heart")
    dialog.say("remind us every night at nine")
    dialog.say("yes")
    reminders.fail_with = 403
    turn = dialog.say("cancel our reminder")
    assert any_in(turn.speech, content.variants("reminder.no_permission_cancel"))
    assert turn.permission == "", "a cancel never asks for permission"


@pytest.mark.parametrize("odd", ["twenty five o'clock", "at the purple hour"])
def test_a_time_that_makes_no_sense_is_asked_again(
    handler: Handler, reminders: RemindersApi, content: LocaleContent, odd: str
) -> None:
    dialog = connected(handler, reminders)
    dialog.say("open heart to heart")
    turn = dialog.say(f"remind us at {odd}")
    assert any_in(turn.speech, content.variants("reminder.bad_time")) and turn.session_open
    turn = dialog.say("at half past nine")
    assert any_in(
        turn.speech,
        at(content, "reminder.confirm_night", 21, 30),
    )


def test_remind_us_without_a_time_asks_for_one(
    handler: Handler, reminders: RemindersApi, content: LocaleContent
) -> None:
    dialog = connected(handler, reminders)
    dialog.say("open heart to heart")
    turn = dialog.say("remind us every night")
    assert any_in(turn.speech, content.variants("reminder.which_time"))
    turn = dialog.say("at nine")
    assert any_in(turn.speech, at(content, "reminder.confirm_night", 21))
    turn = dialog.say("no")
    assert any_in(turn.speech, content.variants("reminder.declined"))
    assert reminders.calls == []
