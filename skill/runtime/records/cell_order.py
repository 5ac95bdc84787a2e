"""A cell of content in one household's order, worked out only as far as a turn reads it.

A cell rank (``skill.runtime.draws.cell_ranked``) is the top ``BUCKET_BITS`` of an id's CRC
xor the household's mask, then a mix. So the ids whose masked top bits are 0, then those at
1, then 2 and 3, 4 to 7, and so on, each lie in one stretch of the cell sorted by CRC: the
stretch of tops that agree with the mask above bit ``j`` and differ from it at bit ``j``.
That sort is the same for every household (``CellKeys``, built with the content's index and
carried by the catalog snapshot); a household's
order (``CellOrder``) sorts one stretch at a time, each stretch ranked after the ones before
it, and stops as soon as it reaches what it was asked for: the first ``n`` ids, or every id
up to a rank. A stored threshold past ``k`` of a cell's ``n`` ids is read by sorting about
``2k`` of them, at any size of cell.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator

from skill.runtime.draws import BUCKET_BITS, LOW_BITS, cell_mask, cell_ranked

#: Stretches of a cell: the one where the masked top bits are 0, then one per bit.
STRETCHES = BUCKET_BITS + 1
_TOP_SHIFT = 32 - BUCKET_BITS
#: An array type that holds a CRC (32 bits): "I" wherever an unsigned int has 32.
_CRC_TYPE = "I" if array("I").itemsize >= 4 else "L"


class CellKeys:
    """A cell's ids sorted by CRC, with the CRCs: what every household's order of the cell
    is cut from (a stretch of masked top bits is a stretch of these CRCs).

    The CRCs are one contiguous array, not a list of int objects: a household's first turn
    bisects them about forty times, and at a hundred times today's content a list's ints
    lie scattered over megabytes, a cache miss each probe (61 us of that turn)."""

    __slots__ = ("crcs", "ids")

    def __init__(self, items: Iterable[str]) -> None:
        listed = tuple(items)
        pairs = sorted(zip(map(zlib.crc32, map(str.encode, listed)), listed, strict=True))
        self.crcs = array(_CRC_TYPE, [crc for crc, _ in pairs])
        self.ids = tuple(item for _, item in pairs)

    def __getstate__(self) -> tuple[array[int], tuple[str, ...]]:
        return self.crcs, self.ids

    def __setstate__(self, state: tuple[array[int], tuple[str, ...]]) -> None:
        self.crcs, self.ids = state


class CellOrder:
    """One household's order over one cell, as (rank, id) columns grown a stretch at a time.

    ``ranks`` and ``ids`` always hold a prefix of the whole order (rank, then id), so slicing
    and bisecting them answers for the whole cell once ``upto_count`` or ``upto_rank`` has
    grown them far enough. The first ``k`` stretches together are the ids whose masked top
    bits are below ``2 ** (k - 1)``: one range of CRCs, so growing by any number of stretches
    is two bisections and one sort of what joins. Shared by the turns of a process: growth
    is under a lock, and the columns only ever get longer."""

    __slots__ = ("_end", "_lock", "_start", "grown", "ids", "keys", "mask", "ranks", "seed")

    def __init__(self, keys: CellKeys, seed: int) -> None:
        self.keys = keys
        self.seed = seed
        self.mask = cell_mask(seed)
        self.ranks: list[int] = []
        self.ids: list[str] = []
        #: Stretches in the columns, and the range of ``keys`` they came from.
        self.grown = 0
        self._start = self._end = 0
        self._lock = threading.Lock()

    @property
    def complete(self) -> bool:
        """Every id of the cell is in the columns."""
        return len(self.ids) == len(self.keys.ids)

    def _grow_to(self, stretches: int) -> None:
        """The columns grown to the first ``stretches`` stretches (at most all of them)."""
        with self._lock:
            stretches = min(stretches, STRETCHES)
            if stretches <= self.grown:
                return
            # Masked top bits below 2 ** bits: the tops that agree with the mask above them.
            bits = stretches - 1
            low = (self.mask >> bits) << bits
            crcs = self.keys.crcs
            if self.grown:  # the range grows around the one already in the columns
                start = bisect.bisect_left(crcs, low << _TOP_SHIFT, 0, self._start)
                end = bisect.bisect_left(crcs, (low + (1 << bits)) << _TOP_SHIFT, self._end)
                joining = [*range(start, self._start), *range(self._end, end)]
            else:
                start = bisect.bisect_left(crcs, low << _TOP_SHIFT)
                end = bisect.bisect_left(crcs, (low + (1 << bits)) << _TOP_SHIFT, start)
                joining = list(range(start, end))
            if joining:
                keys = self.keys
                ids = [keys.ids[i] for i in joining]
                keyed = sorted(cell_ranked(self.seed, ids, [crcs[i] for i in joining]))
                self.ranks.extend(rank for rank, _ in keyed)
                self.ids.extend(item for _, item in keyed)
            self._start, self._end, self.grown = start, end, stretches

    def upto_count(self, count: int) -> CellOrder:
        """Grown to at least ``count`` ids (or the whole cell, when it has fewer)."""
        size = len(self.keys.ids)
        if len(self.ids) >= count or self.complete:
            return self
        # A stretch-count that holds about ``count`` ids, then one more at a time.
        expected = (count << BUCKET_BITS) // size
        self._grow_to(max(self.grown + 1, expected.bit_length() + 1))
        while len(self.ids) < count and not self.complete:
            self._grow_to(self.grown + 1)
        return self

    def upto_rank(self, rank: int) -> CellOrder:
        """Grown to every id ranked ``rank`` or lower: the stretches whose least masked top
        (0, then 1, 2, 4 and so on) is at most ``rank``'s."""
        self._grow_to((rank >> LOW_BITS).bit_length() + 1)
        return self

    def whole(self) -> CellOrder:
        """Grown to the whole cell."""
        self._grow_to(STRETCHES)
        return self

    def __iter__(self) -> Iterator[str]:
        """The ids in order, grown as the walk reaches the end of what is there. The ids
        already in the columns are walked in C (a draw's walk passes a cell's heard stretch,
        most of a cell late in a cycle); only growing past them resumes Python."""
        there = len(self.ids)
        return itertools.chain(itertools.islice(self.ids, there), self._past(there))

    def iter_from(self, start: int) -> Iterator[str]:
        """``iter`` from position ``start`` on, with no step over the ids before it: a
        draw's walk starts past a cell's heard stretch when it knows how long it is
        (``seen.Cells.unheard``), instead of testing each heard id again."""
        there = len(self.ids)
        if start >= there:
            return self._past(start)
        return itertools.chain(map(self.ids.__getitem__, range(start, there)), self._past(there))

    def _past(self, done: int) -> Iterator[str]:
        """The ids from position ``done`` on, grown as the walk needs them."""
        while True:
            ids = self.ids
            if done < len(ids):
                end = len(ids)
                yield from itertools.islice(ids, done, end)
                done = end
            elif self.complete or self.grown >= STRETCHES:
                return
            else:
                self._grow_to(self.grown + 1)
