"""The stored form of a household: compact, checked, and readable across releases.

``codec`` turns the in-memory ``Household`` into the compact record (schema 2) and back,
``index`` and ``refs`` know the content's stable ids, ``seen`` stores what was heard as
thresholds in the household's own order.
"""

from skill.runtime.records.codec import HouseholdCodec, NewerRecord, record_schema
from skill.runtime.records.index import ContentIndex, index_for

__all__ = ["ContentIndex", "HouseholdCodec", "NewerRecord", "index_for", "record_schema"]
