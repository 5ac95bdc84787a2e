"""A heard list that is never changed in place and remembers what was worked out from it.

Why: a household's heard questions (and gratitude prompts) run to the deck's length late in
a cycle, and every turn that draws reads the list three ways (as a set, as positions in the
pool it draws from, as its stored form) and saves it one id longer. Built afresh from a
plain list each time, each of those was a pass over the whole list on every turn: 65 µs of
tonight's question at the end of a cycle, where the bare skill takes about 210 µs.

A ``Heard`` read from a record is shared by every turn that reads the same record, so it
must never change: its mutating methods raise. What a reader works out from it (``keep``)
is remembered on it, with how to grow that by one id; ``plus`` makes the list one id longer
and grows everything remembered, so the next turn starts from it instead of the whole list.

Its order means nothing: what was heard is a set (every reader treats it as one), kept in a
list so that records and tests read it as they always have.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, NoReturn, SupportsIndex, TypeVar

V = TypeVar("V")

#: How a remembered value grows when the list is one id longer: (value, id, the longer list)
#: -> the longer list's value, or None when it can't be grown (it is then worked out afresh).
Grow = Callable[[Any, str, "Heard"], Any]


class Heard(list[str]):
    """Ids heard, in a list that refuses changes and remembers what was worked out."""

    __slots__ = ("_kept",)

    def __init__(self, items: Iterable[str] = ()) -> None:
        super().__init__(items)
        self._kept: dict[Hashable, tuple[Any, Grow]] = {}

    @classmethod
    def of(cls, items: Iterable[str]) -> Heard:
        """``items`` itself when already a ``Heard``, else a ``Heard`` of them."""
        return items if isinstance(items, Heard) else cls(items)

    def remembered(self, key: Hashable) -> Any:
        """What ``keep`` remembered under ``key``, or None."""
        found = self._kept.get(key)
        return None if found is None else found[0]

    def keep(self, key: Hashable, value: V, grow: Grow) -> V:
        """Remember ``value`` under ``key``, and ``grow`` to carry it into ``plus``."""
        self._kept[key] = (value, grow)
        return value

    def as_set(self) -> frozenset[str]:
        """The ids as a set, worked out once per list."""
        found = self.remembered(_SET)
        if found is None:
            found = self.keep(_SET, frozenset(self), _grown_set)
        return found  # type: ignore[no-any-return]

    def plus(self, item: str) -> Heard:
        """This list one id longer, with everything remembered grown by that id, in the
        order it was remembered (a grower may read what was grown before it)."""
        longer = Heard(self)  # one pass over the ids (a tuple of them first made two)
        list.append(longer, item)
        for key, (value, grow) in self._kept.items():
            grown = grow(value, item, longer)
            if grown is not None:
                longer._kept[key] = (grown, grow)
        return longer

    def __reduce__(self) -> tuple[type[Heard], tuple[list[str]]]:
        """Pickled and copied as its ids (list's own way adds them one by one, refused)."""
        return Heard, (list(self),)

    def __copy__(self) -> Heard:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Heard:
        return self

    # A shared list changed in place would change every household that read it.
    def append(self, item: str, /) -> NoReturn:
        raise _refused()

    def extend(self, items: Iterable[str], /) -> NoReturn:
        raise _refused()

    def insert(self, index: SupportsIndex, item: str, /) -> NoReturn:
        raise _refused()

    def remove(self, item: str, /) -> NoReturn:
        raise _refused()

    def pop(self, index: SupportsIndex = -1, /) -> NoReturn:
        raise _refused()

    def clear(self) -> NoReturn:
        raise _refused()

    def reverse(self) -> NoReturn:
        raise _refused()

    def sort(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise _refused()

    def __setitem__(self, index: Any, value: Any) -> NoReturn:
        raise _refused()

    def __delitem__(self, index: Any) -> NoReturn:
        raise _refused()

    def __iadd__(self, items: Iterable[str]) -> NoReturn:  # type: ignore[misc,override]
        raise _refused()

    def __imul__(self, times: SupportsIndex) -> NoReturn:
        raise _refused()


_SET = "set"


def _grown_set(value: frozenset[str], item: str, longer: Heard) -> frozenset[str]:
    return value | {item}


def _refused() -> TypeError:
    return TypeError("a heard list is shared and never changed: build a new one (plus)")
