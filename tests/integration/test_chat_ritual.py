"""The local chat does everything a device does: gratitude, reminders (with Alexa's permission
question answered for the couple, or declined), recap and "delete our data"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import gratitude
from skill.runtime.turn import household_key
from skill.tools.local_alexa import REMINDERS_SCOPE, LocalAlexaApi, token_with
from tests.support.chat_process import run_chat
from tests.support.dialog import TEST_KEY_SALT


def chat(lines: list[str], store: Path, *flags: str) -> list[str]:
    return run_chat(lines, store, *flags, timeout=60)


def said(out: list[str], variants: tuple[str, ...] | list[str]) -> bool:
    return any(v in line for line in out for v in variants)


def test_the_whole_ritual_in_the_chat(tmp_path: Path, content: LocaleContent) -> None:
    store = tmp_path / "chat.db"
    out = chat(
        [
            "open heart to heart",
            "a gratitude prompt",
            "remind us every night at nine",
            "yes",
            "change our reminder to ten",
            "yes",
            "cancel our reminder",
            "what did we talk about this week",
            "delete our data",
            "yes",
        ],
        store,
    )
    assert any(p.text in line for line in out for p in gratitude.prompts(content))
    assert "[Alexa asks you for permission to set reminders: ACCEPTED]" in out
    assert said(out, [v.format(time="9 p.m.") for v in content.variants("reminder.set_night")])
    assert said(out, [v.format(time="10 p.m.") for v in content.variants("reminder.moved_night")])
    assert said(out, content.variants("reminder.cancelled"))
    assert said(out, content.variants("recap.gratitude_one"))
    assert said(out, content.variants("forget.done"))
    with sqlite3.connect(store) as conn:
        key = household_key("u1", TEST_KEY_SALT)
        assert conn.execute("SELECT * FROM households WHERE key = ?", (key,)).fetchall() == []


def test_the_chat_can_decline_the_permission(tmp_path: Path, content: LocaleContent) -> None:
    out = chat(
        ["open heart to heart", "remind us every night at nine", "yes"],
        tmp_path / "chat.db",
        "--deny-permissions",
    )
    assert "[Alexa asks you for permission to set reminders: DENIED]" in out
    assert said(out, content.variants("reminder.permission_denied"))


def test_the_local_alexa_api_keeps_reminders_only_with_permission() -> None:
    api = LocalAlexaApi(time_zone="Europe/Paris")
    body = b'{"trigger": {"type": "SCHEDULED_ABSOLUTE"}}'
    assert api.answer("POST", "/v1/alerts/reminders", "t", body)[0] == 401
    granted = token_with("t", {REMINDERS_SCOPE})
    status, created = api.answer("POST", "/v1/alerts/reminders", granted, body)
    assert status == 201 and created["alertToken"] in api.reminders
    path = f"/v1/alerts/reminders/{created['alertToken']}"
    assert api.answer("PUT", path, granted, body)[0] == 200
    assert api.answer("POST", "/v1/alerts/reminders", granted, b"{}")[0] == 400
    assert api.answer("DELETE", path, granted, b"")[0] == 200
    assert api.answer("DELETE", path, granted, b"")[0] == 404
    zone = api.answer("GET", "/v2/devices/d/settings/System.timeZone", "t", b"")
    assert zone == (200, "Europe/Paris")
