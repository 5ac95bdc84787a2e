"""The compact stored form: exact where it matters, strict on bad input, and stable when
content is added, removed or reordered."""

from __future__ import annotations

import random

import pytest

from skill.runtime import copying, draws
from skill.runtime.catalog import LocaleContent, Question
from skill.runtime.flows.kit import journal
from skill.runtime.flows.listening import steps
from skill.runtime.records import HouseholdCodec, NewerRecord, codec_for, seen
from skill.runtime.records.codec import JOURNAL_NIGHTS, MAX_DONE, MAX_FAVOURITES
from skill.runtime.records.index import ContentIndex, question_cell
from skill.runtime.records.refs import RefIndex
from skill.runtime.records.stored import RECORD_SCHEMA
from skill.runtime.state import MAX_FAVOURITES as STATE_FAVOURITES
from skill.runtime.state import Household, JournalEntry, NightEntry, Tonight

SEED = 0x5EED


def with_questions(content: LocaleContent, questions: tuple[Question, ...]) -> LocaleContent:
    return LocaleContent(content.locale, {**content.sections, "questions": questions})


def heard_by_drawing(content: LocaleContent, count: int, seed: int = SEED) -> list[str]:
    """What a household hears drawing ``count`` questions the way the flow does, with the
    theme filter switched now and then."""
    rng = random.Random(1)
    heard: list[str] = []
    themes = sorted({q.theme for q in content.questions})
    for n in range(count):
        theme = themes[n % len(themes)] if n % 7 < 3 else None
        fresh = [
            q
            for q in content.questions
            if q.id not in heard and q.depth in (1, 2) and theme in (None, q.theme)
        ]
        pick = draws.next_fresh(fresh, seed, rng, lambda q: (q.depth, q.theme), lambda q: q.id)
        heard.append(pick.id)
    return heard


def test_the_limits_match_the_flows() -> None:
    assert JOURNAL_NIGHTS == journal.WEEK_NIGHTS
    assert MAX_FAVOURITES == STATE_FAVOURITES
    assert MAX_DONE == steps.MAX_DONE


def test_draws_in_the_household_order_store_as_bare_thresholds(content: LocaleContent) -> None:
    heard = heard_by_drawing(content, 120)
    text = seen.encode(heard, ContentIndex.of(content).question_cells, SEED)
    assert "+" not in text, "no out-of-order items, even with a theme filter on and off"
    themes = len({q.theme for q in content.questions})
    assert len(text) < 6 * 3 * themes, "a few characters a theme and depth, whatever the deck"
    assert set(seen.decode(text, ContentIndex.of(content).question_cells, SEED)) == set(heard)


def test_any_heard_set_round_trips_exactly(content: LocaleContent) -> None:
    ids = [q.id for q in content.questions]
    heard = random.Random(3).sample(ids, 90)  # random draws, as records of schema 1 hold
    cells = ContentIndex.of(content).question_cells
    assert set(seen.decode(seen.encode(heard, cells, SEED), cells, SEED)) == set(heard)


def test_adding_content_never_brings_back_what_was_heard(content: LocaleContent) -> None:
    heard = heard_by_drawing(content, 100)
    text = seen.encode(heard, ContentIndex.of(content).question_cells, SEED)
    extra = tuple(
        copying.replace(q, id=f"{q.theme}new-{n:02d}") for n, q in enumerate(content.questions)
    )
    grown = with_questions(content, content.questions + extra)
    after = set(seen.decode(text, ContentIndex.of(grown).question_cells, SEED))
    assert set(heard) <= after


def test_removing_and_reordering_content_changes_nothing_else(content: LocaleContent) -> None:
    heard = heard_by_drawing(content, 100)
    text = seen.encode(heard, ContentIndex.of(content).question_cells, SEED)
    removed = set(heard[::5])
    smaller = with_questions(content, tuple(q for q in content.questions if q.id not in removed))
    assert set(seen.decode(text, ContentIndex.of(smaller).question_cells, SEED)) == (
        set(heard) - removed
    )
    shuffled = list(content.questions)
    random.Random(9).shuffle(shuffled)
    reordered = with_questions(content, tuple(shuffled))
    assert set(seen.decode(text, ContentIndex.of(reordered).question_cells, SEED)) == set(heard)


def test_a_household_round_trips_through_its_record(content: LocaleContent) -> None:
    codec = codec_for(content)
    ids = [q.id for q in content.questions]
    household = Household(
        visits=40,
        first_night="2026-10-01",
        last_night="2026-11-09",
        cycle=2,
        heard=heard_by_drawing(content, 30),
        tonight=Tonight("2026-11-09", ids[3]),
        history=[NightEntry("2026-11-08", ids[2]), NightEntry("2026-11-09", ids[3])],
        favourites=ids[:10],
        names=["Sam", "Alex"],
        journal=[
            JournalEntry("2026-11-08", "question", ids[2]),
            JournalEntry("2026-11-09", "question", ids[3]),
            JournalEntry("2026-11-09", "ritual", "a-new-kind"),
        ],
        seed=SEED,
    )
    back = codec.decode(codec.encode(household), SEED)
    assert set(back.heard) == set(household.heard)
    assert copying.replace(back, heard=household.heard) == household
    assert codec.encode(back) == codec.encode(household)


def test_unknown_content_ids_are_left_out_not_fatal(content: LocaleContent) -> None:
    codec = codec_for(content)
    household = Household(favourites=["gone-01", content.questions[0].id], seed=SEED)
    assert codec.decode(codec.encode(household), SEED).favourites == [content.questions[0].id]


@pytest.mark.parametrize(
    "bad",
    [{"s": 2, "n": "12"}, {"s": 2, "m": "Sam"}, {"s": 2, "b": 1}, {"s": 2, "h": 5}, {"s": "2"}],
)
def test_a_wrongly_typed_value_raises(content: LocaleContent, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        codec_for(content).decode(bad, SEED)


def test_unknown_keys_are_tolerated_and_newer_records_are_flagged(
    content: LocaleContent,
) -> None:
    codec: HouseholdCodec = codec_for(content)
    assert codec.decode({"s": RECORD_SCHEMA, "n": 3, "zz": [1]}, SEED).visits == 3
    assert codec.decode({"s": 2, "n": 3, "zz": [1]}, SEED).visits == 3
    with pytest.raises(NewerRecord):
        codec.decode({"s": RECORD_SCHEMA + 1, "n": 3}, SEED)
    newer = {"s": RECORD_SCHEMA + 1, "n": 3, "zz": {}}
    assert codec.decode(newer, SEED, newer=True).visits == 3


def test_a_reference_shared_by_two_ids_is_written_out_in_full() -> None:
    ids = [f"q-{n:05d}" for n in range(40_000)]
    refs = RefIndex(ids)
    escaped = [i for i in ids if refs.ref(i) == f"!{i}!"]
    assert escaped, "40,000 ids share some four-character references"
    assert refs.unpack(refs.pack(ids)) == ids


def test_cells_follow_the_flow_filters() -> None:
    assert question_cell(1, "dreams") != question_cell(2, "dreams")
