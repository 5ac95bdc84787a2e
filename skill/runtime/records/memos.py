"""Bounded memories for the codec's hot paths, forgetting the entry least lately used.

Why not forget everything at once (as they did): a memory full of a warm container's
households emptied every few dozen turns, and the turn after paid for working out its
household from nothing (a heard list of a thousand ids read, viewed and encoded again, 2 ms
to free a full journal memory): that was the warm turn's p99. A dict keeps insertion order,
so an entry used is moved to the end (a pop and a store) and the first is the one to forget:
one deletion per new entry, and the household being served is always among the newest.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def make_room(memo: dict[K, V], limit: int) -> None:
    """Forget the oldest entries until one more fits under ``limit``.

    Hosts that answer turns on threads share these memories: another thread may change the
    dict between finding its first key and deleting it, which is then simply tried again."""
    while len(memo) >= limit > 0:
        try:
            memo.pop(next(iter(memo)), None)
        except (RuntimeError, StopIteration):  # changed size while looking, or emptied
            continue


def remember(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """``memo[key] = value`` as its newest entry, within ``limit`` entries."""
    if memo.pop(key, _MISSING) is _MISSING:
        make_room(memo, limit)
    memo[key] = value
    return value


def recall(memo: dict[K, V], key: K) -> V | None:
    """``memo[key]`` made its newest entry, or None."""
    found = memo.pop(key, _MISSING)
    if found is _MISSING:
        return None
    memo[key] = found  # type: ignore[assignment]
    return found  # type: ignore[return-value]


def remembered(memo: dict[K, V], key: K, limit: int, make: Callable[[], V]) -> V:
    """``memo[key]``, made by ``make()`` when missing, within ``limit`` entries."""
    found = recall(memo, key)
    if found is None:
        return remember(memo, key, make(), limit)
    return found


_MISSING = object()
