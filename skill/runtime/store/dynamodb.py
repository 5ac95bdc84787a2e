"""The DynamoDB store: the default on AWS Lambda.

Written on a boto3 *client*, not ask-sdk's ``DynamoDbAdapter`` (which writes unconditionally
and lost up to 46% of concurrent updates) nor a boto3 resource (built at import, it fails
without a region). Each turn costs one strongly consistent ``GetItem`` and at most one
conditional ``PutItem``; the condition on the version is what makes two Echo devices on one
account safe.

Item layout (``PK_ATTR`` etc. below; the deployment template and the tests use these names):

* ``pk`` (S)  — the household key, the table's only key (HASH).
* ``v`` (N)   — the version, 1 after the first save.
* ``d`` (S)   — the household data as compact JSON. A string rather than a native map because
  it round-trips exactly what the state module wrote (no ``Decimal`` on the way back, no
  float rejection, no empty-set quirks), its size is known before the write, and the skill
  never queries inside it.
* ``ttl`` (N) — optional expiry in epoch seconds, the table's TTL attribute. DynamoDB deletes
  expired items only eventually, so the adapter also treats them as absent itself.

Latency budget: botocore's legacy retries (10 attempts, 60 s timeouts) can outlast Alexa's
8 s. This adapter uses standard retries with 2 attempts in all (the first included) and 1 s
connect/read timeouts, so a dead backend costs a few seconds at worst and the skill still
answers.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import TYPE_CHECKING, Final

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.runtime.store.port import NEW, JsonDict, Loaded, StoreConflict, StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

log = logging.getLogger(__name__)

#: The table's default name, shared with the deployment template.
DEFAULT_TABLE_NAME: Final = "heart-to-heart-households"
#: Partition key attribute (type S, key type HASH); the table has no sort key.
PK_ATTR: Final = "pk"
#: Version attribute (N).
VERSION_ATTR: Final = "v"
#: Data attribute (S, compact JSON).
DATA_ATTR: Final = "d"
#: TTL attribute (N, epoch seconds); the table's TimeToLiveSpecification names it.
TTL_ATTR: Final = "ttl"
#: A random token per save (S): tells "my own retried write landed" from a real conflict.
WRITE_TOKEN_ATTR: Final = "w"
#: Billing mode the table is created with.
BILLING_MODE: Final = "PAY_PER_REQUEST"
#: Largest item the adapter writes. DynamoDB allows 400 KB; a household is a few KB, so an
#: item this big means a bug (unbounded history) that should surface long before the hard limit.
MAX_ITEM_BYTES: Final = 64 * 1024

_CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"


class DynamoDbStore:
    """Households in one DynamoDB table, one item each, versioned by conditional puts."""

    def __init__(
        self,
        table: str = DEFAULT_TABLE_NAME,
        region: str | None = None,
        endpoint_url: str | None = None,
        *,
        client: DynamoDBClient | None = None,
        connect_timeout: float = 1.0,
        read_timeout: float = 1.0,
        max_attempts: int = 2,
    ) -> None:
        """Build the client now (no network: credentials resolve on the first call).

        Building it here puts its cost in Lambda's init phase rather than the first turn. A
        configuration error (no region, bad endpoint) is not raised: it is remembered and
        every call raises ``StoreUnavailable``, so the skill still answers, without history.
        """
        self.table = table
        self._owns_client = client is None
        self._client: DynamoDBClient | None = client
        self._broken: str | None = None
        self._lock = threading.Lock()
        if client is None:
            # total_max_attempts counts the first try; botocore's "max_attempts" counts only
            # retries, so max_attempts=2 there would mean three attempts.
            config = Config(
                retries={"mode": "standard", "total_max_attempts": max_attempts},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            )
            try:
                # A private session: boto3's default session is not safe to share across threads.
                self._client = boto3.session.Session().client(
                    "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
                )
            except (BotoCoreError, ValueError) as error:
                self._broken = f"cannot configure the DynamoDB client: {error}"
                log.error("%s", self._broken)

    def __repr__(self) -> str:
        return f"DynamoDbStore({self.table!r})"

    def load(self, key: str) -> Loaded:
        """One strongly consistent read; an item past its TTL reads as absent."""
        client = self._require_client()
        try:
            response = client.get_item(
                TableName=self.table, Key={PK_ATTR: {"S": key}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("load", key, error) from error
        item = response.get("Item")
        if item is None:
            return Loaded(None, NEW)
        try:
            if TTL_ATTR in item and int(item[TTL_ATTR]["N"]) < int(time.time()):
                return Loaded(None, NEW)
            version = int(item[VERSION_ATTR]["N"])
            data = json.loads(item[DATA_ATTR]["S"])
        except (KeyError, TypeError, ValueError) as error:
            log.warning("corrupt DynamoDB item for key %s: %s", key, type(error).__name__)
            raise StoreUnavailable(f"corrupt household item (key {key})") from error
        if not isinstance(data, dict):
            raise StoreUnavailable(f"corrupt household item (key {key})")
        return Loaded(data, version)

    def save(self, key: str, data: JsonDict, expected_version: int, ttl: int | None = None) -> int:
        """One conditional put; return ``expected_version + 1``.

        A first save may replace an item whose TTL has passed but that DynamoDB has not yet
        deleted: it loaded as absent, so its caller rightly believes the household is new.
        """
        _check_version(expected_version)
        new_version = expected_version + 1
        token = uuid.uuid4().hex
        item: dict[str, AttributeValueTypeDef] = {
            PK_ATTR: {"S": key},
            VERSION_ATTR: {"N": str(new_version)},
            WRITE_TOKEN_ATTR: {"S": token},
            DATA_ATTR: {
                "S": json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            },
        }
        if ttl is not None:
            item[TTL_ATTR] = {"N": str(int(ttl))}
        size = item_size(item)
        if size > MAX_ITEM_BYTES:
            log.warning("refusing a %d-byte item for key %s", size, key)
            raise StoreUnavailable(
                f"household item is {size} bytes, over the adapter's {MAX_ITEM_BYTES}-byte limit"
            )
        client = self._require_client()
        try:
            if expected_version == NEW:
                client.put_item(
                    TableName=self.table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(#pk) OR #ttl < :now",
                    ExpressionAttributeNames={"#pk": PK_ATTR, "#ttl": TTL_ATTR},
                    ExpressionAttributeValues={":now": {"N": str(int(time.time()))}},
                )
            else:
                client.put_item(
                    TableName=self.table,
                    Item=item,
                    ConditionExpression="#v = :expected",
                    ExpressionAttributeNames={"#v": VERSION_ATTR},
                    ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
                )
        except ClientError as error:
            if _error_code(error) == _CONDITIONAL_CHECK_FAILED:
                if self._landed(key, token, new_version):
                    # botocore retried a put whose first attempt timed out after it was
                    # applied; the retry met our own write. It is done, not a conflict.
                    log.info("save landed before a retry for key %s", key)
                    return new_version
                raise StoreConflict(
                    f"household {key} is not at version {expected_version}"
                ) from error
            raise _unavailable("save", key, error) from error
        except BotoCoreError as error:
            raise _unavailable("save", key, error) from error
        return new_version

    def _landed(self, key: str, token: str, version: int) -> bool:
        """Whether the stored item is exactly the write carrying ``token``."""
        try:
            found = (
                self._require_client()
                .get_item(
                    TableName=self.table,
                    Key={PK_ATTR: {"S": key}},
                    ConsistentRead=True,
                    ProjectionExpression="#v, #w",
                    ExpressionAttributeNames={"#v": VERSION_ATTR, "#w": WRITE_TOKEN_ATTR},
                )
                .get("Item")
            )
        except (ClientError, BotoCoreError):
            return False
        if not found:
            return False
        stored_token = found.get(WRITE_TOKEN_ATTR, {}).get("S")
        stored_version = found.get(VERSION_ATTR, {}).get("N")
        return stored_token == token and stored_version == str(version)

    def delete(self, key: str) -> None:
        """Delete the item unconditionally; a missing item is fine."""
        client = self._require_client()
        try:
            client.delete_item(TableName=self.table, Key={PK_ATTR: {"S": key}})
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("delete", key, error) from error

    def close(self) -> None:
        """Close the client's connections if this store built it (an injected one is the
        caller's)."""
        with self._lock:
            client, self._client = self._client, None
            self._broken = self._broken or "the store is closed"
        if client is not None and self._owns_client:
            client.close()

    def _require_client(self) -> DynamoDBClient:
        client = self._client
        if client is None:
            raise StoreUnavailable(self._broken or "the DynamoDB client is not configured")
        return client


def item_size(item: dict[str, AttributeValueTypeDef]) -> int:
    """An upper bound of DynamoDB's size of an item of S and N attributes: the UTF-8 bytes of
    each name plus its value (a number counts at most one byte per character, plus one)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        if "S" in value:
            size += len(value["S"].encode())
        if "N" in value:
            size += len(value["N"]) + 1
    return size


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(operation: str, key: str, error: Exception) -> StoreUnavailable:
    """Log the failure by key and error class only (never data), and wrap it."""
    detail = _error_code(error) if isinstance(error, ClientError) else type(error).__name__
    log.warning("dynamodb %s failed for key %s: %s", operation, key, detail)
    return StoreUnavailable(f"dynamodb {operation} failed: {detail}: {error}")


def _check_version(expected_version: int) -> None:
    """Reject a version no load could have returned: that is a caller bug, not a conflict."""
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise TypeError(f"expected_version must be an int, not {type(expected_version).__name__}")
    if expected_version < NEW:
        raise ValueError(f"expected_version must be >= {NEW}, not {expected_version}")
