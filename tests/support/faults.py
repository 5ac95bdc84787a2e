"""Storage faults injected where they really happen: inside botocore, between the skill's
DynamoDB client and a real dynalite.

``inject(injector)`` adds the injector's hooks to botocore's built-in handlers, so every
boto3 session created meanwhile carries them; build the skill (``load_handler``) inside it and
the real ``lambda_function`` runs with the real adapter, its retry and timeout settings, on a
real server, while requests fail on purpose:

* ``throttle`` — HTTP 400 ``ProvisionedThroughputExceededException`` or ``ThrottlingException``;
* ``internal`` — HTTP 500 ``InternalServerError``;
* ``timeout``  — ``ReadTimeoutError`` raised where the socket read would have timed out;
* ``conflict`` — a real competing write of the same household by another client (another
  Echo in the home) just after the skill's read or just before its write, so the skill's
  conditional put really fails in dynalite.

Each HTTP attempt draws its own fault, so botocore's retries see what they would in life.
The injector records each API call's final outcome, so a test can tell which turns lost
their storage.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, ReadTimeoutError

from skill.runtime.store.dynamodb import DATA_ATTR, PK_ATTR, VERSION_ATTR

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

KINDS = ("throttle", "internal", "timeout", "conflict")
READS = frozenset({"GetItem"})
WRITES = frozenset({"PutItem", "DeleteItem"})
TARGETS = {"reads": READS, "writes": WRITES, "both": READS | WRITES}
THROTTLE_CODES = ("ProvisionedThroughputExceededException", "ThrottlingException")
CONFLICT_CODE = "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Call:
    """One API call as the adapter saw it, after botocore's retries.

    ``late`` marks a call that finished after its turn had answered: the store gave up on it
    at the turn's deadline and left it to run out in a worker thread, so even a success is
    not a save the turn could count on."""

    operation: str
    error: str | None
    late: bool = False


#: How long the end of a turn waits for the calls it started and abandoned to finish
#: (botocore's own timeouts end them sooner).
SETTLE_S = 10.0


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def error_response(url: str, status: int, code: str) -> AWSResponse:
    """An HTTP response shaped like DynamoDB's own error responses."""
    body = json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected fault"}
    ).encode()
    headers = {"content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "fault"}
    return AWSResponse(url, status, headers, _Body(body))


class FaultInjector:
    """Fail a share of the requests for some operations, the same way every run (seeded)."""

    def __init__(
        self,
        kind: str,
        rate: float,
        target: str,
        *,
        table: str,
        competitor: DynamoDBClient | None = None,
        seed: int = 0,
    ) -> None:
        if kind not in KINDS or target not in TARGETS or not 0 <= rate <= 1:
            raise ValueError(f"no such fault: {kind} at {rate} on {target}")
        if kind == "conflict" and competitor is None:
            raise ValueError("a conflict needs a competing client (made outside inject())")
        self.kind = kind
        self.rate = rate
        self.operations = TARGETS[target]
        self.table = table
        self._competitor = competitor
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._turn = 0
        self._answered = False
        self._in_flight = 0
        self.injected = 0

    def handlers(self) -> list[tuple[str, Callable[..., Any]]]:
        return [
            ("before-call.dynamodb", self._before_call),
            ("before-send.dynamodb", self._before_send),
            ("after-call.dynamodb", self._after_call),
            ("after-call-error.dynamodb", self._after_call_error),
        ]

    def take_calls(self) -> list[Call]:
        """The calls the turn that just answered started, once they have all finished.

        Call it right after the handler returns. A call the store abandoned at the turn's
        deadline still belongs to that turn, not to the next one: this waits for it, and
        marks it ``late``."""
        with self._settled:
            self._answered = True
            if not self._settled.wait_for(lambda: self._in_flight == 0, timeout=SETTLE_S):
                raise AssertionError(f"{self._in_flight} DynamoDB calls still running")
            calls, self._calls = self._calls, []
            self._turn += 1
            self._answered = False
        return calls

    def _roll(self, operation: str) -> bool:
        if operation not in self.operations:
            return False
        with self._lock:
            hit = self._rng.random() < self.rate
            self.injected += hit
        return hit

    @staticmethod
    def _operation(event_name: str) -> str:
        return event_name.rsplit(".", 1)[-1]

    def _before_call(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        body = params.get("body")
        if isinstance(body, bytes | str) and body:
            request = json.loads(body)
            key = (request.get("Key") or request.get("Item") or {}).get(PK_ATTR, {}).get("S")
            context["fault_key"] = key
        with self._lock:
            context["fault_turn"] = self._turn
            self._in_flight += 1

    def _before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        operation = self._operation(event_name)
        if self.kind == "conflict":
            if operation == "PutItem" and self._roll(operation):
                body = json.loads(request.body)
                self._compete(body["Item"][PK_ATTR]["S"])
            return None
        if not self._roll(operation):
            return None
        if self.kind == "throttle":
            return error_response(request.url, 400, self._rng.choice(THROTTLE_CODES))
        if self.kind == "internal":
            return error_response(request.url, 500, "InternalServerError")
        raise ReadTimeoutError(endpoint_url=request.url, error="injected read timeout")

    def _after_call(
        self, http_response: Any, parsed: dict[str, Any], event_name: str, context: Any, **_: Any
    ) -> None:
        operation = self._operation(event_name)
        error = None
        if http_response.status_code >= 300:
            error = str(parsed.get("Error", {}).get("Code", http_response.status_code))
        elif self.kind == "conflict" and operation == "GetItem" and self._roll(operation):
            key = context.get("fault_key") if isinstance(context, dict) else None
            if key:
                self._compete(key)
        self._finish(context, Call(operation, error))

    def _after_call_error(
        self, exception: Exception, event_name: str, context: Any, **_: Any
    ) -> None:
        self._finish(context, Call(self._operation(event_name), type(exception).__name__))

    def _finish(self, context: Any, call: Call) -> None:
        started = context.get("fault_turn") if isinstance(context, dict) else None
        with self._settled:
            if started is None:
                self._calls.append(call)
                return
            late = self._answered or started != self._turn
            self._calls.append(Call(call.operation, call.error, late=late))
            self._in_flight -= 1
            self._settled.notify_all()

    def _compete(self, key: str) -> None:
        """Another device saves the household first: bump its version (or create it)."""
        client = self._competitor
        assert client is not None
        item = client.get_item(TableName=self.table, Key={PK_ATTR: {"S": key}}, ConsistentRead=True)
        current = item.get("Item")
        try:
            if current is None:
                client.put_item(
                    TableName=self.table,
                    Item={PK_ATTR: {"S": key}, VERSION_ATTR: {"N": "1"}, DATA_ATTR: {"S": "{}"}},
                    ConditionExpression="attribute_not_exists(#pk)",
                    ExpressionAttributeNames={"#pk": PK_ATTR},
                )
            else:
                version = current[VERSION_ATTR]["N"]
                client.put_item(
                    TableName=self.table,
                    Item={**current, VERSION_ATTR: {"N": str(int(version) + 1)}},
                    ConditionExpression="#v = :v",
                    ExpressionAttributeNames={"#v": VERSION_ATTR},
                    ExpressionAttributeValues={":v": {"N": version}},
                )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != CONFLICT_CODE:
                raise


@contextmanager
def inject(injector: FaultInjector) -> Iterator[None]:
    """Clients created inside carry the injector's hooks for their whole life."""
    original = botocore.handlers.BUILTIN_HANDLERS
    botocore.handlers.BUILTIN_HANDLERS = [*original, *injector.handlers()]
    try:
        yield
    finally:
        botocore.handlers.BUILTIN_HANDLERS = original
