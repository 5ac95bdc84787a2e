"""Heal, never lock out: an unreadable record, a record from a newer release and a record
over the size guard, through ``handler(event, context)`` on dynalite and on SQLite.

Before, each of them got "I can't save anything at the moment" on every turn, forever.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.records.stored import RECORD_SCHEMA
from skill.runtime.state import Household, JournalEntry, NightEntry, to_dict
from skill.runtime.store.dynamodb import DATA_ATTR, PK_ATTR, VERSION_ATTR, DynamoDbStore
from skill.runtime.store.port import MAX_RECORD_BYTES
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from tests.support.dialog import TEST_KEY_SALT, Dialog, load_handler
from tests.support.dynalite import TEST_REGION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

pytestmark = pytest.mark.integration

USER = "amzn1.ask.account.HEAL"
KEY = household_key(USER, TEST_KEY_SALT)


@dataclass
class Backend:
    """One store as the skill sees it (a URL) and as an operator sees it (raw rows)."""

    url: str
    put_raw: Callable[[str, int], None]
    get_raw: Callable[[], tuple[str, int] | None]
    quarantined: Callable[[], list[tuple[str, str]]]


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        path = tmp_path / "heart.db"
        SqliteStore(path).load("warm-up")  # creates the file and its tables

        def put_sqlite(text: str, version: int) -> None:
            with sqlite3.connect(path) as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO households VALUES (?, ?, ?, NULL)",
                    (KEY, version, text),
                )

        def get_sqlite() -> tuple[str, int] | None:
            with sqlite3.connect(path) as conn:
                row = conn.execute(
                    "SELECT data, version FROM households WHERE key = ?", (KEY,)
                ).fetchone()
            return None if row is None else (str(row[0]), int(row[1]))

        return Backend(
            f"sqlite:///{path}", put_sqlite, get_sqlite, lambda: SqliteStore(path).quarantined(KEY)
        )
    endpoint = request.getfixturevalue("dynalite_endpoint")
    table = request.getfixturevalue("dynamodb_table")
    client: DynamoDBClient = request.getfixturevalue("dynamodb_client")

    def put_dynamodb(text: str, version: int) -> None:
        client.put_item(
            TableName=table,
            Item={PK_ATTR: {"S": KEY}, VERSION_ATTR: {"N": str(version)}, DATA_ATTR: {"S": text}},
        )

    def get_dynamodb() -> tuple[str, int] | None:
        item = client.get_item(TableName=table, Key={PK_ATTR: {"S": KEY}}, ConsistentRead=True)
        found = item.get("Item")
        if found is None:
            return None
        return str(found[DATA_ATTR]["S"]), int(found[VERSION_ATTR]["N"])

    store = DynamoDbStore(table, region=TEST_REGION, endpoint_url=endpoint)
    return Backend(
        f"dynamodb://{table}?region={TEST_REGION}&endpoint={endpoint}",
        put_dynamodb,
        get_dynamodb,
        lambda: store.quarantined(KEY),
    )


def notices(text: str, content: LocaleContent) -> dict[str, bool]:
    return {
        key: any(v in text for v in content.variants(key))
        for key in ("store.unavailable", "store.healed", "store.newer")
    }


def evening(backend: Backend) -> list[str]:
    """Three turns on two nights: what the skill said each time."""
    dialog = Dialog(load_handler(backend.url), user=USER)
    said = [dialog.say("open heart to heart").speech, dialog.say("tonight's question").speech]
    dialog.next_night()
    said.append(dialog.say("open heart to heart").speech)
    return said


@pytest.mark.parametrize(
    "broken",
    ["{not json", "[1, 2]", json.dumps({"s": 2, "n": "many", "m": ["Sam", "Alex"]})],
    ids=["not-json", "not-an-object", "wrongly-typed"],
)
def test_an_unreadable_record_is_set_aside_and_the_household_goes_on(
    backend: Backend, broken: str, content: LocaleContent
) -> None:
    backend.put_raw(broken, 7)
    first, question, later = evening(backend)
    assert notices(first, content) == {
        "store.unavailable": False,
        "store.healed": True,
        "store.newer": False,
    }, first
    assert not any(notices(question, content).values()), "said once, not every turn"
    assert not any(notices(later, content).values())
    assert any(q.text in question for q in content.questions)
    assert [text for _, text in backend.quarantined()] == [broken]
    assert backend.quarantined()[0][0], "with the reason"
    stored = backend.get_raw()
    assert stored is not None and json.loads(stored[0])["n"] == 2, "both launches saved"
    if broken.startswith('{"s"'):
        assert json.loads(stored[0])["m"] == ["Sam", "Alex"], "what could be read was kept"


def test_a_record_from_a_newer_release_is_never_overwritten(
    backend: Backend, content: LocaleContent
) -> None:
    newer = json.dumps(
        {"s": RECORD_SCHEMA + 1, "n": 12, "m": ["Sam", "Alex"], "new_feature": {"x": 1}}
    )
    backend.put_raw(newer, 12)
    first, question, later = evening(backend)
    assert backend.get_raw() == (newer, 12), "left exactly as the newer release wrote it"
    assert notices(first, content)["store.newer"]
    for text in (first, question, later):
        assert not notices(text, content)["store.unavailable"], text
    assert (
        not notices(question, content)["store.newer"] and not notices(later, content)["store.newer"]
    ), "said once, not every turn"
    assert "Sam" in first or any(q.text in question for q in content.questions)


def test_a_record_over_the_size_guard_is_compacted_never_refused(
    backend: Backend, content: LocaleContent
) -> None:
    ids = [q.id for q in content.questions]
    big = Household(
        visits=30,
        first_night="2026-01-01",
        last_night="2026-11-30",
        heard=ids[:100],
        history=[NightEntry(f"2026-11-{d:02d}", ids[d]) for d in range(1, 31)],
        favourites=ids[:200] * 20,  # past the guard, within DynamoDB's 400 KB item
        journal=[
            JournalEntry(f"2026-11-{1 + n % 30:02d}", "question", ids[n % len(ids)])
            for n in range(3000)
        ],
        names=["Sam", "Alex"],
    )
    text = json.dumps(to_dict(big))
    assert len(text) > MAX_RECORD_BYTES, "a legacy record over the guard"
    backend.put_raw(text, 30)
    first, question, later = evening(backend)
    for said in (first, question, later):
        assert not any(notices(said, content).values()), said
    stored = backend.get_raw()
    assert stored is not None
    assert len(stored[0]) < 2048 and json.loads(stored[0])["n"] == 32
    heard = set(ids[:100])
    assert not any(q.text in question for q in content.questions if q.id in heard), (
        "nothing it had heard comes back"
    )
