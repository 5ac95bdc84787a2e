"""Progressive responses against a Directive service on 127.0.0.1: the exact request, the
per-request limit, the short timeout, and a turn that answers in time whatever the service
does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.deadline import Deadline
from skill.runtime.progressive import MAX_PER_REQUEST, ProgressiveClient
from tests.support.dialog import Dialog, Handler
from tests.support.fake_http import FakeApi, Recorded, fake_api

DIRECTIVES = "/v1/directives"
REMINDERS = "/v1/alerts/reminders"
EVENING = "2026-12-02T02:00:00Z"


def test_the_directive_goes_to_the_endpoint_with_the_token_and_request_id() -> None:
    with fake_api() as api:
        api.route("POST", DIRECTIVES, 204, None)
        sent = ProgressiveClient().send(
            "One moment & then some.",
            "IntentRequest",
            "amzn1.echo-api.request.1",
            api.base_url + "/",
            "token-1",
        )
        assert sent
        (request,) = api.requests
        assert (request.method, request.path) == ("POST", DIRECTIVES)
        assert request.headers["Authorization"] == "Bearer token-1"
        assert request.headers["Content-Type"] == "application/json"
        assert request.json() == {
            "header": {"requestId": "amzn1.echo-api.request.1"},
            "directive": {
                "type": "VoicePlayer.Speak",
                "speech": "<speak>One moment &amp; then some.</speak>",
            },
        }


def test_only_launch_and_intent_requests_and_at_most_five_each() -> None:
    client = ProgressiveClient()
    with fake_api() as api:
        api.route("POST", DIRECTIVES, 204, None)
        for kind in ("SessionEndedRequest", "SessionResumedRequest", "Connections.Response"):
            assert not client.send("Hi.", kind, "r-0", api.base_url, "t")
        results = [client.send("Hi.", "LaunchRequest", "r-1", api.base_url, "t") for _ in range(7)]
        assert results == [True] * MAX_PER_REQUEST + [False] * (7 - MAX_PER_REQUEST)
        assert client.send("Hi.", "IntentRequest", "r-2", api.base_url, "t")
        assert len(api.requests) == MAX_PER_REQUEST + 1
        assert not client.send("Hi.", "IntentRequest", "r-3", "", "t")
        assert not client.send("Hi.", "IntentRequest", "r-3", api.base_url, "")


def test_a_failure_is_logged_by_code_only_and_reported_as_not_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with fake_api() as api:
        api.route("POST", DIRECTIVES, 403, {"message": "secret words"})
        client = ProgressiveClient()
        assert not client.send("Private line.", "IntentRequest", "r", api.base_url, "t")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "progressive_failed status=403" in logged
    assert "Private line" not in logged and "secret words" not in logged


def test_a_service_that_never_answers_costs_only_the_short_timeout() -> None:
    with fake_api() as api:
        api.route("POST", DIRECTIVES, 204, None, delay=5.0)
        started = time.monotonic()
        assert not ProgressiveClient(timeout_s=0.3).send(
            "Hi.", "IntentRequest", "r", api.base_url, "t"
        )
        assert time.monotonic() - started < 1.0


def test_it_never_takes_what_the_deadline_keeps_for_the_slow_call() -> None:
    with fake_api() as api:
        api.route("POST", DIRECTIVES, 204, None, delay=5.0)
        deadline = Deadline(1.0)
        started = time.monotonic()
        assert not ProgressiveClient(timeout_s=2.0).send(
            "Hi.", "IntentRequest", "r", api.base_url, "t", deadline, keep=0.8
        )
        assert time.monotonic() - started < 0.5
        assert deadline.remaining() > 0.5
        spent = Deadline(0.5)
        assert not ProgressiveClient().send(
            "Hi.", "IntentRequest", "r2", api.base_url, "t", spent, keep=0.8
        )
        assert len(api.requests) == 1  # the spent deadline sent nothing


class AlexaApis:
    """The Directive service and the Reminders API, as far as the skill uses them."""

    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.directive_delay = 0.0
        api.default = self.answer

    def answer(self, request: Recorded) -> tuple[int, Any]:
        if request.path == DIRECTIVES:
            if self.directive_delay:
                time.sleep(self.directive_delay)
            return 204, None
        if request.path.startswith(REMINDERS) and request.method == "POST":
            return 201, {"alertToken": "alert-1", "status": "ON"}
        return 404, {"message": "not here"}  # the Settings API: the default zone

    def paths(self) -> list[str]:
        return [r.path for r in self.api.requests if r.path != "/" and "settings" not in r.path]


@pytest.fixture
def apis() -> Iterator[AlexaApis]:
    with fake_api() as api:
        yield AlexaApis(api)


def couple_with(handler: Handler, apis: AlexaApis) -> Dialog:
    couple = Dialog(handler, now=EVENING)
    couple.conversation.api_endpoint = apis.api.base_url
    couple.conversation.api_token = "tok"
    return couple


def test_setting_a_reminder_says_a_progressive_line_before_the_api_call(
    handler: Handler, apis: AlexaApis, content: LocaleContent
) -> None:
    couple = couple_with(handler, apis)
    couple.say("open heart to heart")
    couple.say("remind us every night at nine")
    done = couple.say("yes")
    assert "9 p.m." in done.speech
    paths = apis.paths()
    assert DIRECTIVES in paths and REMINDERS in paths
    assert paths.index(DIRECTIVES) < paths.index(REMINDERS)
    (progressive,) = [r for r in apis.api.requests if r.path == DIRECTIVES]
    assert done.request is not None
    body = progressive.json()
    assert body["header"]["requestId"] == done.request["request"]["requestId"]
    assert body["directive"]["type"] == "VoicePlayer.Speak"
    spoken = body["directive"]["speech"]
    assert any(f"<speak>{v}</speak>" == spoken for v in content.variants("progressive.reminder"))
    assert progressive.headers["Authorization"].startswith("Bearer ")
    # A turn with no slow call sends none.
    couple.say("tonight's question")
    assert [r.path for r in apis.api.requests].count(DIRECTIVES) == 1


def test_a_directive_service_that_never_answers_leaves_the_turn_in_time(
    handler: Handler, apis: AlexaApis, content: LocaleContent
) -> None:
    apis.directive_delay = 10.0
    couple = couple_with(handler, apis)
    couple.say("open heart to heart")
    couple.say("remind us every night at nine")
    started = time.monotonic()
    done = couple.say("yes")
    took = time.monotonic() - started
    assert took < 2.5, f"the turn took {took:.2f} s"
    assert "9 p.m." in done.speech and done.session_open
    assert REMINDERS in apis.paths(), "the reminder is still set"
    card = (done.response or {})["response"].get("card")
    assert card is not None
    assert card["title"] in content.variants("card.reminder_title")
    expected = {v.format(time="9 p.m.") for v in content.variants("card.reminder_text")}
    assert card["content"] in expected
    assert "tok" not in json.dumps(card)


def test_erasing_the_household_says_its_line_first_and_a_plain_turn_none(
    handler: Handler, apis: AlexaApis, content: LocaleContent
) -> None:
    couple = couple_with(handler, apis)
    couple.say("open heart to heart")
    couple.say("tonight's question")
    assert DIRECTIVES not in apis.paths()
    couple.say("delete our data")
    erased = couple.say("yes")
    (progressive,) = [r for r in apis.api.requests if r.path == DIRECTIVES]
    assert erased.request is not None
    assert progressive.json()["header"]["requestId"] == erased.request["request"]["requestId"]
    spoken = progressive.json()["directive"]["speech"]
    assert spoken in {f"<speak>{v}</speak>" for v in content.variants("progressive.forget")}
