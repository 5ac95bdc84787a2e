"""Persistence of household state behind one small port, with an adapter per backend."""

from skill.runtime.store.factory import open_store
from skill.runtime.store.port import (
    Loaded,
    Store,
    StoreConflict,
    StoreError,
    StoreUnavailable,
)

__all__ = ["Loaded", "Store", "StoreConflict", "StoreError", "StoreUnavailable", "open_store"]
