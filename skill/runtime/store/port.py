"""The store port: what the skill needs from persistence, and nothing more.

The skill reads a household once per turn and writes it back at most once, conditionally on
the version it read. Adapters deal in plain JSON-compatible dicts so that they never depend on
the shape of the state: the state module owns (de)serialisation and schema versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

JsonDict = dict[str, Any]

#: The version a household has before its first save. ``save(..., expected_version=NEW)``
#: succeeds only if nothing is stored for that household yet.
NEW = 0


class StoreError(Exception):
    """Base class of every error a store adapter raises; adapters never leak driver errors."""


class StoreConflict(StoreError):
    """The stored version is not the one the caller expected: someone else saved first.

    The caller re-reads and re-applies its change; it never overwrites.
    """


class StoreUnavailable(StoreError):
    """The backend could not answer in time (down, throttled, timed out, corrupt item).

    The skill still answers, without history, and says progress can't be saved.
    """


@dataclass(frozen=True)
class Loaded:
    """A household's stored data with the version it was read at (``NEW`` when absent)."""

    data: JsonDict | None
    version: int


class Store(Protocol):
    """Persistence for households, keyed by an opaque household key (already hashed)."""

    def load(self, key: str) -> Loaded:
        """Read the household; ``Loaded(None, NEW)`` when nothing is stored."""
        ...

    def save(self, key: str, data: JsonDict, expected_version: int, ttl: int | None = None) -> int:
        """Write ``data`` only if the stored version is ``expected_version``; return the new one.

        ``ttl`` is an absolute expiry in epoch seconds for households that hold only transient
        data, or ``None`` to keep the item until it is deleted.
        Raises ``StoreConflict`` on a version mismatch, ``StoreUnavailable`` on backend failure.
        """
        ...

    def delete(self, key: str) -> None:
        """Erase everything stored for the household. Deleting a missing household is fine."""
        ...

    def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...
