"""A heard list that is never changed in place, shares its ids with the lists grown from it,
and remembers what was worked out from it.

Why: a household's heard questions (and gratitude prompts) run to the deck's length late in
a cycle, and every turn that draws reads the list three ways (as a set, as positions in the
pool it draws from, as its stored form) and saves it one id longer. Built afresh from a
plain list each time, each of those was a pass over the whole list on every turn: 65 µs of
tonight's question at the end of a cycle, where the bare skill takes about 210 µs.

A ``Heard`` read from a record is shared by every turn that reads the same record, so it
must never change: it has no mutating methods. What a reader works out from it (``keep``)
is remembered on it, with how to grow that by one id; ``plus`` makes the list one id longer
and grows everything remembered, so the next turn starts from it instead of the whole list.

The lists grown from one another share one buffer of ids (a ``_Line``), each list a prefix of
it: ``plus`` on the longest list of a line appends to the buffer, and the others, which end
earlier, never see the id. Copying a thousand ids, and their set, into each longer list (and
freeing the old ones a few turns later) was most of what growing one cost (in situ, 49 µs of
tonight's question at 600 to 1,000 heard). Membership is a map from each id to where it first
appears in the line: an id is in a list when it first appears before the list's end. Growing
any other list of the line (two turns drawing from the same record) starts a line of its own.

Its order means nothing: what was heard is a set (every reader treats it as one), kept in a
list's order so that records and tests read it as they always have.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, SupportsIndex, TypeVar, overload

V = TypeVar("V")

#: How a remembered value grows when the list is one id longer: (value, id, the longer list)
#: -> the longer list's value, or None when it can't be grown (it is then worked out afresh).
Grow = Callable[[Any, str, "Heard"], Any]


class _Line:
    """The ids of a line of lists, each list a prefix: appended to, never changed."""

    __slots__ = ("firsts", "ids", "lock")

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        #: Each id's first position in ``ids``, worked out when first asked for.
        self.firsts: dict[str, int] | None = None
        self.lock = threading.Lock()

    def first_positions(self) -> dict[str, int]:
        found = self.firsts
        if found is None:
            with self.lock:
                found = self.firsts
                if found is None:
                    found = {}
                    for at, item in enumerate(self.ids):
                        found.setdefault(item, at)
                    self.firsts = found
        return found


class Heard(Sequence[str]):
    """Ids heard, in a list that can't be changed and remembers what was worked out."""

    __slots__ = ("_end", "_kept", "_line", "_set")

    def __init__(self, items: Iterable[str] = ()) -> None:
        ids = list(items)
        self._line = _Line(ids)
        self._end = len(ids)
        self._kept: dict[Hashable, tuple[Any, Grow]] = {}
        self._set: frozenset[str] | None = None

    @classmethod
    def of(cls, items: Iterable[str]) -> Heard:
        """``items`` itself when already a ``Heard``, else a ``Heard`` of them."""
        return items if isinstance(items, Heard) else cls(items)

    @classmethod
    def _ending(cls, line: _Line, end: int) -> Heard:
        heard = cls.__new__(cls)
        heard._line, heard._end, heard._kept, heard._set = line, end, {}, None
        return heard

    # --- what was worked out from it --------------------------------------------------------

    def remembered(self, key: Hashable) -> Any:
        """What ``keep`` remembered under ``key``, or None."""
        found = self._kept.get(key)
        return None if found is None else found[0]

    def keep(self, key: Hashable, value: V, grow: Grow) -> V:
        """Remember ``value`` under ``key``, and ``grow`` to carry it into ``plus``."""
        self._kept[key] = (value, grow)
        return value

    def plus(self, item: str) -> Heard:
        """This list one id longer, with everything remembered grown by that id, in the
        order it was remembered (a grower may read what was grown before it)."""
        line, end = self._line, self._end
        with line.lock:
            shared = len(line.ids) == end
            if shared:
                line.ids.append(item)
                if line.firsts is not None:
                    line.firsts.setdefault(item, end)
        if shared:
            longer = Heard._ending(line, end + 1)
        else:  # a list grown already: the longer one starts a line of its own
            longer = Heard(itertools.chain(itertools.islice(line.ids, end), (item,)))
        for key, (value, grow) in self._kept.items():
            grown = grow(value, item, longer)
            if grown is not None:
                longer._kept[key] = (grown, grow)
        return longer

    # --- as a set ----------------------------------------------------------------------------

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        end = self._end
        return self._line.first_positions().get(item, end) < end

    def unheard(self, items: Iterable[str]) -> Iterator[str]:
        """``items`` not in this list, lazily, in C-level iterators (a draw's walk of a
        cell's order passes the cell's heard stretch: no Python step per id)."""
        end = self._end
        looked, kept = itertools.tee(items)
        firsts = self._line.first_positions()
        positions = map(firsts.get, looked, itertools.repeat(end))
        return itertools.compress(kept, map(end.__le__, positions))

    def holds_all(self, items: Iterable[str]) -> bool:
        """Whether every one of ``items`` is in this list (C-level, as ``unheard``)."""
        end = self._end
        firsts = self._line.first_positions()
        return all(map(end.__gt__, map(firsts.get, items, itertools.repeat(end))))

    def repeats_last(self) -> bool:
        """Whether the last id was in the list before it (a repeat adds nothing to the set)."""
        end = self._end
        if not end:
            return False
        return self._line.first_positions()[self._line.ids[end - 1]] < end - 1

    def distinct(self) -> int:
        """How many different ids the list holds."""
        if self._end == len(self._line.ids):
            return len(self._line.first_positions())
        return len(self.as_set())

    def as_set(self) -> frozenset[str]:
        """The ids as a set (built on first use, and not carried into ``plus``: the draws
        and saves ask the list itself, ``in``, ``unheard`` and ``holds_all``)."""
        found = self._set
        if found is None:
            found = self._set = frozenset(itertools.islice(self._line.ids, self._end))
        return found

    # --- as a list ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._end

    def __iter__(self) -> Iterator[str]:
        return itertools.islice(self._line.ids, self._end)

    @overload
    def __getitem__(self, index: SupportsIndex) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: SupportsIndex | slice) -> str | list[str]:
        if isinstance(index, slice):
            return self.as_list()[index]
        at = index.__index__()
        if at < 0:
            at += self._end
        if not 0 <= at < self._end:
            raise IndexError("heard list index out of range")
        return self._line.ids[at]

    def as_list(self) -> list[str]:
        """A plain list of the ids (a copy: the line's buffer is shared)."""
        return self._line.ids[: self._end]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Heard):
            if other._line is self._line:
                return other._end == self._end
            return other._end == self._end and self.as_list() == other.as_list()
        if isinstance(other, list):
            return len(other) == self._end and self.as_list() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Iterable[str]) -> list[str]:
        return [*self, *other]

    def __radd__(self, other: Iterable[str]) -> list[str]:
        return [*other, *self]

    def __repr__(self) -> str:
        return f"Heard({self.as_list()!r})"

    def __reduce__(self) -> tuple[type[Heard], tuple[list[str]]]:
        """Pickled and copied as its ids."""
        return Heard, (self.as_list(),)

    def __copy__(self) -> Heard:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Heard:
        return self


def plain(value: Any) -> Any:
    """A ``Heard`` as a plain list, for writers that know only builtins (``msgspec``'s
    ``enc_hook``); anything else is refused as they would refuse it."""
    if isinstance(value, Heard):
        return value.as_list()
    raise NotImplementedError(f"objects of type {type(value).__name__} are not supported")
