"""Concurrent read-modify-write turns on one household never lose an update.

Each writer re-reads and retries on ``StoreConflict``, as the skill does; the final counter
must equal the number of increments exactly.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.store import open_store
from skill.runtime.store.port import Store, StoreConflict
from tests.support.dynalite import TEST_REGION

pytestmark = pytest.mark.integration

KEY = "household-under-contention"
MAX_ATTEMPTS_PER_INCREMENT = 1000


def increment(store: Store, key: str, times: int, think_s: float = 0.0) -> int:
    """Add 1 to the household's counter ``times`` times; return how many conflicts it met.

    ``think_s`` stands for the turn's work between its read and its write; without it a
    SQLite increment is so quick that two processes rarely overlap at all.
    """
    conflicts = 0
    for _ in range(times):
        for _attempt in range(MAX_ATTEMPTS_PER_INCREMENT):
            loaded = store.load(key)
            counter = (loaded.data or {}).get("counter", 0)
            time.sleep(think_s)
            try:
                store.save(key, {"counter": counter + 1}, loaded.version)
                break
            except StoreConflict:
                conflicts += 1
        else:
            raise AssertionError(f"no increment after {MAX_ATTEMPTS_PER_INCREMENT} attempts")
    return conflicts


def _process_worker(url: str, key: str, times: int, start: Any, results: Any) -> None:
    """Runs in a spawned process: its own store, opened from the URL as the skill does."""
    store = open_store(url)
    try:
        start.wait(timeout=60)
        results.put(increment(store, key, times, think_s=0.001))
    finally:
        store.close()


def _run_processes(url: str, processes: int, times: int) -> list[int]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_process_worker, args=(url, KEY, times, start, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    conflicts: list[int] = []
    deadline = time.monotonic() + 120
    while len(conflicts) < processes:
        failed = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
        assert not failed, f"a worker died with exit code {failed} (its traceback is above)"
        assert time.monotonic() < deadline, "workers did not finish within 120 s"
        try:
            conflicts.append(results.get(timeout=0.2))
        except queue.Empty:
            continue
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return conflicts


def _run_threads(make_store: Callable[[], Store], threads: int, times: int) -> list[int]:
    start = threading.Barrier(threads)
    conflicts: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        store = make_store()
        try:
            start.wait(timeout=30)
            conflicts.append(increment(store, KEY, times))
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    return conflicts


@pytest.fixture
def sqlite_url(sqlite_path: Path) -> str:
    return f"sqlite:///{sqlite_path}"


@pytest.fixture
def dynamodb_url(dynalite_endpoint: str, dynamodb_table: str) -> str:
    return f"dynamodb://{dynamodb_table}?region={TEST_REGION}&endpoint={dynalite_endpoint}"


@pytest.mark.parametrize("url_fixture", ["sqlite_url", "dynamodb_url"])
def test_two_processes_lose_no_update(request: pytest.FixtureRequest, url_fixture: str) -> None:
    url = request.getfixturevalue(url_fixture)
    conflicts = _run_processes(url, processes=2, times=50)
    store = open_store(url)
    assert store.load(KEY).data == {"counter": 100}
    assert store.load(KEY).version == 100
    store.close()
    print(f"{url_fixture}: conflicts per process {conflicts}")


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_eight_threads_lose_no_update_on_sqlite(sqlite_url: str, shared: bool) -> None:
    common = open_store(sqlite_url)
    conflicts = _run_threads(lambda: common if shared else open_store(sqlite_url), 8, 25)
    assert common.load(KEY).data == {"counter": 200}
    common.close()
    print(f"sqlite threads: conflicts per thread {conflicts}")


def test_eight_threads_on_one_dynamodb_store_lose_no_update(dynamodb_url: str) -> None:
    store = open_store(dynamodb_url)
    conflicts = _run_threads(lambda: store, 8, 25)
    assert store.load(KEY).data == {"counter": 200}
    store.close()
    print(f"dynamodb threads: conflicts per thread {conflicts}")
