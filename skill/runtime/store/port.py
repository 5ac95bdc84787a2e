"""The store port: what the skill needs from persistence, and nothing more.

The skill reads a household once per turn and writes it back at most once, conditionally on
the version it read. Adapters deal in plain JSON-compatible dicts so that they never depend on
the shape of the state: the state module owns (de)serialisation and schema versions.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import msgspec

JsonDict = dict[str, Any]

#: Largest record any adapter writes, in bytes (DynamoDB's item size). DynamoDB allows 400 KB;
#: a household is well under one KB, so a record this big means a bug (something unbounded).
#: The turn runner compacts a household over it rather than refusing to save it.
MAX_RECORD_BYTES = 64 * 1024

#: The version a household has before its first save. ``save(..., expected_version=NEW)``
#: succeeds only if nothing is stored for that household yet.
NEW = 0


class StoreError(Exception):
    """Base class of every error a store adapter raises; adapters never leak driver errors."""


class StoreConflict(StoreError):
    """The stored version is not the one the caller expected: someone else saved first.

    The caller re-reads and re-applies its change; it never overwrites. ``maybe_landed`` is
    set when the backend retried the write on its own (a first attempt that timed out may
    have been applied, and the retry met it): the caller must then check its write token.
    """

    def __init__(self, message: str, *, maybe_landed: bool = False) -> None:
        super().__init__(message)
        self.maybe_landed = maybe_landed


class StoreUnavailable(StoreError):
    """The backend could not answer in time (down, throttled, timed out, corrupt item).

    The skill still answers, without history, and says progress can't be saved.
    """


class Loaded(msgspec.Struct, frozen=True):
    """A household's stored data with the version it was read at (``NEW`` when absent).

    A record that is there but can't be parsed (not JSON, not an object, no version) loads
    with ``data`` None, ``unreadable`` saying why and ``raw`` holding what was stored, so the
    caller can ``set_aside`` it instead of being locked out by it forever.
    """

    data: JsonDict | None
    version: int
    unreadable: str = ""
    raw: str = ""


class Store(Protocol):
    """Persistence for households, keyed by an opaque household key (already hashed)."""

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        """Read the household; ``Loaded(None, NEW)`` when nothing is stored.

        ``deadline`` (on ``time.monotonic``) is when the turn stops waiting: past it the call
        raises ``StoreUnavailable`` (a write may still land later; callers tell by the write
        tokens in the record).
        """
        ...

    def save(
        self,
        key: str,
        data: JsonDict,
        expected_version: int,
        ttl: int | None = None,
        *,
        deadline: float | None = None,
    ) -> int:
        """Write ``data`` only if the stored version is ``expected_version``; return the new one.

        ``ttl`` is an absolute expiry in epoch seconds for households that hold only transient
        data, or ``None`` to keep the item until it is deleted.
        Raises ``StoreConflict`` on a version mismatch, ``StoreUnavailable`` on backend failure.
        """
        ...

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        """Erase everything stored for the household. Deleting a missing household is fine."""
        ...

    def set_aside(
        self, key: str, loaded: Loaded, reason: str, *, deadline: float | None = None
    ) -> None:
        """Move an unreadable record out of the way: copy what was stored, with ``reason``, under
        a quarantine key for an operator, then remove the household's record if it is still the
        one ``loaded`` read (so the household starts again at ``NEW``). Raises
        ``StoreConflict`` when someone replaced the record meanwhile."""
        ...

    def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...


#: The last record the turn runner encoded for a save, with its JSON text (see ``known_text``).
_KNOWN: tuple[JsonDict, str] | None = None


_ENCODE = msgspec.json.Encoder().encode
_DECODE = msgspec.json.Decoder().decode


def record_text(record: JsonDict) -> str:
    """A record's JSON text as adapters write it: what ``json.dumps(record,
    ensure_ascii=False, separators=(",", ":"), allow_nan=False)`` writes, ValueError for a
    NaN or an infinity included.

    Why not ``json.dumps`` itself: it took 8 to 25 us of every save, msgspec 3. msgspec's
    text is json's for every JSON value but two, both checked here by reading the text back:
    a non-finite float (msgspec writes null; json refuses, and so does this) and a float
    msgspec writes shorter (``1e16`` for ``1e+16``: the same number). Anything msgspec can't
    write (a key that isn't a string or an integer, a lone surrogate) is json's to decide."""
    try:
        text = _ENCODE(record).decode()
    except (TypeError, ValueError, OverflowError):
        return _json_text(record)
    read = _DECODE(text)
    if read != record and read != _as_json_reads(record):
        return _json_text(record)
    return text


_PACK = msgspec.msgpack.Encoder().encode
_UNPACK = msgspec.msgpack.Decoder().decode


def _as_json_reads(record: JsonDict) -> Any:
    """``record`` with its tuples as lists, as reading its JSON back gives them, and every
    other value as it is (a float exactly, a NaN a new NaN, unequal to any): so the codec's
    records, which hold tuples, compare equal to their text read back, and a record json
    would refuse or write otherwise still doesn't. msgpack's round trip is that, in C (1 us:
    the json fallback it spares is 20)."""
    try:
        return _UNPACK(_PACK(record))
    except (TypeError, ValueError, OverflowError):
        return None


def record_from_text(text: str | bytes) -> Any:
    """What ``json.loads(text)`` reads (ValueError for text that isn't JSON), read by
    msgspec when it can (3 us of a load, 1 with msgspec); JSON only Python's reader takes
    (``NaN``, a lone surrogate escape, a number beyond a float) is read by it."""
    try:
        return _DECODE(text)
    except msgspec.DecodeError:
        return json.loads(text)


def _json_text(record: JsonDict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def note_text(record: JsonDict, text: str) -> None:
    """Say that ``text`` is exactly ``record_text(record)``: the turn runner has sized the
    record's body already, so the adapter's save need not encode the same record a second
    time."""
    global _KNOWN
    _KNOWN = (record, text)


def known_text(record: JsonDict) -> str | None:
    """The text noted for this very record object (by identity), else None: encode it."""
    known = _KNOWN
    return known[1] if known is not None and known[0] is record else None
