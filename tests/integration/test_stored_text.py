"""What a real SQLite file holds after a turn is the text ``json`` writes for that record.

The turn writes the codec's own text (``HouseholdCodec.encode_text``) without reading it
back; every night of every activity, the stored text must be what the stores' ``json.dumps``
arguments write for the record it reads back as."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.dialog import Dialog, load_handler
from tests.support.evenings import live_nights

pytestmark = pytest.mark.integration


def test_every_saved_text_is_the_json_of_its_record(tmp_path: Path) -> None:
    db = tmp_path / "heart.db"
    dialog = Dialog(load_handler(f"sqlite:///{db}"), user="stored-text")
    texts: list[str] = []

    def check(night: int) -> None:
        with sqlite3.connect(db) as connection:
            (text,) = connection.execute("SELECT data FROM households").fetchone()
        texts.append(text)
        record = json.loads(text)
        assert text == json.dumps(record, ensure_ascii=False, separators=(",", ":"))

    live_nights(dialog, 4, after_night=check)
    assert len(set(texts)) == 4  # a save every night, each a new text
