"""The DynamoDB store: the default on AWS Lambda.

Written on a plain botocore *client* (boto3's session would build the very same client, but
importing boto3 also imports s3transfer, multiprocessing and more: about 18 ms of every cold
start), not ask-sdk's ``DynamoDbAdapter`` (which writes unconditionally
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
* Records set aside (unreadable) live in the same table under ``quarantine#<key>#<epoch>``
  with ``d`` (what was stored, as text), ``why`` (the reason) and a 30-day ``ttl``.

Exactly once: a ``PutItem`` can land while its answer is lost to the read timeout; botocore's
retry then fails its condition on our own write. The adapter reports that as a conflict like
any other, and the turn runner tells the two apart by the write tokens the record itself
carries (``skill.runtime.records.tokens``), which survive other devices writing after us.

Latency budget: botocore's legacy retries (10 attempts, 60 s timeouts) can outlast Alexa's
8 s. This adapter uses standard retries with 2 attempts in all (the first included) and 1 s
connect/read timeouts, and a call given the turn's ``deadline`` runs on a small worker pool
and is abandoned when the deadline comes (the call itself ends at botocore's own timeouts),
so a hanging backend costs the turn what is left of its budget, never more.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeVar, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.runtime.store.port import (
    MAX_RECORD_BYTES,
    NEW,
    JsonDict,
    Loaded,
    StoreConflict,
    StoreUnavailable,
    known_text,
    record_from_text,
    record_text,
)

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
#: Why a quarantined record was set aside (S).
REASON_ATTR: Final = "why"
#: Where quarantined copies of a household's records are kept.
QUARANTINE_PREFIX: Final = "quarantine#"
#: How long a quarantined record is kept for an operator.
QUARANTINE_DAYS: Final = 30
#: Billing mode the table is created with.
BILLING_MODE: Final = "PAY_PER_REQUEST"
#: Largest item the adapter writes (``port.MAX_RECORD_BYTES``); the turn runner compacts a
#: household before it gets there, so this only guards against a bug.
MAX_ITEM_BYTES: Final = MAX_RECORD_BYTES
#: Worker threads for calls with a deadline (a hung call holds one until botocore gives up).
WORKERS: Final = 8

T = TypeVar("T")

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
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pool_pid = 0
        if client is None:
            # total_max_attempts counts the first try; botocore's "max_attempts" counts only
            # retries, so max_attempts=2 there would mean three attempts.
            config = Config(
                retries={"mode": "standard", "total_max_attempts": max_attempts},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            )
            try:
                # A private session: a shared default session is not safe across threads.
                self._client = cast(
                    "DynamoDBClient",
                    botocore.session.get_session().create_client(
                        "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
                    ),
                )
            except (BotoCoreError, ValueError) as error:
                self._broken = f"cannot configure the DynamoDB client: {error}"
                log.error("%s", self._broken)

    def __repr__(self) -> str:
        return f"DynamoDbStore({self.table!r})"

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        """One strongly consistent read; an item past its TTL reads as absent."""
        client = self._require_client()
        try:
            response = self._within(
                deadline,
                lambda: client.get_item(
                    TableName=self.table, Key={PK_ATTR: {"S": key}}, ConsistentRead=True
                ),
            )
        except (ClientError, BotoCoreError, TimeoutError) as error:
            raise _unavailable("load", key, error) from error
        item = response.get("Item")
        if item is None:
            return Loaded(None, NEW)
        return _loaded(key, item)

    def save(
        self,
        key: str,
        data: JsonDict,
        expected_version: int,
        ttl: int | None = None,
        *,
        deadline: float | None = None,
    ) -> int:
        """One conditional put; return ``expected_version + 1``.

        A first save may replace an item whose TTL has passed but that DynamoDB has not yet
        deleted: it loaded as absent, so its caller rightly believes the household is new.
        """
        _check_version(expected_version)
        new_version = expected_version + 1
        item = item_for(key, data, new_version, ttl)
        size = item_size(item)
        if size > MAX_ITEM_BYTES:
            log.warning("refusing a %d-byte item for key %s", size, key)
            raise StoreUnavailable(
                f"household item is {size} bytes, over the adapter's {MAX_ITEM_BYTES}-byte limit"
            )
        client = self._require_client()
        if expected_version == NEW:
            condition = {
                "ConditionExpression": "attribute_not_exists(#pk) OR #ttl < :now",
                "ExpressionAttributeNames": {"#pk": PK_ATTR, "#ttl": TTL_ATTR},
                "ExpressionAttributeValues": {":now": {"N": str(int(time.time()))}},
            }
        else:
            condition = {
                "ConditionExpression": "#v = :expected",
                "ExpressionAttributeNames": {"#v": VERSION_ATTR},
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        try:
            self._within(
                deadline,
                lambda: client.put_item(TableName=self.table, Item=item, **condition),  # type: ignore[arg-type]
            )
        except ClientError as error:
            if _error_code(error) == _CONDITIONAL_CHECK_FAILED:
                retried = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
                raise StoreConflict(
                    f"household {key} is not at version {expected_version}",
                    maybe_landed=bool(retried),
                ) from error
            raise _unavailable("save", key, error) from error
        except (BotoCoreError, TimeoutError) as error:
            raise _unavailable("save", key, error) from error
        return new_version

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        """Delete the item unconditionally; a missing item is fine."""
        client = self._require_client()
        try:
            self._within(
                deadline,
                lambda: client.delete_item(TableName=self.table, Key={PK_ATTR: {"S": key}}),
            )
        except (ClientError, BotoCoreError, TimeoutError) as error:
            raise _unavailable("delete", key, error) from error

    def set_aside(
        self, key: str, loaded: Loaded, reason: str, *, deadline: float | None = None
    ) -> None:
        """Copy the item to ``quarantine#<key>#<epoch>`` with the reason, then delete it if
        its version is still the one ``loaded`` read (or it still has none)."""
        client = self._require_client()
        now = int(time.time())
        copy: dict[str, AttributeValueTypeDef] = {
            PK_ATTR: {"S": f"{QUARANTINE_PREFIX}{key}#{now}"},
            DATA_ATTR: {"S": loaded.raw or json.dumps(loaded.data, ensure_ascii=False)},
            REASON_ATTR: {"S": reason},
            TTL_ATTR: {"N": str(now + QUARANTINE_DAYS * 86_400)},
        }
        if loaded.version > NEW:
            condition: dict[str, object] = {
                "ConditionExpression": "#v = :v",
                "ExpressionAttributeNames": {"#v": VERSION_ATTR},
                "ExpressionAttributeValues": {":v": {"N": str(loaded.version)}},
            }
        else:
            condition = {
                "ConditionExpression": "attribute_not_exists(#v)",
                "ExpressionAttributeNames": {"#v": VERSION_ATTR},
            }
        try:
            self._within(deadline, lambda: client.put_item(TableName=self.table, Item=copy))
            self._within(
                deadline,
                lambda: client.delete_item(
                    TableName=self.table,
                    Key={PK_ATTR: {"S": key}},
                    **condition,  # type: ignore[arg-type]
                ),
            )
        except ClientError as error:
            if _error_code(error) == _CONDITIONAL_CHECK_FAILED:
                raise StoreConflict(f"household {key} changed before it was set aside") from error
            raise _unavailable("set_aside", key, error) from error
        except (BotoCoreError, TimeoutError) as error:
            raise _unavailable("set_aside", key, error) from error
        log.warning("dynamodb record set aside for key %s: %s", key, reason)

    def quarantined(self, key: str) -> list[tuple[str, str]]:
        """(reason, stored text) of every record set aside for ``key``, oldest first (for an
        operator; a scan, so never on a turn's path)."""
        client = self._require_client()
        found: list[tuple[str, str, str]] = []
        kwargs: dict[str, object] = {
            "TableName": self.table,
            "FilterExpression": "begins_with(#pk, :prefix)",
            "ExpressionAttributeNames": {"#pk": PK_ATTR},
            "ExpressionAttributeValues": {":prefix": {"S": f"{QUARANTINE_PREFIX}{key}#"}},
        }
        try:
            while True:
                page = client.scan(**kwargs)  # type: ignore[arg-type]
                for item in page.get("Items", []):
                    found.append(
                        (
                            str(item[PK_ATTR]["S"]),
                            str(item.get(REASON_ATTR, {}).get("S", "")),
                            str(item.get(DATA_ATTR, {}).get("S", "")),
                        )
                    )
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("quarantined", key, error) from error
        return [(reason, text) for _, reason, text in sorted(found)]

    def _within(self, deadline: float | None, call: Callable[[], T]) -> T:
        """Run ``call``, giving up on it at ``deadline`` (``TimeoutError``)."""
        if deadline is None:
            return call()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no time left in the turn")
        future = self._workers().submit(call)
        try:
            return future.result(timeout=remaining)
        except concurrent.futures.TimeoutError:
            raise TimeoutError("the turn's deadline passed") from None

    def _workers(self) -> concurrent.futures.ThreadPoolExecutor:
        """This process's worker pool (a pool inherited across fork has no threads)."""
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    WORKERS, thread_name_prefix="dynamodb"
                )
                self._pool_pid = os.getpid()
            return self._pool

    def close(self) -> None:
        """Close the client's connections if this store built it (an injected one is the
        caller's)."""
        with self._lock:
            client, self._client = self._client, None
            self._broken = self._broken or "the store is closed"
        if client is not None and self._owns_client:
            client.close()
        pool = self._pool
        if pool is not None and self._pool_pid == os.getpid():
            pool.shutdown(wait=False)

    def _require_client(self) -> DynamoDBClient:
        client = self._client
        if client is None:
            raise StoreUnavailable(self._broken or "the DynamoDB client is not configured")
        return client


def _loaded(key: str, item: dict[str, AttributeValueTypeDef]) -> Loaded:
    """What a stored item holds; an unparsable one loads as unreadable, with its text."""
    raw_value = item.get(DATA_ATTR, {})
    raw = str(raw_value.get("S", raw_value.get("N", "")))
    try:
        if TTL_ATTR in item and int(str(item[TTL_ATTR].get("N"))) < int(time.time()):
            return Loaded(None, NEW)
    except ValueError:
        pass
    try:
        version = int(str(item[VERSION_ATTR]["N"]))
    except (KeyError, TypeError, ValueError):
        log.warning("unreadable DynamoDB item for key %s: no version", key)
        return Loaded(None, NEW, unreadable="no version", raw=raw)
    if "S" not in raw_value:
        log.warning("unreadable DynamoDB item for key %s: no data string", key)
        return Loaded(None, version, unreadable="no data string", raw=raw)
    try:
        data = record_from_text(raw)
    except ValueError:
        log.warning("unreadable DynamoDB item for key %s: not JSON", key)
        return Loaded(None, version, unreadable="not JSON", raw=raw)
    if not isinstance(data, dict):
        return Loaded(None, version, unreadable="not an object", raw=raw)
    return Loaded(data, version)


def item_for(
    key: str, data: JsonDict, version: int, ttl: int | None = None
) -> dict[str, AttributeValueTypeDef]:
    """The item a save writes (also how benchmarks and tests size a record exactly)."""
    item: dict[str, AttributeValueTypeDef] = {
        PK_ATTR: {"S": key},
        VERSION_ATTR: {"N": str(version)},
        DATA_ATTR: {"S": known_text(data) or record_text(data)},
    }
    if ttl is not None:
        item[TTL_ATTR] = {"N": str(int(ttl))}
    return item


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
