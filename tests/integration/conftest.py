"""Fixtures for tests that use real components: a SQLite file and a dynalite server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from skill.runtime.store.dynamodb import DynamoDbStore
from skill.runtime.store.port import Store
from skill.runtime.store.sqlite import SqliteStore
from tests.support.dynalite import (
    AWS_TEST_ENV,
    DYNALITE_BIN,
    TEST_REGION,
    create_table,
    dynalite,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@pytest.fixture(scope="session")
def aws_test_env() -> Iterator[None]:
    """Dummy AWS credentials and region for the whole session, so boto3 never looks for real
    ones; child processes started later inherit them."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in AWS_TEST_ENV.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="session")
def dynalite_endpoint(aws_test_env: None) -> Iterator[str]:
    """One dynalite server for the session (tests isolate themselves by table)."""
    if not DYNALITE_BIN.exists():
        reason = f"{DYNALITE_BIN} is missing: run `make install` (npm install)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with dynalite() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def dynamodb_client(dynalite_endpoint: str) -> Iterator[DynamoDBClient]:
    """A plain boto3 client on dynalite, for setting up and inspecting tables."""
    client = boto3.client(
        "dynamodb",
        region_name=TEST_REGION,
        endpoint_url=dynalite_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    yield client
    client.close()


@pytest.fixture
def dynamodb_table(dynamodb_client: DynamoDBClient) -> Iterator[str]:
    """A fresh, uniquely named households table, ACTIVE, deleted afterwards."""
    table = f"households-{uuid.uuid4().hex[:12]}"
    create_table(dynamodb_client, table)
    yield table
    dynamodb_client.delete_table(TableName=table)


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """A SQLite file path in a directory that does not exist yet (the store creates it)."""
    return tmp_path / "store" / "heart.db"


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Each contract test runs once per adapter."""
    adapter: Store
    if request.param == "sqlite":
        adapter = SqliteStore(request.getfixturevalue("sqlite_path"))
    else:
        endpoint = request.getfixturevalue("dynalite_endpoint")
        table = request.getfixturevalue("dynamodb_table")
        adapter = DynamoDbStore(table, region=TEST_REGION, endpoint_url=endpoint)
    yield adapter
    adapter.close()
