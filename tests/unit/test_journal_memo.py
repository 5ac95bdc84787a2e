"""The journal's encoding, remembered and grown, is the encoding worked out afresh.

``HouseholdCodec._journal_of`` remembers a week's encoding by its entries, extends the week
its last save encoded by the one entry a turn adds (``_journal_grown``), and registers the
week a record decodes to (``_expand_journal``, which remembers whole stored journals too).
A save must write what encoding the whole journal would write, on any journal: entries in
and out of the seven nights, nights out of order, malformed nights, kinds the codec knows
and kinds it doesn't, content that is gone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import HouseholdCodec, codec_for
from skill.runtime.records.codec import JOURNAL_NIGHTS, MAX_JOURNAL_ENTRIES, forget_households
from skill.runtime.records.index import ContentIndex
from skill.runtime.state import Household, JournalEntry

START = date(2026, 11, 1)
NIGHTS = [(START + timedelta(days=n)).isoformat() for n in range(20)] + ["", "2026-13-01"]


def _entries(content: LocaleContent) -> st.SearchStrategy[list[JournalEntry]]:
    questions = [q.id for q in content.questions[:12]]
    items = {
        "question": st.sampled_from([*questions, "a-question-no-longer-here"]),
        "gratitude": st.sampled_from(["g-1", "not-a-prompt"]),
        "listening": st.sampled_from(["mirror", "gone"]),
        "game": st.sampled_from(["would-you-rather", "gone"]),
        "journey": st.sampled_from(["slow-sunday", "with|bar"]),
    }
    entry = st.sampled_from(sorted(items)).flatmap(
        lambda kind: st.builds(JournalEntry, st.sampled_from(NIGHTS), st.just(kind), items[kind])
    )
    return st.lists(entry, max_size=MAX_JOURNAL_ENTRIES)


_BLANK: dict[int, HouseholdCodec] = {}


def _fresh(content: LocaleContent) -> HouseholdCodec:
    """A codec over the same content with no journal remembered (its own index, built once,
    whose journal memories are forgotten on every call)."""
    codec = _BLANK.get(id(content))
    if codec is None:
        codec = _BLANK[id(content)] = HouseholdCodec(ContentIndex.of(content))
    index = codec.index
    for memo in (index.journal_weeks, index.journal_nights, index.journal_stored):
        memo.clear()
    return codec


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_growing_a_week_by_one_entry_is_encoding_it_afresh(
    content: LocaleContent, data: st.DataObject
) -> None:
    entries = data.draw(_entries(content))
    codec = _fresh(content)
    for size in range(1, len(entries) + 1):
        week = codec._journal(entries[: size - 1])
        assert codec._journal_grown(week, entries[size - 1]) == codec._journal(entries[:size])


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_save_writes_the_journal_encoding_it_afresh_would(
    content: LocaleContent, data: st.DataObject
) -> None:
    """Through the codec's memos: decode a record, add entries one by one as turns do, and
    each save's journal and history are what a codec with an empty memory writes."""
    entries = data.draw(_entries(content))
    remembering = codec_for(content)
    valid = [e.night for e in entries if e.night in NIGHTS[:20]]
    last = max(valid, default=START.isoformat())
    household = Household(last_night=last)
    for entry in entries:
        household = Household(last_night=last, journal=[*household.journal, entry])
        saved = remembering.encode(household)
        assert saved == _fresh(content).encode(household)
        household = remembering.decode(saved, household.seed)
        assert remembering.encode(household) == _fresh(content).encode(household)


def test_the_week_moves_on_with_a_new_night(content: LocaleContent) -> None:
    """An entry on a night past the window's end drops the nights it leaves behind."""
    question = content.questions[0].id
    codec = _fresh(content)
    old = [JournalEntry(NIGHTS[n], "question", question) for n in range(JOURNAL_NIGHTS)]
    week = codec._journal(old)
    later = JournalEntry(NIGHTS[JOURNAL_NIGHTS + 2], "question", question)
    grown = codec._journal_grown(week, later)
    assert len(grown.nights) == JOURNAL_NIGHTS - 2
    assert grown == codec._journal([*old, later])


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_remembered_journal_decodes_as_a_fresh_one_and_registers_its_week_again(
    content: LocaleContent, data: st.DataObject
) -> None:
    """Every turn of an evening reads the same stored journal: the second read comes from
    the memory of whole journals, gives the entries a codec with no memory reads, and
    registers the week again when that memory was forgotten in between."""
    entries = data.draw(_entries(content))
    valid = [e.night for e in entries if e.night in NIGHTS[:20]]
    household = Household(last_night=max(valid, default=START.isoformat()), journal=entries)
    remembering = codec_for(content)
    saved = _fresh(content).encode(household)
    first = remembering.decode(saved, household.seed)
    remembering.index.journal_weeks.clear()
    forget_households()  # else the household read before answers whole (test_codec_parts)
    again = remembering.decode(saved, household.seed)
    assert again == first == _fresh(content).decode(saved, household.seed)
    assert again.journal is not first.journal  # a list of its own, for the turn to change
    registered = codec_for(content).index.journal_weeks
    fresh = _fresh(content)
    fresh.decode(saved, household.seed)
    assert set(fresh.index.journal_weeks) <= set(registered)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), later=st.integers(min_value=0, max_value=3))
def test_the_next_turn_reads_what_a_save_registered_as_a_fresh_codec_reads_it(
    content: LocaleContent, data: st.DataObject, later: int
) -> None:
    """A save registers the stored journal it wrote when it reads back as its very entries;
    the next turn (the same night or up to three later, whose offsets all move) reads it
    from that memory, and must read what a codec with no memory reads."""
    entries = data.draw(_entries(content))
    valid = [e.night for e in entries if e.night in NIGHTS[:20]]
    last = date.fromisoformat(max(valid, default=START.isoformat())) + timedelta(days=later)
    household = Household(last_night=last.isoformat(), journal=entries)
    remembering = codec_for(content)
    saved = remembering.encode(household)
    assert remembering.decode(saved, household.seed) == _fresh(content).decode(
        saved, household.seed
    )


def test_a_save_of_a_usual_journal_spares_the_next_turn_reading_its_nights(
    content: LocaleContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first turn of a night reads a journal whose offsets all moved: registered by the
    save before it, it is read without working out a single night again."""
    question, other = content.questions[0].id, content.questions[1].id
    entries = [JournalEntry(NIGHTS[n], "question", (question, other)[n % 2]) for n in range(5)]
    codec = _fresh(content)
    household = Household(last_night=NIGHTS[5], journal=entries)
    saved = codec.encode(household)
    worked_out: list[str] = []
    original = HouseholdCodec._night_entries

    def counted(self: HouseholdCodec, when: str, text: str) -> Any:
        worked_out.append(when)
        return original(self, when, text)

    monkeypatch.setattr(HouseholdCodec, "_night_entries", counted)
    codec.index.journal_nights.clear()
    assert codec.decode(saved, household.seed).journal == entries
    assert worked_out == []
