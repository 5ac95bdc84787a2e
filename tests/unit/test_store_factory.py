"""``open_store``: one URL picks and configures the adapter; a bad URL says what is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.runtime.store import open_store
from skill.runtime.store.dynamodb import DynamoDbStore
from skill.runtime.store.sqlite import SqliteStore


def test_sqlite_absolute_path(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/heart.db")  # sqlite:////tmp/...
    assert isinstance(store, SqliteStore)
    assert store._path == str(tmp_path / "heart.db")


def test_sqlite_relative_path_is_resolved_against_cwd_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///var/heart.db")
    monkeypatch.chdir("/")
    assert isinstance(store, SqliteStore)
    assert store._path == str(tmp_path / "var" / "heart.db")


def test_sqlite_in_memory() -> None:
    store = open_store("sqlite:///:memory:")
    assert isinstance(store, SqliteStore)
    assert store.save("k", {"n": 1}, 0) == 1
    assert store.load("k").data == {"n": 1}


def test_scheme_is_case_insensitive(tmp_path: Path) -> None:
    assert isinstance(open_store(f"SQLite:///{tmp_path}/x.db"), SqliteStore)


def test_constructing_a_sqlite_store_touches_nothing(tmp_path: Path) -> None:
    open_store(f"sqlite:///{tmp_path}/not/yet/heart.db")
    assert not (tmp_path / "not").exists()


def test_dynamodb_table_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    store = open_store("dynamodb://Heart_To-Heart.households")
    assert isinstance(store, DynamoDbStore)
    assert store.table == "Heart_To-Heart.households"
    client = store._require_client()
    assert client.meta.region_name == "eu-west-1"


def test_dynamodb_region_and_endpoint() -> None:
    store = open_store("dynamodb://households?region=us-west-2&endpoint=http://127.0.0.1:4567")
    assert isinstance(store, DynamoDbStore)
    client = store._require_client()
    assert client.meta.region_name == "us-west-2"
    assert client.meta.endpoint_url == "http://127.0.0.1:4567"


def test_dynamodb_percent_encoded_endpoint_and_trailing_slash() -> None:
    store = open_store(
        "dynamodb://households/?endpoint=https%3A%2F%2Flocalhost%3A8000&region=local"
    )
    assert isinstance(store, DynamoDbStore)
    assert store._require_client().meta.endpoint_url == "https://localhost:8000"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "unsupported store URL"),
        ("heart.db", "unsupported store URL"),
        ("/var/heart.db", "unsupported store URL"),
        ("postgres://db/heart", "unsupported store URL"),
        ("sqlite:", "sqlite:/// followed by a path"),
        ("sqlite://heart.db", "sqlite:/// followed by a path"),
        ("sqlite:///", "no file path"),
        ("sqlite:///var/", "names a directory"),
        ("sqlite:///heart.db?mode=ro", "query strings"),
        ("dynamodb://", "no table name"),
        ("dynamodb://?region=us-east-1", "no table name"),
        ("dynamodb://ab", "3-255 characters"),
        ("dynamodb://bad name", "3-255 characters"),
        ("dynamodb://user@households", "3-255 characters"),
        ("dynamodb://households:8000", "3-255 characters"),
        ("dynamodb://households/extra", "nothing may follow"),
        ("dynamodb://households#frag", "nothing may follow"),
        ("dynamodb://households?regoin=us-east-1", "unknown parameter(s) regoin"),
        ("dynamodb://households?region", "malformed query"),
        ("dynamodb://households?region=", "not a region name"),
        ("dynamodb://households?region=US East", "not a region name"),
        ("dynamodb://households?region=us-east-1&region=eu-west-1", "region given twice"),
        ("dynamodb://households?endpoint=127.0.0.1:4567", "must be an http:// or https://"),
        ("dynamodb://households?endpoint=ftp://host", "must be an http:// or https://"),
        ("dynamodb://households?endpoint=http://", "must be an http:// or https://"),
        ("dynamodb://households?endpoint=http://host:port", "must be an http:// or https://"),
    ],
)
def test_bad_urls_are_rejected_precisely(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"bad .*store URL|unsupported") as raised:
        open_store(url)
    assert message in str(raised.value)
    assert repr(url) in str(raised.value)


def test_sqlite_path_does_not_import_boto3(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from skill.runtime.store import open_store\n"
        f"open_store('sqlite:///{tmp_path}/x.db').load('k')\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
