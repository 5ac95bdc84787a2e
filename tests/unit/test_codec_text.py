"""The codec writes a record's text itself, and it is the text the stores would write.

``HouseholdCodec.encode_text`` writes the stored form's JSON straight from msgspec, with no
read-back: the turn sizes and saves that text. The oracle is ``json.dumps`` with the
stores' arguments, over households whose free text (names, voices, kept lists, reminder
tokens) is any string at all."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import codec_for
from skill.runtime.state import Household, JournalEntry, NightEntry, NightlyReminder, Tonight
from skill.runtime.store.port import record_text


def _json(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


words = st.text(max_size=12)
kept = st.dictionaries(words, st.lists(st.integers() | words, max_size=3), max_size=3)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(words, max_size=3),
    voices=st.lists(words, max_size=3),
    voice_names=st.dictionaries(words, st.integers(0, 1), max_size=2),
    kept=kept,
    reminder=st.tuples(words, words),
    visits=st.integers(0, 2**40),
    full=st.booleans(),
)
def test_the_codec_writes_the_text_json_would(
    content: LocaleContent,
    names: list[str],
    voices: list[str],
    voice_names: dict[str, int],
    kept: dict[str, list[int | str]],
    reminder: tuple[str, str],
    visits: int,
    full: bool,
) -> None:
    codec = codec_for(content)
    ids = [q.id for q in content.questions]
    household = Household(
        visits=visits,
        names=names,
        voices=voices,
        voice_names=voice_names,
        kept=kept,
        reminder=NightlyReminder(*reminder),
        seed=7,
    )
    if full:
        household = Household(
            visits=visits,
            first_night="2026-10-01",
            last_night="2026-11-09",
            heard=ids[:40],
            tonight=Tonight("2026-11-09", ids[3]),
            history=[NightEntry("2026-11-08", ids[2]), NightEntry("2026-11-09", ids[3])],
            journal=[JournalEntry("2026-11-09", "question", ids[3])],
            names=names,
            kept=kept,
            seed=7,
        )
    data, text = codec.encode_text(household)
    assert data == codec.encode(household)
    try:
        expected = _json(data)
        expected.encode()
    except UnicodeError:  # a lone surrogate: msgspec can't write it, so the store's writer decides
        assert text is None
        return
    assert text == expected == record_text(data)
