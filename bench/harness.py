"""Load the Lambda entry point with a metered store, and talk to it as a couple would.

``load_lambda`` imports ``lambda/lambda_function.py`` afresh with the given environment (as
Lambda builds it) while wrapping the store it opens, so every turn's store calls are counted
and timed. ``Couple`` drives turns through the local NLU, timing only ``handler(event,
context)`` itself, and (when given one) the bare skill on the very same envelope.

What counts as the skill's own cost, fairly:

* time is the process's CPU time (``time.process_time``: every thread, so the DynamoDB
  store's worker thread counts), which a machine shared with other work disturbs far less
  than the wall clock;
* the store's calls are subtracted, but not the JSON text codec of the household's record
  inside them (``json.loads``/``json.dumps`` in ``skill/runtime/store/``): that is the
  household codec's work, which a store with native documents wouldn't do, so it stays in
  the skill's cost (``JSON_METER``);
* what the store's calls cost in this process beyond that (botocore's serializing, signing
  and parsing on DynamoDB; the SQLite engine) is kept as a figure of its own;
* logging goes through ``LambdaLogHandler``, which formats every record and writes it to a
  file descriptor as Lambda's runtime does, for the skill and the baseline alike.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from skill.hosts.chat import ChatSession, ChatTurn, Clock
from skill.runtime.store.port import JsonDict, Loaded, Store
from skill.tools.envelopes import Conversation
from skill.tools.nlu import Resolver
from tests.support.dialog import environment

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_FILE = ROOT / "lambda" / "lambda_function.py"
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_names = itertools.count()

#: Dummy credentials and region: dynalite accepts any, botocore insists on some.
AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class ErrorCounter(logging.Handler):
    """Counts the skill's error log records (a failed turn still answers, with an apology)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.last = record.getMessage()[:200]


ERRORS = ErrorCounter()


class _RequestIdFilter(logging.Filter):
    """Lambda's runtime stamps every record with the invocation's request id."""

    request_id = "8f5a1b7e-3c2d-4e6f-9a0b-1c2d3e4f5a6b"

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class LambdaLogHandler(logging.Handler):
    """What Lambda's Python runtime installs on the root logger: every record formatted
    (level, UTC time with milliseconds, request id, message) and written with one
    ``os.write`` to a file descriptor (here /dev/null, so nothing reaches the terminal)."""

    FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        formatter = logging.Formatter(self.FORMAT, "%Y-%m-%dT%H:%M:%S")
        formatter.converter = time.gmtime
        self.setFormatter(formatter)
        self.addFilter(_RequestIdFilter())
        self.fd = os.open(os.devnull, os.O_WRONLY)
        self.lines = 0

    def emit(self, record: logging.LogRecord) -> None:
        os.write(self.fd, self.format(record).encode("utf-8"))
        self.lines += 1


LAMBDA_LOG = LambdaLogHandler()


def lambda_logging() -> None:
    """Route the root logger as Lambda does (``LambdaLogHandler``, at INFO unless
    ``HEART_LOG_LEVEL`` says otherwise), plus the error counter."""
    root = logging.getLogger()
    for handler in (ERRORS, LAMBDA_LOG):
        if handler not in root.handlers:
            root.addHandler(handler)
    for handler in list(root.handlers):
        if handler not in (ERRORS, LAMBDA_LOG):
            root.removeHandler(handler)


def cpu() -> float:
    """The process's CPU seconds (every thread)."""
    return time.process_time()


class JsonMeter:
    """Stands in for ``json`` and the port's record text codec (``record_text``,
    ``record_from_text``) in the store modules, timing their record text codec."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def timed(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def metered(*args: Any, **kwargs: Any) -> Any:
            started = cpu()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += cpu() - started

        metered.metered = True  # type: ignore[attr-defined]
        return metered

    def loads(self, *args: Any, **kwargs: Any) -> Any:
        started = cpu()
        try:
            return json.loads(*args, **kwargs)
        finally:
            self.seconds += cpu() - started

    def dumps(self, *args: Any, **kwargs: Any) -> str:
        started = cpu()
        try:
            return json.dumps(*args, **kwargs)
        finally:
            self.seconds += cpu() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(json, name)


JSON_METER = JsonMeter()
#: The store modules whose ``json`` the meter replaces.
STORE_MODULES = ("skill.runtime.store.sqlite", "skill.runtime.store.dynamodb")


def meter_store_json() -> None:
    for name in STORE_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "json", None) is json:
            module.json = JSON_METER  # type: ignore[attr-defined]
        for codec in ("record_text", "record_from_text"):
            function = getattr(module, codec, None)
            if function is not None and not getattr(function, "metered", False):
                setattr(module, codec, JSON_METER.timed(function))


class MeteredStore:
    """A store that counts and times every call of the store it wraps: wall seconds, and
    CPU seconds less the record's JSON codec (which is the skill's own cost)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.reads = 0
        self.writes = 0
        self.deletes = 0
        self.seconds = 0.0
        #: The store calls' CPU in this process, the JSON codec left out (botocore, SQLite).
        self.cpu_s = 0.0
        #: The record's JSON text codec inside the store calls.
        self.json_s = 0.0
        self.last_saved: JsonDict | None = None
        #: Seconds each call sleeps before it returns, inside its own timing (sleep is no
        #: CPU): a store as far away as a network one, to see what the wait alone costs
        #: the code that runs after it (``bench.turns`` "the stack alone, waiting").
        self.wait_s = 0.0

    def reset(self) -> None:
        self.reads = self.writes = self.deletes = 0
        self.seconds = self.cpu_s = self.json_s = 0.0

    def _start(self) -> tuple[float, float, float]:
        return time.perf_counter(), cpu(), JSON_METER.seconds

    def _stop(self, started: tuple[float, float, float]) -> None:
        if self.wait_s:
            time.sleep(self.wait_s)
        wall, processor, codec = started
        spent_json = JSON_METER.seconds - codec
        self.json_s += spent_json
        self.cpu_s += cpu() - processor - spent_json
        self.seconds += time.perf_counter() - wall

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        started = self._start()
        try:
            return self.inner.load(key, deadline=deadline)
        finally:
            self._stop(started)
            self.reads += 1

    def save(
        self,
        key: str,
        data: JsonDict,
        expected_version: int,
        ttl: int | None = None,
        *,
        deadline: float | None = None,
    ) -> int:
        started = self._start()
        try:
            version = self.inner.save(key, data, expected_version, ttl, deadline=deadline)
            self.last_saved = data
            return version
        finally:
            self._stop(started)
            self.writes += 1

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        started = self._start()
        try:
            self.inner.delete(key, deadline=deadline)
        finally:
            self._stop(started)
            self.deletes += 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@dataclass
class LoadedLambda:
    handler: Handler
    module: ModuleType
    store: MeteredStore


def load_lambda(store_url: str, **env: str) -> LoadedLambda:
    """A fresh ``lambda_function`` built with ``HEART_STORE=store_url``, its store metered."""
    meter_store_json()
    factory = importlib.import_module("skill.runtime.store.factory")
    original = factory.open_store
    opened: list[MeteredStore] = []

    def metered_open_store(url: str) -> Store:
        store = MeteredStore(original(url))
        opened.append(store)
        return store

    patched: list[ModuleType] = []
    for name in ("skill.runtime.store.factory", "skill.runtime.store", "skill.runtime.app"):
        module = importlib.import_module(name)
        if getattr(module, "open_store", None) is original:
            module.open_store = metered_open_store  # type: ignore[attr-defined]
            patched.append(module)
    spec = importlib.util.spec_from_file_location(f"lambda_function_{next(_names)}", LAMBDA_FILE)
    assert spec and spec.loader
    lambda_module = importlib.util.module_from_spec(spec)
    try:
        with environment({"HEART_STORE": store_url, "HEART_KEY_SALT": "bench-salt", **env}):
            spec.loader.exec_module(lambda_module)
    finally:
        for module in patched:
            module.open_store = original  # type: ignore[attr-defined]
    if len(opened) != 1:
        raise RuntimeError(
            f"lambda_function opened {len(opened)} stores through open_store, expected one"
        )
    return LoadedLambda(lambda_module.handler, lambda_module, opened[0])


def resolver(locale: str = "en-US") -> Resolver:
    return Resolver.from_file(ROOT / "interaction_models" / f"{locale}.json")


@dataclass
class TurnRecord:
    """One timed turn: the handler's CPU and wall time, the store's share, its round trips,
    and the bare skill's CPU on the same envelope."""

    label: str
    total_s: float
    store_s: float
    reads: int
    writes: int
    activity: str
    session_open: bool
    #: The request envelope, kept for launches only (the bare baselines answer the same ones).
    request: dict[str, Any] | None = None
    #: The turn logged an error (it answered with the apology instead of its own reply).
    failed: str = ""
    #: CPU seconds: the whole handler, the store calls (JSON codec left out), that codec.
    cpu_s: float = 0.0
    store_cpu_s: float = 0.0
    json_s: float = 0.0
    #: CPU seconds of the bare ask-sdk skill answering this very envelope (0 when not run).
    bare_s: float = 0.0

    @property
    def own_s(self) -> float:
        """The skill's own CPU: the handler's, less the store calls' (codec kept in)."""
        return max(0.0, self.cpu_s - self.store_cpu_s)

    @property
    def own_wall_s(self) -> float:
        """The older measure: wall time less the store calls' whole wall time."""
        return max(0.0, self.total_s - self.store_s)


@dataclass
class Couple:
    """One household talking to the skill; turns said with a label are recorded, and the
    bare skill (``bare``) answers each recorded turn's envelope right after it."""

    lam: LoadedLambda
    nlu: Resolver
    user: str = "bench-couple"
    start: datetime = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    records: dict[str, list[TurnRecord]] = field(default_factory=lambda: defaultdict(list))
    launch_request: dict[str, Any] | None = None
    bare: Handler | None = None

    def __post_init__(self) -> None:
        self.conversation = Conversation(user_id=self.user)
        self.clock = Clock(self.start)
        self._label: str | None = None
        self.night = 0
        self.chat = ChatSession(self._invoke, self.nlu, self.conversation, self.clock)

    def _invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        store = self.lam.store
        store.reset()
        errors_before = ERRORS.count
        started = time.perf_counter()
        processor = cpu()
        response = self.lam.handler(event, None)
        spent = cpu() - processor
        elapsed = time.perf_counter() - started
        is_launch = event.get("request", {}).get("type") == "LaunchRequest"
        if is_launch:
            self.launch_request = event
        if self._label is not None:
            bare_s = 0.0
            if self.bare is not None:
                processor = cpu()
                self.bare(event, None)
                bare_s = cpu() - processor
            attributes = response.get("sessionAttributes") or {}
            self.records[self._label].append(
                TurnRecord(
                    self._label,
                    elapsed,
                    store.seconds,
                    store.reads,
                    store.writes,
                    str((attributes.get("place") or {}).get("activity", "")),
                    response.get("response", {}).get("shouldEndSession") is False,
                    event if is_launch else None,
                    ERRORS.last if ERRORS.count != errors_before else "",
                    cpu_s=spent,
                    store_cpu_s=store.cpu_s,
                    json_s=store.json_s,
                    bare_s=bare_s,
                )
            )
        return response

    def say(self, text: str, label: str | None = None) -> ChatTurn:
        self._label = label
        try:
            return self.chat.say(text)
        finally:
            self._label = None

    def close(self) -> None:
        """End an open session as Alexa would when the couple walks away."""
        self.chat.end()

    def next_night(self) -> None:
        """Close any session and start the next evening (same hour, one day later)."""
        self.close()
        self.night += 1
        self.clock.now = self.start + timedelta(days=self.night)
