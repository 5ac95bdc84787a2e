"""A heard set read from its stored form keeps that form as its encoding (``seen.decode``):
a household's first turn in a process saves the cells it didn't change as it read them, and
re-encodes only the drawn id's cell. Whatever it keeps, every save must be the text a fresh
encoding of the same list writes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import seen
from skill.runtime.records.index import ContentIndex
from tests.support.heard_order import in_order

SEED = 0x5EED


@pytest.fixture(scope="module")
def ids(content: LocaleContent) -> list[str]:
    return [q.id for q in content.questions]


def _fresh(content: LocaleContent) -> seen.Cells:
    """Cells as a process that has met no household has them."""
    return ContentIndex.of(content).question_cells


def _in_order(content: LocaleContent, count: int, seed: int) -> list[str]:
    """The first ``count`` ids a household hears drawing cell by cell in its order."""
    return in_order(_fresh(content), count, seed)


def test_an_unchanged_set_is_saved_as_read_without_encoding_a_cell(
    content: LocaleContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard = _in_order(content, 80, SEED)
    text = seen.encode(heard, _fresh(content), SEED)
    reader = _fresh(content)
    drawn = next(i for i in reader.order(SEED, reader.cell_of[heard[0]]) if i not in heard)
    expected = seen.encode([*heard, drawn], _fresh(content), SEED)
    read = seen.decode(text, reader, SEED)
    parts: set[str] = set()
    # A cell is encoded through one of these two (a cell heard first goes straight to the
    # second when the draw adds its next id).
    for name in ("_cell_part", "_first_part"):
        real = getattr(seen, name)
        monkeypatch.setattr(seen, name, lambda *a, real=real: parts.add(a[2]) or real(*a))
    assert seen.encode(read, reader, SEED) == text
    assert parts == set(), "no cell was encoded again"
    assert seen.encode(read.plus(drawn), reader, SEED) == expected
    assert parts == {reader.cell_of[drawn]}, "only the drawn id's cell"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    count=st.integers(min_value=0, max_value=200),
    strays=st.integers(min_value=0, max_value=3),
    more=st.integers(min_value=0, max_value=3),
)
def test_every_save_after_a_read_is_what_a_fresh_encoding_writes(
    content: LocaleContent, ids: list[str], seed: int, count: int, strays: int, more: int
) -> None:
    """Heard sets in order and out of it (ids listed after a ``+``), read in a new process
    and grown by a few draws, save as a fresh encoding of the same list would."""
    chance = random.Random(seed)
    heard = _in_order(content, count, seed)
    heard += chance.sample([i for i in ids if i not in heard], strays)
    text = seen.encode(heard, _fresh(content), seed)
    reader = _fresh(content)
    read = seen.decode(text, reader, seed)
    assert set(read) == set(heard)
    grown = read
    for _ in range(more):
        grown = grown.plus(chance.choice([i for i in ids if i not in grown]))
    assert seen.encode(grown, reader, seed) == seen.encode(list(grown), _fresh(content), seed)


@pytest.mark.parametrize(
    "change",
    ["unknown cell", "out of code order", "a cell twice"],
)
def test_a_text_encode_would_not_write_is_written_afresh(
    content: LocaleContent, change: str
) -> None:
    heard = _in_order(content, 60, SEED)
    text = seen.encode(heard, _fresh(content), SEED)
    parts = text.split(",")
    assert len(parts) >= 2 and "+" not in text
    if change == "unknown cell":
        stored = ",".join(["~~~A", *parts])
    elif change == "out of code order":
        stored = ",".join(reversed(parts))
    else:
        stored = ",".join([parts[0], *parts])
    reader = _fresh(content)
    read = seen.decode(stored, reader, SEED)
    assert seen.encode(read, reader, SEED) == seen.encode(list(read), _fresh(content), SEED)
    assert seen.encode(read, reader, SEED) != stored


def test_listed_ids_the_content_dropped_are_not_saved_again(content: LocaleContent) -> None:
    """A text with listed ids is encoded afresh: one of them gone from the content is gone
    from the save, as ``encode`` leaves out ids it doesn't know."""
    heard = _in_order(content, 40, SEED)
    strays = [i for i in (q.id for q in content.questions) if i not in heard][::97][:3]
    text = seen.encode([*heard, *strays], _fresh(content), SEED)
    assert "+" in text
    kept = tuple(q for q in content.questions if q.id != strays[0])
    smaller = LocaleContent(content.locale, {**content.sections, "questions": kept})
    reader = _fresh(smaller)
    read = seen.decode(text, reader, SEED)
    assert strays[0] not in read
    assert seen.encode(read, reader, SEED) == seen.encode(list(read), _fresh(smaller), SEED)


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), data=st.data())
def test_a_cell_heard_first_is_encoded_as_walking_its_stretch_would(
    content: LocaleContent, seed: int, data: st.DataObject
) -> None:
    """A cell whose heard ids are its first ones in the household's order (every draw's
    save) is encoded without walking that stretch again: to the part the walk finds, ties
    on a rank and the whole cell included."""
    index = ContentIndex.of(content)
    for cells in (index.question_cells, index.gratitude_cells):
        cell = data.draw(st.sampled_from(sorted(cells.members)))
        whole = cells.order(seed, cell).whole().ids
        count = data.draw(st.integers(min_value=1, max_value=len(whole)))
        chosen = frozenset(whole[:count])
        walked = seen._part(cells, seed, cell, chosen, count)
        assert seen._part(cells, seed, cell, chosen, count, heard_first=True) == walked


def test_a_draw_of_the_next_id_in_order_does_not_check_the_stretch_again(
    content: LocaleContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored threshold names its cell's first ids, and so does the set grown by the next
    one: the save knows the cell is still heard first without testing each heard id."""
    heard = _in_order(content, 120, SEED)
    text = seen.encode(heard, _fresh(content), SEED)
    reader = _fresh(content)
    cell = reader.cell_of[heard[0]]
    drawn, after = [i for i in reader.order(SEED, cell) if i not in heard][:2]
    expected = [
        seen.encode([*heard, drawn], _fresh(content), SEED),
        seen.encode([*heard, drawn, after], _fresh(content), SEED),
    ]
    read = seen.decode(text, reader, SEED)
    checked: list[str] = []
    real = seen._cell_part
    monkeypatch.setattr(seen, "_cell_part", lambda *a: checked.append(a[2]) or real(*a))
    longer = read.plus(drawn)
    # The one after it too: the grown encoding still knows its cell is heard first.
    assert [seen.encode(longer, reader, SEED), seen.encode(longer.plus(after), reader, SEED)] == (
        expected
    )
    assert checked == []
