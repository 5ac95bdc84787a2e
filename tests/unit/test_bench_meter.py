"""The bench's metered store: a waiting call lasts longer on the wall clock, never in CPU.

The waiting stack (``warm.sqlite.stack_waiting``) rests on this: its turns make the same calls
as the plain stack's, so only the wait can explain what they cost more.
"""

from __future__ import annotations

import time
from typing import Any

from bench.harness import MeteredStore
from bench.turns import _waiting
from skill.runtime.store.port import NEW, Loaded

WAIT_S = 0.02


class Shelf:
    """A store that answers at once, from memory."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        return Loaded(self.data.get(key), NEW)

    def save(self, key: str, data: Any, expected_version: int, ttl: Any = None, **_: Any) -> int:
        self.data[key] = data
        return expected_version + 1


def test_a_waiting_call_lasts_the_wait_on_the_wall_and_costs_no_cpu_for_it() -> None:
    store = MeteredStore(Shelf())  # type: ignore[arg-type]
    with _waiting(store, WAIT_S):
        store.load("k")
        store.save("k", {"a": 1}, 0)
    assert store.seconds >= 2 * WAIT_S
    assert store.cpu_s < WAIT_S / 2
    assert (store.reads, store.writes) == (1, 1)


def test_calls_stop_waiting_when_the_block_ends_even_on_an_error() -> None:
    store = MeteredStore(Shelf())  # type: ignore[arg-type]
    try:
        with _waiting(store, WAIT_S):
            raise RuntimeError("a turn failed")
    except RuntimeError:
        pass
    started = time.perf_counter()
    store.load("k")
    assert time.perf_counter() - started < WAIT_S
    assert store.seconds < WAIT_S
