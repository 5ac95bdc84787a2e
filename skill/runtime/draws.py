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

Two orders: within a cell, ``cell_rank`` (a mask over the ids' CRCs, so that a threshold
is read without ordering the whole cell; record schema 3 on); a game's bank, and cells in
records of schema 2, ``rank`` (a seeded mix).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import threading
import zlib
from collections.abc import Callable, Container, Hashable, Iterable, Sequence
from random import Random
from typing import Any, Generic, TypeVar, cast, overload

import msgspec

from skill.runtime.heard import Heard

T = TypeVar("T")

#: Ranks are 30-bit numbers: five base-64 digits in the stored form.
RANK_BITS = 30
RANK_MASK = (1 << RANK_BITS) - 1


def _crc(item_id: str) -> int:
    return zlib.crc32(item_id.encode())


_id_hash = functools.lru_cache(maxsize=65_536)(_crc)


#: Ranks already computed, for the last few seeds (one household's turns come together).
_MEMO: dict[int, dict[str, int]] = {}
_MEMO_SEEDS = 4
_LOCK = threading.Lock()


def rank(seed: int, item_id: str) -> int:
    """Where ``item_id`` falls in the order of the household seeded ``seed`` over a game's
    bank (a stable integer mix of the id's CRC and the seed: cheap enough to rank a bank on
    every turn). Cells of questions and prompts use ``cell_rank`` since record schema 3."""
    memo = _memo(seed)
    found = memo.get(item_id)
    if found is None:
        found = memo[item_id] = _mix(seed, item_id)
    return found


def _memo(seed: int, table: dict[int, dict[str, int]] | None = None) -> dict[str, int]:
    """The ranks remembered for ``seed`` in ``table`` (``rank``'s unless given), which
    keeps the last ``_MEMO_SEEDS`` seeds."""
    table = _MEMO if table is None else table
    memo = table.get(seed)
    if memo is None:
        with _LOCK:
            while len(table) >= _MEMO_SEEDS:
                table.pop(next(iter(table)))
            memo = table.setdefault(seed, {})
    return memo


def _mix(seed: int, item_id: str) -> int:
    return ranked(seed, (item_id,))[0][0]


def id_hashes(ids: Iterable[str]) -> list[int]:
    """Each id's CRC, the seed-free half of its rank (``ranked``'s ``hashes``)."""
    return list(map(_crc, ids))


def ranked(
    seed: int, ids: Sequence[str], hashes: Sequence[int] | None = None
) -> list[tuple[int, str]]:
    """``(rank(seed, i), i)`` for every id, the mix worked in one loop; ``hashes``, when
    given, are the ids' ``id_hashes`` already worked out.

    Why: reading a record of schema 2 orders the cells it names in this order
    (``records.seen.Cells.legacy_columns``), and ranking each id through ``rank`` (its memo,
    then the mix in a call of its own) cost three times the arithmetic."""
    mixed = seed * 0x9E3779B1
    keys: list[tuple[int, str]] = []
    crcs = map(_id_hash, ids) if hashes is None else hashes
    for crc, item_id in zip(crcs, ids, strict=True):
        h = (crc ^ mixed) & 0xFFFFFFFF
        h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
        h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
        keys.append(((h ^ (h >> 16)) & RANK_MASK, item_id))
    return keys


#: A cell rank's top bits: the top ``BUCKET_BITS`` of the id's CRC, xor the household's mask.
BUCKET_BITS = 16
#: A cell rank's low bits: the mix, which orders ids whose CRCs share their top bits.
LOW_BITS = RANK_BITS - BUCKET_BITS
_LOW_MASK = (1 << LOW_BITS) - 1
_CELL_MEMO: dict[int, dict[str, int]] = {}


@functools.lru_cache(maxsize=256)
def cell_mask(seed: int) -> int:
    """The household's mask over the CRCs' top bits (``BUCKET_BITS`` of a mix of the seed);
    remembered, as each of the cells a turn reads asks for it."""
    h = (seed * 0x9E3779B1) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return (h ^ (h >> 16)) >> (32 - BUCKET_BITS)


def cell_ranked(
    seed: int, ids: Sequence[str], hashes: Sequence[int] | None = None
) -> list[tuple[int, str]]:
    """``(cell_rank(seed, i), i)`` for every id; ``hashes``, when given, are their CRCs.

    The household's order over a cell of questions or gratitude prompts (what its stored
    heard sets are thresholds in, ``records.seen``, since record schema 3): ids by the top
    ``BUCKET_BITS`` of their CRC xor the household's ``cell_mask``, then by ``rank``'s mix.

    Why not ``rank`` itself: a threshold in a seeded mix names ids that only a pass over the
    whole cell finds, so a household's first turn in a process sorted every cell it had
    heard from (25.8 ms at a hundred times today's content, against 0.54 ms). Under a mask
    the ranks up to a threshold are a few stretches of the cell sorted by CRC, which is the
    same for every household (``records.cell_order``). Each household still walks every
    cell in an order of its own, and each id is as likely as any to come first; what the
    mask gives up is independence between households, which no couple can hear."""
    mask = cell_mask(seed)
    crcs = list(map(_id_hash, ids)) if hashes is None else hashes
    shift = 32 - BUCKET_BITS
    return [
        ((((crc >> shift) ^ mask) << LOW_BITS) | (mixed & _LOW_MASK), item_id)
        for crc, (mixed, item_id) in zip(crcs, ranked(seed, ids, crcs), strict=True)
    ]


def cell_rank(seed: int, item_id: str) -> int:
    """Where ``item_id`` falls in the household's order over its cell (``cell_ranked``)."""
    memo = _memo(seed, _CELL_MEMO)
    found = memo.get(item_id)
    if found is None:
        found = memo[item_id] = cell_ranked(seed, (item_id,))[0][0]
    return found


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
    """A random fresh item's cell, then that cell's first fresh item in the household's order
    (``cell_rank``, then id)."""
    picked = cell(rng.choice(fresh))
    best: T | None = None
    best_rank, best_id = RANK_MASK + 1, ""
    for item in fresh:  # one pass: decks can be tens of thousands long
        if cell(item) != picked:
            continue
        item_id = ident(item)
        found = cell_rank(seed, item_id)
        if found < best_rank or (found == best_rank and item_id < best_id):
            best, best_rank, best_id = item, found, item_id
    if best is None:
        raise RuntimeError("best is unexpectedly missing")
    return best


class Pool(msgspec.Struct, Generic[T], frozen=True):
    """A filtered deck built once per content and filter (``records.index.ContentIndex.pool``):
    its items in deck order and each id's position, so a draw never rescans the deck."""

    items: tuple[T, ...]
    position: dict[str, int]

    @classmethod
    def of(cls, items: Iterable[T], ident: Callable[[T], str]) -> Pool[T]:
        kept = tuple(items)
        return cls(kept, {ident(item): i for i, item in enumerate(kept)})


class FreshView(Sequence[T]):
    """The pool's items not in ``heard``, in pool order, without listing them: as long as
    the list ``[i for i in pool.items if ident(i) not in heard]`` and indexed the same, so
    ``rng.choice`` draws the very item it would draw from that list."""

    def __init__(
        self, pool: Pool[T], heard: Iterable[str], positions: Iterable[int | None] = ()
    ) -> None:
        """``positions``, when given, are ``heard``'s positions in the pool already looked up
        (``heard_positions``); ``heard`` is then not read."""
        self.pool = pool
        # The heard ids' positions in the pool (ids not in it left out), in C-level maps: a
        # heard list runs to the deck's length late in a cycle.
        found = set(positions) if positions else set(map(pool.position.get, heard))
        found.discard(None)
        self.heard_at: list[int] = sorted(cast(set[int], found))

    @classmethod
    def past(cls, pool: Pool[T], heard_at: list[int]) -> FreshView[T]:
        """The view past heard positions already sorted (``fresh_past``): no pass over them."""
        view = cls.__new__(cls)
        view.pool, view.heard_at = pool, heard_at
        return view

    def __len__(self) -> int:
        return len(self.pool.items) - len(self.heard_at)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        # The fresh item at ``index`` is at ``index`` plus the number of heard positions
        # ``p`` (the ``k``-th) with ``p - k <= index``: a bisection over them, with no list
        # of those differences built for it (a view lasts one draw).
        at = self.heard_at
        skipped = bisect.bisect_right(range(len(at)), index, key=lambda k: at[k] - k)
        return self.pool.items[index + skipped]


def heard_positions(
    pool: Pool[Any], heard: Sequence[str], keep: Callable[[str], bool]
) -> tuple[list[int | None], list[str]]:
    """Each heard id's position in ``pool`` (None outside it), and the heard ids to keep: those
    in the pool and those outside it that ``keep`` accepts, in order.

    One pass of look-ups in the pool's positions serves both the fresh view and the filter:
    those dictionaries are the deck's size, and at a hundred times today's deck each look-up
    is a cache miss, so a second pass was most of what a draw's cost grew by."""
    positions = list(map(pool.position.get, heard))
    if None not in positions:
        return positions, list(heard)
    kept = [i for i, at in zip(heard, positions, strict=True) if at is not None or keep(i)]
    return positions, kept


class _Past(msgspec.Struct, frozen=True):
    """What ``fresh_past`` remembers on a ``Heard`` for one pool: its sorted positions."""

    pool: Pool[Any]
    known: Container[str]
    heard_at: list[int]


def fresh_past(
    pool: Pool[T], heard: Sequence[str], known: Container[str]
) -> tuple[FreshView[T], Heard]:
    """The pool's items not heard (a ``FreshView``), and the heard ids to keep: those in the
    pool or in ``known``, in order (``heard_positions``).

    For a ``Heard`` that keeps every id, the view's sorted positions are remembered on it
    and grown with each id it gets (``Heard.plus``): the next turn reads the list it saved
    (``records.seen.decode``) and draws without passing over it again."""
    listed = Heard.of(heard)
    key = ("fresh", id(pool), id(known))
    found = listed.remembered(key)
    if isinstance(found, _Past) and found.pool is pool and found.known is known:
        return FreshView.past(pool, found.heard_at), listed
    positions, kept = heard_positions(pool, listed, known.__contains__)
    view = FreshView(pool, kept, positions)
    if len(kept) < len(listed):
        return view, Heard(kept)
    listed.keep(key, _Past(pool, known, view.heard_at), _grown_past)
    return view, listed


def _grown_past(past: _Past, item: str, longer: Heard) -> _Past | None:
    at = past.pool.position.get(item)
    if at is None:
        # Outside the pool: kept when known (and the positions stay), else worked out afresh.
        return past if item in past.known else None
    heard_at = list(past.heard_at)
    where = bisect.bisect_left(heard_at, at)
    if where < len(heard_at) and heard_at[where] == at:
        return past
    heard_at.insert(where, at)
    return _Past(past.pool, past.known, heard_at)


def first_fresh(
    fresh: FreshView[T],
    heard: Iterable[str] | set[str],
    rng: Random,
    cell: Callable[[T], Hashable],
    cell_order: Callable[[Hashable], Iterable[str]],
) -> T:
    """``next_fresh`` over a ``FreshView``, at a cost that doesn't grow with the deck.

    ``cell_order(c)`` lists the ids of cell ``c`` in the household's order (rank, then id;
    ``records.seen.Cells.ordered``), from any point before its first id not heard: what
    was heard is mostly that order's prefix, so the walk is at most as long as the cell's
    heard stretch (none when the order starts past it: ``records.seen.Cells.unheard``),
    and its first item in the pool and not heard is the one ``next_fresh`` would pick from
    the listed fresh items.
    """
    picked = cell(rng.choice(fresh))
    position = fresh.pool.position
    # The walk in C-level iterators (a membership test each, no Python frame per id): the
    # heard stretch it passes runs to a cell's length late in a cycle.
    if isinstance(heard, Heard):
        unheard = heard.unheard(cell_order(picked))
    else:
        seen = heard if isinstance(heard, set | frozenset) else set(heard)
        unheard = itertools.filterfalse(seen.__contains__, cell_order(picked))
    for item_id in filter(position.__contains__, unheard):
        return fresh.pool.items[position[item_id]]
    raise AssertionError("the picked cell has a fresh item: the one rng.choice drew")


#: Household orders of item tuples: (id of the tuple, seed) -> (the tuple, order, keys, ids).
_ORDERS: dict[
    tuple[int, int], tuple[Sequence[Any], tuple[Any, ...], list[tuple[int, str]], frozenset[str]]
] = {}
_ORDERS_KEPT = 64


def household_order(
    items: Sequence[T], seed: int, ident: Callable[[T], str]
) -> tuple[tuple[T, ...], list[tuple[int, str]], frozenset[str]]:
    """``items`` in the household's order, their sort keys, and their ids: sorted once per
    household and content tuple (a game's bank), not on every draw. ``items`` must be a
    tuple the content keeps (it is remembered by identity, and kept alive with its order)."""
    key = (id(items), seed)
    found = _ORDERS.get(key)
    if found is None or found[0] is not items:
        keyed = sorted(((sort_key(seed, ident(item)), item) for item in items), key=_first)
        found = (
            items,
            tuple(item for _, item in keyed),
            [k for k, _ in keyed],
            frozenset(ident(item) for item in items),
        )
        with _LOCK:
            if len(_ORDERS) >= _ORDERS_KEPT:
                _ORDERS.clear()
            _ORDERS[key] = found
    return found[1], found[2], found[3]


def _first(pair: tuple[tuple[int, str], Any]) -> tuple[int, str]:
    return pair[0]


def next_after_in(
    order: Sequence[T],
    keys: Sequence[tuple[int, str]],
    skip: set[str] | frozenset[str],
    seed: int,
    last: str,
    ident: Callable[[T], str],
) -> T:
    """``next_after`` over the items of ``order`` (a ``household_order``) not in ``skip``,
    walking from ``last``'s place instead of sorting: what was skipped (heard lately, used
    in this game) lies just behind the cursor, so the walk is short at any deck size."""
    start = bisect.bisect_right(keys, sort_key(seed, last)) if last else 0
    size = len(order)
    for step in range(size):
        item = order[(start + step) % size]
        if ident(item) not in skip:
            return item
    raise ValueError("every item is skipped")


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
