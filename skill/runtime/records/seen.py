"""What a household has heard of one kind of content, stored as one threshold per cell.

Draws follow the household's own order within each cell (``skill.runtime.draws``), so what
was heard in a cell is the stretch of that order up to a threshold: the stored form keeps the
cell's code and the shortest base-64 number that separates the last heard item from the next
one (one or two characters for today's deck, three for a deck a hundred times larger). The
few items heard out of order (a record migrated from random draws, a question skipped to
avoid a repeat) are listed after a ``+`` as references; later draws fill the gaps in front of
them and they fold into the threshold again.

Thresholds are on ranks of stable ids, not positions: an item added to the content below a
threshold counts as heard this cycle (it comes with the next), an item removed changes
nothing for the others, and reordering the content files changes nothing at all.

Format: cells joined by ``,``; each is ``CODE THRESHOLD [+ REFS]`` where ``CODE`` is three
base-64 characters of the cell's name (or ``!name!`` when two cells share a code).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import msgspec

from skill.runtime.draws import RANK_BITS, RANK_MASK, cell_rank, ranked
from skill.runtime.heard import Heard
from skill.runtime.records.cell_order import CellKeys, CellOrder
from skill.runtime.records.memos import recall, remember
from skill.runtime.records.refs import ALPHABET, DIGIT, ESCAPE, RefIndex, digest

DIGITS = RANK_BITS // 6
CODE_CHARS = 3
Ordered = tuple[tuple[int, str], ...]


class Cells:
    """The items of one kind of content grouped by cell, with a code per cell."""

    def __init__(self, cell_of: Mapping[str, str], refs: RefIndex) -> None:
        self.cell_of = dict(cell_of)
        self.refs = refs
        members: dict[str, list[str]] = {}
        for item, cell in self.cell_of.items():
            members.setdefault(cell, []).append(item)
        self.members = {cell: tuple(items) for cell, items in members.items()}
        codes: dict[str, list[str]] = {}
        for cell in self.members:
            codes.setdefault(digest(f"cell:{cell}", CODE_CHARS), []).append(cell)
        self.code: dict[str, str] = {}
        for code, cells in codes.items():
            for cell in cells:
                shared = len(cells) > 1 or ESCAPE in cell or "," in cell or "+" in cell
                self.code[cell] = f"{ESCAPE}{cell}{ESCAPE}" if shared else code
        self.by_code = {code: cell for cell, code in self.code.items()}
        #: Each cell's ids sorted by CRC, the same for every household: built with the index
        #: (so the catalog snapshot carries them) rather than by a household's first turn.
        self.keys = {cell: CellKeys(items) for cell, items in self.members.items()}
        self._orders: dict[tuple[int, str], CellOrder] = {}
        #: ``decode``'s remembered lists (and ``encode``'s, read back) for these cells.
        self.decoded: dict[tuple[int, str], Heard] = {}
        #: ``_encode``'s parts of cells heard in order, by seed, cell and count.
        self.parts: dict[tuple[int, str, int], str] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the catalog snapshot carries the content index) without the per-seed
        caches, which belong to this process's households and are rebuilt empty."""
        state = dict(self.__dict__)
        state["_orders"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """The caches start empty, also for a snapshot pickled before they existed (whose
        per-process CRCs are dropped, and whose cells' keys are built here)."""
        self.__dict__.update(state)
        self.__dict__.pop("_hashes", None)
        self._orders = {}
        if "keys" not in state:
            self.keys = {cell: CellKeys(items) for cell, items in self.members.items()}

    def order(self, seed: int, cell: str) -> CellOrder:
        """The cell in the household's order (``records.cell_order``), grown as it is read.

        Remembered for the last ``ORDERS_KEPT`` cells asked for (one household's turns come
        together)."""
        key = (seed, cell)
        found = self._orders.get(key)
        if found is None:
            keys = self.keys.get(cell) or _NO_KEYS
            found = remember(self._orders, key, CellOrder(keys, seed), ORDERS_KEPT)
        return found

    def unheard(self, seed: int, cell: str, heard: Iterable[str]) -> Iterator[str]:
        """The cell in the household's order, past the ids ``heard`` is known to begin it
        with: its encoding (``encode``, remembered on a ``Heard``) holds which cells were
        heard in that order and how far. Late in a cycle a draw's walk otherwise tested
        every heard id of the cell again (half a gratitude cell's 130)."""
        order = self.order(seed, cell)
        found = heard.remembered(("seen", id(self), seed)) if isinstance(heard, Heard) else None
        if isinstance(found, Encoded) and found.cells is self and cell in found.first:
            return order.iter_from(found.counts.get(cell, 0))
        return iter(order)

    def ordered(self, seed: int, cell: str) -> Ordered:
        """The whole cell as (rank, id) in the household's order."""
        whole = self.order(seed, cell).whole()
        return tuple(zip(whole.ranks, whole.ids, strict=True))

    def legacy_columns(self, seed: int, cell: str) -> tuple[list[int], tuple[str, ...]]:
        """The cell as (ranks, ids) in the order of record schema 2 (``draws.rank``), which
        only reading such a record needs: the whole cell sorted, not remembered."""
        keyed = sorted(ranked(seed, self.members.get(cell, ())))
        return [r for r, _ in keyed], tuple(i for _, i in keyed)


#: The keys of a cell the content doesn't have.
_NO_KEYS = CellKeys(())
#: Encoded and decoded seen-sets each ``Cells`` remembers (the oldest forgotten first).
MEMO_ENTRIES = 64
#: Cell orders each ``Cells`` remembers (the oldest forgotten first): eight households'
#: worth of today's question cells.
ORDERS_KEPT = 512


def encode(heard: Iterable[str], cells: Cells, seed: int) -> str:
    """The stored form of the set ``heard`` (ids unknown to the content are left out).

    Remembered on the heard list (``skill.runtime.heard.Heard``) per cells and seed, and
    grown with it: most turns (help, repeat, a game's turn, an exercise's step) save the
    list their record was read into, and a draw's save, the list one id longer, changes
    only that id's cell. Encoding a list of a few hundred ids walked all of them on every
    write. A list that decodes back to itself is also remembered as ``decode``'s answer for
    its stored form, so the next turn reads the very list, with all it remembers."""
    listed = Heard.of(heard)
    key = ("seen", id(cells), seed)
    found = listed.remembered(key)
    if isinstance(found, Encoded) and found.cells is cells:
        state = found
    else:
        state = listed.keep(key, _encode(listed, cells, seed), _grown)
    if state.exact:
        _remember_decoded(cells, (seed, state.text), listed)
    return state.text


#: Cell parts each ``Cells`` remembers (the oldest forgotten first).
PART_ENTRIES = 4096


class Encoded(msgspec.Struct, frozen=True):
    """A seen-set's encoding with what it was made of, so one more id re-encodes one cell.
    ``exact``: the list decodes back to its very ids (each in a cell, none twice)."""

    cells: Any
    seed: int
    text: str
    counts: dict[str, int]
    parts: dict[str, str]
    exact: bool
    #: The cells with a part, in the stored order (by code): sorted again only when one
    #: joins, not on every draw's save.
    order: tuple[str, ...] = ()
    #: The cells whose heard ids are their first ones in the household's order: a draw
    #: that adds the next one keeps its cell so without checking the stretch again.
    first: frozenset[str] = frozenset()


def _grown(before: Encoded, item: str, longer: Heard) -> Encoded:
    """The encoding of ``longer`` from that of all but its last id, ``item``."""
    cells, seed = before.cells, before.seed
    cell = cells.cell_of.get(item)
    if cell is None or longer.repeats_last():
        # The same set: unknown ids are left out, and a repeat counts once.
        return msgspec.structs.replace(before, exact=False)
    chosen = longer
    counts = dict(before.counts)
    count = counts[cell] = counts.get(cell, 0) + 1
    parts = dict(before.parts)
    order = before.order
    if cell not in parts:
        order = tuple(sorted((*order, cell), key=cells.code.__getitem__))
    first = before.first
    if cell in first and cells.order(seed, cell).upto_count(count).ids[count - 1] == item:
        # The cell's next id in the household's order (every draw's): still heard first.
        parts[cell] = _first_part(cells, seed, cell, chosen, count)
    else:
        parts[cell], heard_first = _cell_part(cells, seed, cell, chosen, count)
        first = first | {cell} if heard_first else first - {cell}
    text = ",".join(map(parts.__getitem__, order))
    return Encoded(cells, seed, text, counts, parts, before.exact, order, first)


def _encode(heard: Heard, cells: Cells, seed: int) -> Encoded:
    cell_of = cells.cell_of
    chosen = heard.as_set()
    counted: Counter[str | None] = Counter(map(cell_of.get, chosen))
    # Ids unknown to the content have no cell and are left out.
    counts = {cell: n for cell, n in counted.items() if cell is not None}
    made = {cell: _cell_part(cells, seed, cell, chosen, n) for cell, n in counts.items()}
    parts = {cell: part for cell, (part, _) in made.items()}
    first = frozenset(cell for cell, (_, heard_first) in made.items() if heard_first)
    order = tuple(sorted(parts, key=cells.code.__getitem__))
    text = ",".join(map(parts.__getitem__, order))
    exact = sum(counts.values()) == len(heard)
    return Encoded(cells, seed, text, counts, parts, exact, order, first)


#: What a part is worked out from: the heard list itself (a draw's save), or its set.
Members = AbstractSet[str] | Heard


def _holds_all(chosen: Members, ids: Iterable[str]) -> bool:
    if isinstance(chosen, Heard):
        return chosen.holds_all(ids)
    return all(map(chosen.__contains__, ids))


def _remember_decoded(cells: Cells, key: tuple[int, str], heard: Heard) -> None:
    if cells.decoded.get(key) is not heard:
        remember(cells.decoded, key, heard, MEMO_ENTRIES)


def _cell_part(cells: Cells, seed: int, cell: str, chosen: Members, count: int) -> tuple[str, bool]:
    """One cell's part, and whether the cell was heard in the household's order (its first
    ``count`` ids): then the part is remembered."""
    if _holds_all(chosen, cells.order(seed, cell).upto_count(count).ids[:count]):
        return _first_part(cells, seed, cell, chosen, count), True
    return _part(cells, seed, cell, chosen, count), False


def _first_part(cells: Cells, seed: int, cell: str, chosen: Members, count: int) -> str:
    """The part of a cell heard in the household's order (the usual case): it depends on
    the seed, the cell and the count alone, so it is worked out once."""
    key = (seed, cell, count)
    memo = cells.parts
    part = memo.get(key)
    if part is None:
        part = _part(cells, seed, cell, chosen, count, heard_first=True)
        remember(memo, key, part, PART_ENTRIES)
    return part


def _part(
    cells: Cells,
    seed: int,
    cell: str,
    chosen: Members,
    count: int,
    *,
    heard_first: bool = False,
) -> str:
    """One cell's stored part for the ``count`` items of ``chosen`` in it. ``heard_first``:
    those items are known to be the cell's first ``count`` in the household's order, so
    the heard stretch is not walked again to find where it ends (a draw's save re-encodes
    its cell, and a gratitude prompt's runs to half the deck late in a cycle)."""
    cell_of = cells.cell_of
    # The prefix can't pass the ``count`` ids chosen: one more settles where it ends.
    order = cells.order(seed, cell).upto_count(count + 1)
    ranks, ids = order.ranks, order.ids
    size = len(ids)  # the whole cell's when fewer than ``count + 1``
    if heard_first:
        prefix = min(count, size)
    else:
        prefix = 0
        while prefix < size and ids[prefix] in chosen:
            prefix += 1
    # Items sharing a rank can't be split by a threshold: keep a tied pair out of it.
    while 0 < prefix < size and ranks[prefix - 1] == ranks[prefix]:
        prefix -= 1
    threshold = ""
    if prefix:
        upper = ranks[prefix] - 1 if prefix < size else RANK_MASK
        threshold = _shortest(ranks[prefix - 1], upper)
    extras: list[str] = []
    if count > prefix:
        inside = set(ids[:prefix])
        distinct = chosen.as_set() if isinstance(chosen, Heard) else chosen
        outside = [i for i in distinct if cell_of.get(i) == cell and i not in inside]
        extras = sorted(outside, key=lambda item: (cell_rank(seed, item), item))
    part = cells.code[cell] + threshold
    if extras:
        part += "+" + cells.refs.pack(extras)
    return part


def decode(text: str, cells: Cells, seed: int, *, legacy: bool = False) -> Heard:
    """The ids a stored seen-set names (remembered per cells, seed and text, as ``encode``
    remembers the lists it stored; the list is shared, and never changed in place).

    ``legacy``: the text was stored by record schema 2, whose thresholds are in the order of
    ``draws.rank``. Read once per household, on its first turn after the upgrade (its next
    save writes schema 3), and not remembered: the same text means other ids in schema 3."""
    if legacy:
        return Heard(_decode(text, cells, seed, legacy=True))
    key = (seed, text)
    found = recall(cells.decoded, key)
    if found is None:
        parts: dict[str, str] = {}
        counts: dict[str, int] = {}
        found = Heard(_decode(text, cells, seed, parts=parts, counts=counts))
        _keep_stored(found, text, cells, seed, parts, counts)
        _remember_decoded(cells, key, found)
    return found


def _keep_stored(
    heard: Heard, text: str, cells: Cells, seed: int, parts: dict[str, str], counts: dict[str, int]
) -> None:
    """Remember ``text`` as ``heard``'s encoding when it names this very list as ``encode``
    would (for the content it was written with, it is the text ``encode`` writes): the
    save of an unchanged list then writes it as read, and a draw's re-encodes the drawn
    id's cell alone (``_grown``). Before this, a household's first turn in a process worked
    out every cell's part again (each cell's order one id past its threshold): with the
    gc frozen, 0.70 -> 0.51 ms at 1x and 0.83 -> 0.60 ms at 100x for a launch.

    Only a text with a bare threshold per cell, in code order, each cell once and every id
    in a cell once: one with listed ids (``+``, which may name ids the content no longer
    has) or with a cell the content doesn't have is encoded afresh, as before."""
    order = tuple(parts)
    exact = heard.distinct() == len(heard) == sum(counts.values())
    if not exact or "+" in text or ",".join(parts.values()) != text:
        return
    codes = [cells.code[cell] for cell in order]
    if codes != sorted(codes):
        return
    # A bare threshold names the first ids of its cell in the household's order.
    state = Encoded(cells, seed, text, counts, parts, exact, order, frozenset(order))
    heard.keep(("seen", id(cells), seed), state, _grown)


def _decode(
    text: str,
    cells: Cells,
    seed: int,
    *,
    legacy: bool = False,
    parts: dict[str, str] | None = None,
    counts: dict[str, int] | None = None,
) -> list[str]:
    """The ids ``text`` names; ``parts`` and ``counts``, when given, get each known cell's
    part and the number of its ids, for ``_keep_stored``."""
    heard: list[str] = []
    if not text:
        return heard
    before = 0
    for part in text.split(","):
        end = part.index(ESCAPE, 1) + 1 if part.startswith(ESCAPE) else CODE_CHARS
        cell = cells.by_code.get(part[:end])
        body, _, extras = part[end:].partition("+")
        if cell is None:
            continue  # a cell the content no longer has: nothing of it can be drawn
        if body:
            value = _value(body)
            if legacy:
                ranks, ids = cells.legacy_columns(seed, cell)
                heard.extend(ids[: bisect.bisect_right(ranks, value)])
            else:
                order = cells.order(seed, cell).upto_rank(value)
                heard.extend(order.ids[: bisect.bisect_right(order.ranks, value)])
        if extras:
            heard.extend(i for i in cells.refs.unpack(extras) if cells.cell_of.get(i) == cell)
        if parts is not None and counts is not None:
            counts[cell] = len(heard) - before
            before = len(heard)
            parts.setdefault(cell, part)
            if parts[cell] is not part:
                parts[cell] = ""  # a cell twice: never the text ``encode`` writes
    return heard


def _shortest(lower: int, upper: int) -> str:
    """The shortest digit string whose value lies in [lower, upper]."""
    for length in range(1, DIGITS + 1):
        unit = 64 ** (DIGITS - length)
        digit = (upper + 1) // unit - 1
        if digit >= 0 and (digit + 1) * unit - 1 >= lower:
            return "".join(ALPHABET[(digit >> (6 * i)) & 63] for i in reversed(range(length)))
    raise AssertionError("a five-digit threshold always fits")


def _value(digits: str) -> int:
    """What a threshold stands for: every rank up to the largest number with these digits."""
    if len(digits) > DIGITS:
        raise ValueError(f"a threshold of {len(digits)} digits")
    number = 0
    for char in digits:
        if char not in DIGIT:
            raise ValueError(f"a threshold digit {char!r}")
        number = number * 64 + DIGIT[char]
    unit: int = 64 ** (DIGITS - len(digits))
    return (number + 1) * unit - 1
