"""Persistence of household state behind one small port, with an adapter per backend.

``port`` is the contract; ``sqlite`` and ``dynamodb`` the adapters; ``factory`` opens one
from a URL. May import the standard library and boto3 (DynamoDB only, imported lazily);
never a flow, a handler, a host or a tool.

Contention (many Echo devices on one household) is met above the adapters, in
``skill.runtime.turn``, with one mechanism for every backend: each turn is one read and one
conditional write, retried on a conflict with full-jitter exponential backoff, the oldest
turn first, for as long as the turn's deadline allows. Measured with 2, 8 and 16 devices on one
household: nothing unsaved, nothing lost. The alternatives were weighed and left out:
commuting update expressions (DynamoDB ``ADD``) would serve the visit counter but not the
rest of a turn (what was heard, the journal, a game's score), and SQLite has none; the record
is small (under one KB, ``skill.runtime.records``), so repeating a write costs little. Every
attempt carries the turn's write token (``records.tokens``), so a retried write that had in
fact landed is recognised and never applied twice.
"""

from skill.runtime.store.factory import open_store
from skill.runtime.store.port import (
    Loaded,
    Store,
    StoreConflict,
    StoreError,
    StoreUnavailable,
)

__all__ = ["Loaded", "Store", "StoreConflict", "StoreError", "StoreUnavailable", "open_store"]
