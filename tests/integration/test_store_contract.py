"""The store contract, run against every adapter on its real backend (SQLite, dynalite)."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from skill.runtime.store.dynamodb import (
    DATA_ATTR,
    MAX_ITEM_BYTES,
    PK_ATTR,
    TTL_ATTR,
    VERSION_ATTR,
    DynamoDbStore,
)
from skill.runtime.store.port import NEW, Loaded, Store, StoreConflict, StoreUnavailable
from skill.runtime.store.sqlite import SqliteStore
from tests.support.dynalite import TEST_REGION, free_port

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

pytestmark = pytest.mark.integration

KEY = "amzn1-household-hash-0001"
HOUSEHOLD: dict[str, Any] = {"schema": 3, "asked": [4, 8, 15], "prefs": {"depth": "light"}}


def test_load_absent_is_none_at_new(store: Store) -> None:
    assert store.load(KEY) == Loaded(None, NEW)


def test_first_save_is_version_1_and_loads_back(store: Store) -> None:
    assert store.save(KEY, HOUSEHOLD, NEW) == 1
    assert store.load(KEY) == Loaded(HOUSEHOLD, 1)


def test_save_with_current_version_increments(store: Store) -> None:
    version = store.save(KEY, {"n": 0}, NEW)
    for n in range(1, 4):
        version = store.save(KEY, {"n": n}, version)
    assert store.load(KEY) == Loaded({"n": 3}, 4)


def test_stale_version_conflicts_and_leaves_data_unchanged(store: Store) -> None:
    store.save(KEY, {"n": 1}, NEW)
    store.save(KEY, {"n": 2}, 1)
    with pytest.raises(StoreConflict):
        store.save(KEY, {"n": 99}, 1)
    with pytest.raises(StoreConflict):
        store.save(KEY, {"n": 99}, 7)
    assert store.load(KEY) == Loaded({"n": 2}, 2)


def test_new_on_existing_household_conflicts(store: Store) -> None:
    store.save(KEY, {"n": 1}, NEW)
    with pytest.raises(StoreConflict):
        store.save(KEY, {"n": 99}, NEW)
    assert store.load(KEY) == Loaded({"n": 1}, 1)


def test_save_on_missing_household_with_a_version_conflicts(store: Store) -> None:
    with pytest.raises(StoreConflict):
        store.save(KEY, {"n": 1}, 3)
    assert store.load(KEY) == Loaded(None, NEW)


def test_households_are_independent(store: Store) -> None:
    store.save(KEY, {"who": "a"}, NEW)
    store.save("other-household", {"who": "b"}, NEW)
    store.delete("other-household")
    assert store.load(KEY) == Loaded({"who": "a"}, 1)


def test_delete_makes_absent_and_household_can_start_again(store: Store) -> None:
    store.save(KEY, HOUSEHOLD, NEW)
    store.delete(KEY)
    assert store.load(KEY) == Loaded(None, NEW)
    assert store.save(KEY, {"fresh": True}, NEW) == 1


def test_delete_missing_is_fine(store: Store) -> None:
    store.delete("never-saved")
    store.delete("never-saved")


def test_ttl_in_the_past_loads_absent_and_may_be_replaced(store: Store) -> None:
    store.save(KEY, {"n": 1}, NEW, ttl=int(time.time()) - 5)
    assert store.load(KEY) == Loaded(None, NEW)
    assert store.save(KEY, {"n": 2}, NEW) == 1
    assert store.load(KEY) == Loaded({"n": 2}, 1)


def test_ttl_in_the_future_loads_and_can_be_cleared(store: Store) -> None:
    store.save(KEY, {"n": 1}, NEW, ttl=int(time.time()) + 3600)
    assert store.load(KEY) == Loaded({"n": 1}, 1)
    with pytest.raises(StoreConflict):
        store.save(KEY, {"n": 9}, NEW)
    store.save(KEY, {"n": 2}, 1, ttl=None)
    assert store.load(KEY) == Loaded({"n": 2}, 2)


def test_unicode_round_trips(store: Store) -> None:
    data = {"name": "Zoë & José 💞", "ja": "ありがとう", "quote": "\"'\\\n\t", "ключ ✓": "√"}
    store.save(KEY, data, NEW)
    assert store.load(KEY).data == data


def test_nested_data_round_trips_with_exact_types(store: Store) -> None:
    data = {
        "counters": {"asked": 12, "big": 2**62 + 1, "negative": -3, "zero": 0},
        "history": [[1, 2, [3, {"deep": [4]}]], {"x": None}],
        "flags": [True, False],
        "empty": {"list": [], "dict": {}, "text": ""},
    }
    store.save(KEY, data, NEW)
    loaded = store.load(KEY)
    assert loaded.data == data

    def walk(original: object, copy: object) -> None:
        assert type(copy) is type(original), (original, copy)
        if isinstance(original, dict):
            assert isinstance(copy, dict)
            for name in original:
                walk(original[name], copy[name])
        elif isinstance(original, list):
            assert isinstance(copy, list)
            for a, b in zip(original, copy, strict=True):
                walk(a, b)

    walk(data, loaded.data)
    assert type(loaded.version) is int


def test_set_aside_moves_the_record_to_quarantine_with_its_reason(store: Store) -> None:
    store.save(KEY, {"n": 1}, NEW)
    loaded = store.load(KEY)
    store.set_aside(KEY, loaded, "schema check failed at $.n")
    assert store.load(KEY) == Loaded(None, NEW)
    quarantined = store.quarantined(KEY)  # type: ignore[attr-defined]
    assert [reason for reason, _ in quarantined] == ["schema check failed at $.n"]
    assert json.loads(quarantined[0][1]) == {"n": 1}


def test_set_aside_of_a_record_someone_replaced_conflicts(store: Store) -> None:
    store.save(KEY, {"n": 1}, NEW)
    stale = store.load(KEY)
    store.save(KEY, {"n": 2}, 1)
    with pytest.raises(StoreConflict):
        store.set_aside(KEY, stale, "stale")
    assert store.load(KEY) == Loaded({"n": 2}, 2)


def test_a_call_past_its_deadline_is_unavailable(store: Store) -> None:
    with pytest.raises(StoreUnavailable):
        store.save(KEY, {"n": 1}, NEW, deadline=time.monotonic() - 1)
    with pytest.raises(StoreUnavailable):
        store.load(KEY, deadline=time.monotonic() - 1)
    assert store.load(KEY, deadline=time.monotonic() + 5) == Loaded(None, NEW)


def test_impossible_expected_version_is_a_caller_error(store: Store) -> None:
    with pytest.raises(ValueError):
        store.save(KEY, {}, -1)
    with pytest.raises(TypeError):
        store.save(KEY, {}, True)


# --- DynamoDB specifics -------------------------------------------------------------------


def test_dynamodb_item_layout_matches_the_table_contract(
    dynalite_endpoint: str, dynamodb_table: str, dynamodb_client: DynamoDBClient
) -> None:
    store = DynamoDbStore(dynamodb_table, region=TEST_REGION, endpoint_url=dynalite_endpoint)
    expires = int(time.time()) + 60
    store.save(KEY, {"n": 1}, NEW, ttl=expires)
    item = dynamodb_client.get_item(TableName=dynamodb_table, Key={PK_ATTR: {"S": KEY}})["Item"]
    assert item == {
        PK_ATTR: {"S": KEY},
        VERSION_ATTR: {"N": "1"},
        DATA_ATTR: {"S": '{"n":1}'},
        TTL_ATTR: {"N": str(expires)},
    }


def test_dynamodb_refuses_oversized_items(dynalite_endpoint: str, dynamodb_table: str) -> None:
    store = DynamoDbStore(dynamodb_table, region=TEST_REGION, endpoint_url=dynalite_endpoint)
    store.save(KEY, {"n": 1}, NEW)
    with pytest.raises(StoreUnavailable, match="bytes"):
        store.save(KEY, {"blob": "x" * MAX_ITEM_BYTES}, 1)
    with pytest.raises(StoreUnavailable, match="bytes"):
        store.save(KEY, {"blob": "é" * (MAX_ITEM_BYTES // 2)}, 1)  # counted in UTF-8 bytes
    assert store.load(KEY) == Loaded({"n": 1}, 1)
    store.save(KEY, {"blob": "x" * (MAX_ITEM_BYTES - 100)}, 1)


def test_dynamodb_expired_item_not_yet_deleted_loads_absent(
    dynalite_endpoint: str, dynamodb_table: str, dynamodb_client: DynamoDBClient
) -> None:
    dynamodb_client.put_item(
        TableName=dynamodb_table,
        Item={
            PK_ATTR: {"S": KEY},
            VERSION_ATTR: {"N": "7"},
            DATA_ATTR: {"S": "{}"},
            TTL_ATTR: {"N": str(int(time.time()) - 3600)},
        },
    )
    store = DynamoDbStore(dynamodb_table, region=TEST_REGION, endpoint_url=dynalite_endpoint)
    assert store.load(KEY) == Loaded(None, NEW)
    assert store.save(KEY, {"n": 1}, NEW) == 1


@pytest.mark.parametrize(
    "item",
    [
        {VERSION_ATTR: {"N": "1"}, DATA_ATTR: {"S": "{not json"}},
        {VERSION_ATTR: {"N": "1"}, DATA_ATTR: {"S": "[1, 2]"}},
        {DATA_ATTR: {"S": "{}"}},
        {VERSION_ATTR: {"N": "1"}, DATA_ATTR: {"N": "5"}},
    ],
    ids=["bad-json", "not-an-object", "no-version", "wrong-type"],
)
def test_dynamodb_corrupt_item_loads_unreadable_and_can_be_set_aside(
    dynalite_endpoint: str,
    dynamodb_table: str,
    dynamodb_client: DynamoDBClient,
    item: dict[str, Any],
) -> None:
    dynamodb_client.put_item(TableName=dynamodb_table, Item={PK_ATTR: {"S": KEY}, **item})
    store = DynamoDbStore(dynamodb_table, region=TEST_REGION, endpoint_url=dynalite_endpoint)
    loaded = store.load(KEY)
    assert loaded.data is None and loaded.unreadable
    store.set_aside(KEY, loaded, f"test: {loaded.unreadable}")
    assert store.load(KEY) == Loaded(None, NEW)
    assert store.quarantined(KEY) == [(f"test: {loaded.unreadable}", loaded.raw)]
    assert store.save(KEY, {"n": 1}, NEW) == 1


def test_dynamodb_missing_table_is_unavailable(dynalite_endpoint: str) -> None:
    store = DynamoDbStore("no-such-table", region=TEST_REGION, endpoint_url=dynalite_endpoint)
    with pytest.raises(StoreUnavailable, match="ResourceNotFoundException"):
        store.load(KEY)


@pytest.fixture
def aws_env(aws_test_env: None) -> None:
    """Dummy credentials also for DynamoDB tests that need no dynalite."""


def _assert_all_calls_unavailable(store: Store, budget_s: float) -> None:
    for call in (
        lambda: store.load(KEY),
        lambda: store.save(KEY, {"n": 1}, NEW),
        lambda: store.delete(KEY),
    ):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            call()
        assert time.monotonic() - started < budget_s


def test_dynamodb_unreachable_endpoint_fails_fast(aws_env: None) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    store = DynamoDbStore("households", region=TEST_REGION, endpoint_url=closed)
    _assert_all_calls_unavailable(store, budget_s=3.0)


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A server that accepts connections and never answers: the read timeout must fire."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_dynamodb_call_with_a_deadline_returns_by_it(aws_env: None, silent_endpoint: str) -> None:
    store = DynamoDbStore("households", region=TEST_REGION, endpoint_url=silent_endpoint)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.load(KEY, deadline=started + 0.4)
    assert time.monotonic() - started < 0.6


def test_dynamodb_silent_endpoint_times_out(aws_env: None, silent_endpoint: str) -> None:
    store = DynamoDbStore(
        "households", region=TEST_REGION, endpoint_url=silent_endpoint, read_timeout=0.3
    )
    # Two attempts of 0.3 s plus standard-mode backoff (under 1 s for the first retry).
    _assert_all_calls_unavailable(store, budget_s=2.5)


def test_dynamodb_without_region_constructs_and_then_reports_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    store = DynamoDbStore("households")
    with pytest.raises(StoreUnavailable, match="region"):
        store.load(KEY)


def test_dynamodb_client_uses_standard_retries_and_short_timeouts(aws_env: None) -> None:
    store = DynamoDbStore("households", region=TEST_REGION)
    config: Any = store._require_client().meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert (config.connect_timeout, config.read_timeout) == (1.0, 1.0)


# --- SQLite specifics ---------------------------------------------------------------------


def test_sqlite_creates_parent_dirs_and_uses_wal(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    assert not sqlite_path.parent.exists()  # construction touches nothing
    store.save(KEY, {"n": 1}, NEW)
    store.close()
    with sqlite3.connect(sqlite_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT key, version FROM households").fetchall() == [(KEY, 1)]


def test_sqlite_data_survives_reopening(sqlite_path: Path) -> None:
    SqliteStore(sqlite_path).save(KEY, HOUSEHOLD, NEW)
    assert SqliteStore(sqlite_path).load(KEY) == Loaded(HOUSEHOLD, 1)


def test_sqlite_path_that_cannot_be_created_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    store = SqliteStore(blocker / "sub" / "heart.db")  # fails even for root
    for call in (lambda: store.load(KEY), lambda: store.save(KEY, {}, NEW)):
        with pytest.raises(StoreUnavailable, match="directory"):
            call()


def test_sqlite_unwritable_directory_is_unavailable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        probe = locked / "probe"
        try:
            probe.touch()
        except PermissionError:
            pass
        else:
            pytest.skip("running with privileges that ignore directory permissions (root)")
        with pytest.raises(StoreUnavailable, match="unable to open"):
            SqliteStore(locked / "heart.db").load(KEY)
    finally:
        locked.chmod(0o700)


def test_sqlite_corrupt_row_loads_unreadable(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    store.save(KEY, {"n": 1}, NEW)
    with sqlite3.connect(sqlite_path) as conn:
        conn.execute("UPDATE households SET data = '{broken'")
    assert store.load(KEY) == Loaded(None, 1, unreadable="not JSON", raw="{broken")


def test_sqlite_notices_its_file_deleted_under_it_and_never_saves_into_nothing(
    sqlite_path: Path,
) -> None:
    """Measured before: a deleted file kept taking writes on the open connection (19 turns
    acknowledged as saved, none stored). Every acknowledged save must be in the file at the
    path, as a fresh process reads it."""
    store = SqliteStore(sqlite_path)
    store.save(KEY, {"n": 1}, NEW)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    assert store.load(KEY) == Loaded(None, NEW), "the household went with the file"
    with pytest.raises(StoreConflict):
        store.save(KEY, {"n": 2}, 1)
    assert store.save(KEY, {"n": 2}, NEW) == 1
    fresh = SqliteStore(sqlite_path)
    assert fresh.load(KEY) == Loaded({"n": 2}, 1), "what was acknowledged is really there"
    fresh.close()
    # Replaced by another file (a restore from a backup, which takes the old write-ahead log
    # away with the old file): the store follows the path too.
    other = sqlite_path.with_name("restored.db")
    restored = SqliteStore(other)
    restored.save(KEY, {"n": 40}, NEW)
    restored.close()  # checkpoints its write-ahead log into the file
    for suffix in ("-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    other.replace(sqlite_path)
    assert store.load(KEY) == Loaded({"n": 40}, 1)
    store.close()


def test_sqlite_store_reopens_after_close(sqlite_path: Path) -> None:
    store = SqliteStore(sqlite_path)
    store.save(KEY, {"n": 1}, NEW)
    store.close()
    assert store.load(KEY) == Loaded({"n": 1}, 1)
    store.close()


def test_sqlite_deletes_expired_households_from_the_file_when_opened(tmp_path: Path) -> None:
    import sqlite3 as sqlite

    path = tmp_path / "sweep.db"
    first = SqliteStore(path)
    first.save("gone", {"n": 1}, NEW, ttl=int(time.time()) - 10)
    first.save("kept", {"n": 2}, NEW, ttl=int(time.time()) + 3600)
    first.save("forever", {"n": 3}, NEW)
    first.close()
    reopened = SqliteStore(path)
    assert reopened.load("kept").data == {"n": 2}
    with sqlite.connect(str(path)) as db:
        keys = {row[0] for row in db.execute("SELECT key FROM households")}
    assert keys == {"kept", "forever"}
