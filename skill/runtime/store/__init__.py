"""Persistence of household state behind one small port, with an adapter per backend.

``port`` is the contract; ``sqlite`` and ``dynamodb`` the adapters; ``factory`` opens one
from a URL. May import the standard library and boto3 (DynamoDB only, imported lazily);
never a flow, a handler, a host or a tool.
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
