"""Forget us: after "delete our data" or SkillDisabled, the SQLite file holds nothing for them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skill.hosts.chat import ChatSession, Clock
from skill.runtime.app import build_skill
from skill.runtime.catalog import Catalog, LocaleContent
from skill.runtime.settings import Settings
from skill.runtime.store.port import StoreUnavailable
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from skill.tools.envelopes import Conversation
from skill.tools.local_alexa import REMINDERS_SCOPE
from tests.support.dialog import TEST_KEY_SALT, Dialog, Handler, in_locale, resolver
from tests.support.fake_http import fake_api

Envelope = Callable[[str], dict[str, Any]]
FIXTURE_USER = "amzn1.ask.account.AGRFIXTUREUSER"


def rows_for(db_path: Path, user: str) -> int:
    """Rows the SQLite file holds for this user's household, read straight from the file."""
    with sqlite3.connect(db_path) as conn:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM households WHERE key = ?",
            (household_key(user, TEST_KEY_SALT),),
        ).fetchone()
    return int(count)


def settle_in(dialog: Dialog) -> None:
    """A household with names, history, gratitude and a question: something to erase."""
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex")
    dialog.say("tonight's question")
    dialog.say("a gratitude prompt")
    dialog.say("stop")


def test_delete_our_data_confirmed_erases_the_household(
    dialog: Dialog, db_path: Path, content: LocaleContent
) -> None:
    other = Dialog(dialog.handler, user="another-couple")
    settle_in(other)
    settle_in(dialog)
    assert rows_for(db_path, "couple-1") == 1
    dialog.say("open heart to heart")
    ask = dialog.say("delete our data")
    assert ask.session_open and any(v in ask.speech for v in content.variants("forget.confirm"))
    assert rows_for(db_path, "couple-1") == 1, "nothing goes before they say yes"
    done = dialog.say("yes")
    assert done.speech in content.variants("forget.done")
    assert not done.session_open
    assert rows_for(db_path, "couple-1") == 0
    assert rows_for(db_path, "another-couple") == 1, "only their household is erased"
    again = dialog.say("open heart to heart")
    assert any(v in again.speech for v in content.variants("launch.first"))


def test_no_keeps_everything(dialog: Dialog, db_path: Path, content: LocaleContent) -> None:
    settle_in(dialog)
    dialog.say("open heart to heart")
    dialog.say("forget everything about us")
    kept = dialog.say("no")
    assert kept.session_open and any(v in kept.speech for v in content.variants("forget.kept"))
    assert rows_for(db_path, "couple-1") == 1


def test_one_shot_delete_still_asks_first(dialog: Dialog, db_path: Path) -> None:
    settle_in(dialog)
    ask = dialog.say("ask heart to heart to delete our data")
    assert ask.session_open
    dialog.say("yes")
    assert rows_for(db_path, "couple-1") == 0


def test_deleting_the_data_cancels_their_reminder_first(
    handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    with fake_api() as api:
        api.route("POST", "/v1/alerts/reminders", 201, {"alertToken": "alert-9"})
        api.route("DELETE", "/v1/alerts/reminders/alert-9", 200, {})
        dialog = Dialog(handler)
        dialog.conversation.api_endpoint = api.base_url
        dialog.conversation.api_token = "t"
        dialog.conversation.scopes.add(REMINDERS_SCOPE)
        dialog.say("open heart to heart")
        dialog.say("remind us every night at nine")
        dialog.say("yes")
        dialog.say("delete our data")
        dialog.say("yes")
        assert [(r.method, r.path) for r in api.requests if "alerts" in r.path][-1] == (
            "DELETE",
            "/v1/alerts/reminders/alert-9",
        )
    assert rows_for(db_path, "couple-1") == 0


def test_skill_disabled_erases_the_household(
    handler: Handler, db_path: Path, envelope: Envelope
) -> None:
    dialog = Dialog(handler, user=FIXTURE_USER)
    settle_in(dialog)
    assert rows_for(db_path, FIXTURE_USER) == 1
    event = envelope("skill_disabled")
    assert event["request"]["body"]["userInformationPersistenceStatus"] == "NOT_PERSISTED"
    response = handler(event, None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response.get("response", {})
    assert rows_for(db_path, FIXTURE_USER) == 0


def test_skill_disabled_with_data_persisted_still_erases(
    handler: Handler, db_path: Path, envelope: Envelope
) -> None:
    dialog = Dialog(handler, user=FIXTURE_USER)
    settle_in(dialog)
    event = envelope("skill_disabled")
    event["request"]["body"]["userInformationPersistenceStatus"] = "PERSISTED"
    handler(event, None)
    assert rows_for(db_path, FIXTURE_USER) == 0


def test_a_permission_answer_nobody_expected_still_gets_a_kind_answer(
    handler: Handler, envelope: Envelope, content: LocaleContent
) -> None:
    event = envelope("connections_response")
    event["request"]["locale"] = content.locale
    response = handler(event, None)
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert any(v in ssml for v in content.variants("reminder.permission_thanks"))
    assert response["response"]["shouldEndSession"] is False


class ForgetfulStore(SqliteStore):
    """A real SQLite store whose delete fails, as an unreachable backend would."""

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        raise StoreUnavailable("down")


def test_when_the_store_cannot_erase_the_couple_is_told(
    db_path: Path, catalog: Catalog, content: LocaleContent, locale: str
) -> None:
    store = ForgetfulStore(db_path)
    skill = build_skill(
        Settings(store_url=f"sqlite:///{db_path}", key_salt=TEST_KEY_SALT), store, catalog
    )
    chat = ChatSession(
        lambda event: skill.invoke(event, None),
        resolver(locale),
        Conversation(user_id="couple-1", locale=locale),
        Clock(datetime(2026, 12, 1, 20, 0, tzinfo=UTC)),
    )
    chat.say(in_locale("open heart to heart", locale))
    chat.say(in_locale("delete our data", locale))
    turn = chat.say(in_locale("yes", locale))
    assert turn.speech in content.variants("forget.failed")
    assert rows_for(db_path, "couple-1") == 1
