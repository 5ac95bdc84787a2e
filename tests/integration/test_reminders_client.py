"""The Reminders API adapter against a local fake on 127.0.0.1: exact requests, every failure."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from skill.runtime import copying, effects
from skill.runtime.effects import ReminderCall
from skill.runtime.reminders import RemindersClient, first_occurrence, reminder_body
from tests.support.fake_http import Recorded, fake_api

CALL = ReminderCall(
    action=effects.CREATE,
    hour=21,
    minute=0,
    time_zone="America/New_York",
    locale="en-US",
    text="Heart to Heart time.",
    local_now=datetime(2026, 12, 1, 20, 15, 30),
)
EXPECTED_BODY = {
    "requestTime": "2026-12-01T20:15:30.000",
    "trigger": {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-12-01T21:00:00.000",
        "timeZoneId": "America/New_York",
        "recurrence": {
            "startDateTime": "2026-12-01T21:00:00.000",
            "recurrenceRules": ["FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0"],
        },
    },
    "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Heart to Heart time."}]}},
    "pushNotification": {"status": "ENABLED"},
}


def test_the_body_is_exactly_the_documented_shape() -> None:
    assert reminder_body(CALL) == EXPECTED_BODY
    assert not reminder_body(CALL)["trigger"]["scheduledTime"].endswith("Z")


def test_the_first_occurrence_is_tomorrow_once_the_time_has_passed() -> None:
    now = datetime(2026, 12, 1, 22, 0)
    assert first_occurrence(now, 21, 0) == datetime(2026, 12, 2, 21, 0)
    assert first_occurrence(now, 22, 0) == datetime(2026, 12, 2, 22, 0)
    assert first_occurrence(now, 23, 5) == datetime(2026, 12, 1, 23, 5)


def test_create_posts_the_body_with_the_bearer_token() -> None:
    with fake_api() as api:
        api.route("POST", "/v1/alerts/reminders", 201, {"alertToken": "alert-1", "status": "ON"})
        result = RemindersClient().perform(CALL, api.base_url + "/", "token-1")
        assert (result.outcome, result.alert_token) == (effects.OK, "alert-1")
        (request,) = api.requests
        assert (request.method, request.path) == ("POST", "/v1/alerts/reminders")
        assert request.headers["Authorization"] == "Bearer token-1"
        assert request.headers["Content-Type"] == "application/json"
        assert request.json() == EXPECTED_BODY


def test_update_puts_to_the_alert_and_falls_back_to_create_when_it_is_gone() -> None:
    call = copying.replace(CALL, action=effects.UPDATE, alert_token="a/1")
    with fake_api() as api:
        api.route("PUT", "/v1/alerts/reminders/a%2F1", 200, {"alertToken": "a/1"})
        result = RemindersClient().perform(call, api.base_url, "token-1")
        assert (result.outcome, result.alert_token) == (effects.OK, "a/1")
        assert api.requests[0].json() == EXPECTED_BODY
        api.route("PUT", "/v1/alerts/reminders/a%2F1", 404, {"code": "NOT_FOUND"})
        api.route("POST", "/v1/alerts/reminders", 201, {"alertToken": "alert-2"})
        result = RemindersClient().perform(call, api.base_url, "token-1")
        assert (result.outcome, result.alert_token) == (effects.OK, "alert-2")
        assert [r.method for r in api.requests] == ["PUT", "PUT", "POST"]


def test_delete_and_the_outcomes_of_every_status() -> None:
    client = RemindersClient()
    delete = ReminderCall(action=effects.DELETE, alert_token="alert-1")
    with fake_api() as api:
        path = "/v1/alerts/reminders/alert-1"
        for status, outcome in [
            (200, effects.OK),
            (404, effects.MISSING),
            (401, effects.FORBIDDEN),
            (403, effects.FORBIDDEN),
            (400, effects.REJECTED),
            (429, effects.UNAVAILABLE),
            (500, effects.UNAVAILABLE),
            (503, effects.UNAVAILABLE),
        ]:
            api.route("DELETE", path, status, {})
            assert client.perform(delete, api.base_url, "t").outcome == outcome, status
        assert all(r.method == "DELETE" and r.body == b"" for r in api.requests)


def test_slow_down_or_missing_endpoints_are_unavailable_quickly() -> None:
    client = RemindersClient(timeout_s=0.3)
    with fake_api() as api:
        api.route("POST", "/v1/alerts/reminders", 201, {"alertToken": "late"}, delay=2.0)
        started = time.monotonic()
        assert client.perform(CALL, api.base_url, "t").outcome == effects.UNAVAILABLE
        assert time.monotonic() - started < 1.5
        dead = api.base_url
    assert client.perform(CALL, dead, "t").outcome == effects.UNAVAILABLE
    assert client.perform(CALL, "", "t").outcome == effects.UNAVAILABLE
    assert client.perform(CALL, dead, "").outcome == effects.UNAVAILABLE


def test_an_unreadable_answer_never_raises() -> None:
    with fake_api() as api:

        def garbage(request: Recorded) -> tuple[int, Any]:
            return 201, ["not", "an", "object"]

        api.default = garbage
        result = RemindersClient().perform(CALL, api.base_url, "t")
        assert result.outcome == effects.OK and result.alert_token == ""
