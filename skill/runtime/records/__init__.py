"""The stored form of a household: compact, checked, and readable across releases.

``codec`` turns the in-memory ``Household`` into the compact record (schema 3) and back,
``index`` and ``refs`` know the content's stable ids, ``seen`` stores what was heard as
thresholds in the household's own order.
"""

from typing import Any

from skill.runtime.catalog import LocaleContent
from skill.runtime.draws import seed_for
from skill.runtime.records import tokens
from skill.runtime.records.codec import HouseholdCodec, NewerRecord, record_schema
from skill.runtime.records.index import ContentIndex, index_for
from skill.runtime.state import Household


def codec_for(content: LocaleContent) -> HouseholdCodec:
    """The codec for one locale's content (its index is built once and cached)."""
    return HouseholdCodec(index_for(content))


def read_household(data: dict[str, Any] | None, content: LocaleContent, key: str) -> Household:
    """The household a stored record holds, as the skill reads it (for tools and tests)."""
    return codec_for(content).decode(tokens.body_of(data), seed_for(key), newer=True)


__all__ = [
    "ContentIndex",
    "HouseholdCodec",
    "NewerRecord",
    "codec_for",
    "index_for",
    "read_household",
    "record_schema",
]
