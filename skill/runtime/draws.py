"""The household's own order over content, and drawing in it.

Why an order at all: a household that hears questions in a random order has to remember
every id it heard, so its record grows with the deck. If instead each household walks its
own seeded order (a hash of its seed and each item's stable id), "what we've heard" is a
prefix of that order and the stored form (``skill.runtime.records``) keeps one threshold
per cell instead of a list. The order is over stable ids, not positions, so adding,
removing or reordering content never shifts what counts as heard.

Content is split into *cells* that filters never cut through (a question's depth and
theme, a gratitude prompt's swap flag). ``next_fresh`` keeps every cell's heard set a
prefix however the couple filters: it picks a cell the way a uniformly random fresh item
would (so the mix across themes and depths is what it was), then the cell's first fresh
item in the household's order.
"""

from __future__ import annotations

import functools
import threading
import zlib
from collections.abc import Callable, Hashable, Sequence
from random import Random
from typing import TypeVar

T = TypeVar("T")

#: Ranks are 30-bit numbers: five base-64 digits in the stored form.
RANK_BITS = 30
RANK_MASK = (1 << RANK_BITS) - 1


@functools.lru_cache(maxsize=65_536)
def _id_hash(item_id: str) -> int:
    return zlib.crc32(item_id.encode())


#: Ranks already computed, for the last few seeds (one household's turns come together).
_MEMO: dict[int, dict[str, int]] = {}
_MEMO_SEEDS = 4
_LOCK = threading.Lock()


def rank(seed: int, item_id: str) -> int:
    """Where ``item_id`` falls in the order of the household seeded ``seed`` (a stable
    integer mix of the id's CRC and the seed: cheap enough to rank a deck on every turn)."""
    memo = _memo(seed)
    found = memo.get(item_id)
    if found is None:
        found = memo[item_id] = _mix(seed, item_id)
    return found


def _memo(seed: int) -> dict[str, int]:
    memo = _MEMO.get(seed)
    if memo is None:
        with _LOCK:
            while len(_MEMO) >= _MEMO_SEEDS:
                _MEMO.pop(next(iter(_MEMO)))
            memo = _MEMO.setdefault(seed, {})
    return memo


def _mix(seed: int, item_id: str) -> int:
    h = (_id_hash(item_id) ^ (seed * 0x9E3779B1)) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & RANK_MASK


def sort_key(seed: int, item_id: str) -> tuple[int, str]:
    """The full order: rank, then id for the rare tie."""
    return rank(seed, item_id), item_id


def next_fresh(
    fresh: Sequence[T],
    seed: int,
    rng: Random,
    cell: Callable[[T], Hashable],
    ident: Callable[[T], str],
) -> T:
    """A random fresh item's cell, then that cell's first fresh item in the household's order."""
    picked = cell(rng.choice(fresh))
    memo = _memo(seed)
    best: T | None = None
    best_rank, best_id = RANK_MASK + 1, ""
    for item in fresh:  # one pass: decks can be tens of thousands long
        if cell(item) != picked:
            continue
        item_id = ident(item)
        found = memo.get(item_id)
        if found is None:
            found = memo[item_id] = _mix(seed, item_id)
        if found < best_rank or (found == best_rank and item_id < best_id):
            best, best_rank, best_id = item, found, item_id
    assert best is not None
    return best


def next_after(items: Sequence[T], seed: int, last: str, ident: Callable[[T], str]) -> T:
    """The item after ``last`` in the household's order, going round (the first without one).

    Games use this for their "not heard lately" list: walking round the bank in order, the
    recently heard questions are always the stretch just behind the cursor.
    """
    ordered = sorted(items, key=lambda item: sort_key(seed, ident(item)))
    if last:
        after = sort_key(seed, last)
        for item in ordered:
            if sort_key(seed, ident(item)) > after:
                return item
    return ordered[0]


def seed_for(key: str) -> int:
    """A household's seed from its (already hashed) key: stable, so never stored."""
    try:
        return int(key[:8], 16)
    except ValueError:
        return zlib.crc32(key.encode())
