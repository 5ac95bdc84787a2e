"""Load the Lambda entry point with a metered store, and talk to it as a couple would.

``load_lambda`` imports ``lambda/lambda_function.py`` afresh with the given environment (as
Lambda builds it) while wrapping the store it opens, so every turn's store calls are counted
and timed. ``Couple`` drives turns through the local NLU, timing only ``handler(event,
context)`` itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import logging
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
    """Counts the skill's error log records (a failed turn still answers, with an apology),
    and keeps the root logger's output off the benchmark's terminal."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.last = record.getMessage()[:200]


ERRORS = ErrorCounter()


def quiet_logging() -> None:
    """Route the root logger to the error counter only (Lambda would ship INFO lines to
    CloudWatch; here their creation is still paid, their output is not printed)."""
    root = logging.getLogger()
    if ERRORS not in root.handlers:
        root.addHandler(ERRORS)


class MeteredStore:
    """A store that counts and times every call of the store it wraps."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.reads = 0
        self.writes = 0
        self.deletes = 0
        self.seconds = 0.0
        self.last_saved: JsonDict | None = None

    def reset(self) -> None:
        self.reads = self.writes = self.deletes = 0
        self.seconds = 0.0

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        started = time.perf_counter()
        try:
            return self.inner.load(key, deadline=deadline)
        finally:
            self.seconds += time.perf_counter() - started
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
        started = time.perf_counter()
        try:
            version = self.inner.save(key, data, expected_version, ttl, deadline=deadline)
            self.last_saved = data
            return version
        finally:
            self.seconds += time.perf_counter() - started
            self.writes += 1

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        started = time.perf_counter()
        try:
            self.inner.delete(key, deadline=deadline)
        finally:
            self.seconds += time.perf_counter() - started
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
    """One timed turn: the handler's wall time, the store's share, and its round trips."""

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

    @property
    def own_s(self) -> float:
        return max(0.0, self.total_s - self.store_s)


@dataclass
class Couple:
    """One household talking to the skill; turns said with a label are recorded."""

    lam: LoadedLambda
    nlu: Resolver
    user: str = "bench-couple"
    start: datetime = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    records: dict[str, list[TurnRecord]] = field(default_factory=lambda: defaultdict(list))
    launch_request: dict[str, Any] | None = None

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
        response = self.lam.handler(event, None)
        elapsed = time.perf_counter() - started
        is_launch = event.get("request", {}).get("type") == "LaunchRequest"
        if is_launch:
            self.launch_request = event
        if self._label is not None:
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
