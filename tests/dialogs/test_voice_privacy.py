"""Recognized voices: stored as salted hashes, capped, and spoken only for the current speaker.

Through ``lambda_function.handler`` on a real SQLite file: the raw personIds never reach the
file, a giant or hostile personId is neither stored nor spoken, every SSML document stays
well-formed, and a household stored by an older version (raw ids) is hashed on its next turn.
"""

from __future__ import annotations

import json
import sqlite3
import xml.dom.minidom
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.records import read_household
from skill.runtime.speech import MAX_SSML_CHARS
from skill.runtime.state import to_dict
from skill.runtime.turn import household_key
from skill.runtime.voices import VOICE_KEY, voice_key
from tests.support.content import default_content
from tests.support.dialog import TEST_KEY_SALT, Dialog, Handler

ONE = "amzn1.ask.person.ONEONEONE"
TWO = "amzn1.ask.person.TWOTWOTWO"


def ssml_of(turn: Any) -> str:
    assert turn.response is not None
    return str(turn.response["response"].get("outputSpeech", {}).get("ssml", ""))


def well_formed(ssml: str) -> None:
    inner = ssml.removeprefix("<speak>").removesuffix("</speak>")
    xml.dom.minidom.parseString(f'<speak xmlns:alexa="urn:alexa">{inner}</speak>')
    assert len(ssml) < MAX_SSML_CHARS


def every_byte(db: Path) -> bytes:
    """The database with its write-ahead log: a value may still live only in the log."""
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))


def raw(db: Path, user: str = "couple-1") -> dict[str, Any]:
    """The record as stored (the compact form)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT data FROM households WHERE key = ?", (household_key(user, TEST_KEY_SALT),)
        ).fetchone()
    data: dict[str, Any] = json.loads(row[0])
    return data


def stored(db: Path, user: str = "couple-1") -> dict[str, Any]:
    """The household the record holds, in its full shape."""
    key = household_key(user, TEST_KEY_SALT)
    return to_dict(read_household(raw(db, user), default_content(), key))


def test_voices_are_stored_as_salted_keys_and_only_the_speaker_is_named(
    handler: Handler, db_path: Path
) -> None:
    dialog = Dialog(handler, person_id=ONE)
    dialog.say("open heart to heart")
    dialog.say("help")
    dialog.conversation.person_id = TWO
    offer = dialog.say("a listening exercise")
    ssml = ssml_of(offer)
    well_formed(ssml)
    assert f'personId="{TWO}"' in ssml and ONE not in ssml
    voices = stored(db_path)["voices"]
    assert voices == [voice_key(ONE, TEST_KEY_SALT), voice_key(TWO, TEST_KEY_SALT)]
    assert all(VOICE_KEY.fullmatch(v) for v in voices)
    raw = every_byte(db_path)
    assert ONE.encode() not in raw and TWO.encode() not in raw
    session = json.dumps(offer.response["sessionAttributes"] if offer.response else {})
    assert ONE not in session, "session attributes carry keys, not the other voice's id"


@pytest.mark.parametrize(
    "person_id",
    [
        "amzn1.ask.person." + "A" * 30_000,
        'amzn1.ask.person.X"/><audio src="https://evil.example/x.mp3"/><x a="',
        "amzn1.ask.person.\x00\x01ctrl",
        "amzn1.ask.person.<&>'",
    ],
    ids=["giant", "attribute-injection", "control-characters", "markup"],
)
def test_a_hostile_person_id_is_neither_stored_nor_spoken(
    handler: Handler, db_path: Path, person_id: str
) -> None:
    dialog = Dialog(handler, person_id=person_id)
    for said in ("open heart to heart", "help", "a listening exercise", "me"):
        turn = dialog.say(said)
        ssml = ssml_of(turn)
        well_formed(ssml)
        assert "alexa:name" not in ssml
        assert person_id not in json.dumps(turn.response)
    assert stored(db_path)["voices"] == []
    assert person_id.encode() not in every_byte(db_path)


def test_a_household_stored_with_raw_ids_is_hashed_on_its_next_turn(
    handler: Handler, db_path: Path
) -> None:
    Dialog(handler).say("open heart to heart")
    data = raw(db_path)
    data["o"] = [ONE, TWO]  # raw ids, as an older version wrote them
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE households SET data = ? WHERE key = ?",
            (json.dumps(data), household_key("couple-1", TEST_KEY_SALT)),
        )
    dialog = Dialog(handler, person_id=TWO, now="2026-12-02T20:00:00Z")
    well_formed(ssml_of(dialog.say("open heart to heart")))
    assert stored(db_path)["voices"] == [voice_key(v, TEST_KEY_SALT) for v in (ONE, TWO)]
