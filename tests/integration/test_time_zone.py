"""The couple's time zone comes from the Alexa Settings API, served here on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

from skill.runtime.catalog import LocaleContent
from skill.runtime.timezone import TimeZoneLookup
from tests.support.dialog import Dialog, load_handler
from tests.support.fake_http import fake_api

DEVICE = "amzn1.ask.device.local"
PATH = f"/v2/devices/{DEVICE}/settings/System.timeZone"


def question_id(text: str, content: LocaleContent) -> str:
    (found,) = [q.id for q in content.questions if q.text in text]
    return found


def test_the_night_follows_the_couples_time_zone(tmp_path: Path, content: LocaleContent) -> None:
    # 18:00 UTC is 3 a.m. in Tokyo (still the night before); 20:00 UTC is 5 a.m., a new night.
    # In New York both are the afternoon of the same day.
    with fake_api() as api:
        api.route("GET", PATH, 200, "Asia/Tokyo")
        handler = load_handler(f"sqlite:///{tmp_path / 'h.db'}", HEART_TIME_ZONE="America/New_York")
        dialog = Dialog(handler, now="2026-12-01T18:00:00Z")
        dialog.conversation.api_endpoint = api.base_url
        dialog.conversation.api_token = "token-123"
        first = question_id(dialog.say("ask heart to heart for tonight's question").speech, content)
        dialog.clock.now = dialog.clock.now.replace(hour=20)
        second = question_id(
            dialog.say("ask heart to heart for tonight's question").speech, content
        )
        assert second != first, "in Tokyo it is already the next night"
        assert api.requests and api.requests[0].headers["Authorization"] == "Bearer token-123"


def test_without_the_api_the_configured_zone_is_used(
    tmp_path: Path, content: LocaleContent
) -> None:
    handler = load_handler(f"sqlite:///{tmp_path / 'h.db'}", HEART_TIME_ZONE="America/New_York")
    dialog = Dialog(handler, now="2026-12-01T18:00:00Z")
    first = question_id(dialog.say("ask heart to heart for tonight's question").speech, content)
    dialog.clock.now = dialog.clock.now.replace(hour=20)
    second = question_id(dialog.say("ask heart to heart for tonight's question").speech, content)
    assert second == first, "15:00 in New York is still the same night"


def test_slow_or_failing_api_falls_back_quickly() -> None:
    with fake_api() as api:
        api.route("GET", PATH, 200, "Asia/Tokyo", delay=2.0)
        lookup = TimeZoneLookup(timeout_s=0.3)
        started = time.monotonic()
        assert lookup.lookup(api.base_url, DEVICE, "t") is None
        assert time.monotonic() - started < 1.5
        api.route("GET", PATH, 403, {"message": "denied"})
        assert lookup.lookup(api.base_url, DEVICE, "t") is None
        api.route("GET", PATH, 200, "Not/AZone")
        assert lookup.lookup(api.base_url, DEVICE, "t") is None


def test_answers_are_cached_per_device() -> None:
    with fake_api() as api:
        api.route("GET", PATH, 200, "Europe/Lisbon")
        lookup = TimeZoneLookup(timeout_s=1.0)
        assert lookup.lookup(api.base_url, DEVICE, "t") == "Europe/Lisbon"
        assert lookup.lookup(api.base_url, DEVICE, "t") == "Europe/Lisbon"
        assert len(api.requests) == 1
