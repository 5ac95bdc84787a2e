"""dynalite (the npm DynamoDB-compatible server), shared with the tests, and the bench's tables.

The server itself is started by ``tests.support.dynalite``, so the bench and the tests run the
very same local DynamoDB.
"""

from __future__ import annotations

import time
from typing import Any

from skill.runtime.store.dynamodb import BILLING_MODE, PK_ATTR
from tests.support.dynalite import TEST_REGION

REGION = TEST_REGION


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "dynamodb",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def create_table(endpoint: str, table: str) -> None:
    """A households table as the deployment template defines it, ACTIVE before returning."""
    dynamodb = client(endpoint)
    try:
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": PK_ATTR, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": PK_ATTR, "AttributeType": "S"}],
            BillingMode=BILLING_MODE,
        )
        deadline = time.monotonic() + 10
        while dynamodb.describe_table(TableName=table)["Table"].get("TableStatus") != "ACTIVE":
            if time.monotonic() > deadline:
                raise RuntimeError(f"table {table} did not become ACTIVE within 10 s")
            time.sleep(0.01)
    finally:
        dynamodb.close()


def store_url(endpoint: str, table: str) -> str:
    return f"dynamodb://{table}?region={REGION}&endpoint={endpoint}"
