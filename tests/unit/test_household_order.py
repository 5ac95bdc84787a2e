"""A household's order over content never changes: its stored heard sets are thresholds in it.

``draws.rank`` and ``draws.ranked`` (the loop that orders a whole deck at a household's first
draw in a process) must give every id the rank records were written with, or a stored
threshold would name other questions. The spec is the mix written out here, from its first
release: the id's CRC-32 xor the seed times 0x9E3779B1, then a 32-bit avalanche, kept to
30 bits.
"""

from __future__ import annotations

import copy
import pickle
import zlib
from collections.abc import Sequence
from random import Random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime import draws
from skill.runtime.catalog import Catalog
from skill.runtime.flows import tonight
from skill.runtime.records import codec_for, seen
from skill.runtime.records.index import ContentIndex, index_for, question_cell
from skill.runtime.state import Household
from tests.support.dialog import ROOT


def _spec(seed: int, item_id: str) -> int:
    h = (zlib.crc32(item_id.encode()) ^ (seed * 0x9E3779B1)) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & ((1 << 30) - 1)


@settings(max_examples=300)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    ids=st.lists(st.text(min_size=1, max_size=20), max_size=30),
)
def test_a_deck_ranked_in_one_loop_has_the_ranks_records_were_written_with(
    seed: int, ids: list[str]
) -> None:
    expected = [(_spec(seed, i), i) for i in ids]
    assert draws.ranked(seed, ids) == expected
    assert [draws.rank(seed, i) for i in ids] == [r for r, _ in expected]


@settings(max_examples=200)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    ids=st.lists(st.text(min_size=1, max_size=20), max_size=30),
)
def test_ranks_from_crcs_worked_out_before_are_the_same_ranks(seed: int, ids: list[str]) -> None:
    assert draws.ranked(seed, ids, draws.id_hashes(ids)) == [(_spec(seed, i), i) for i in ids]


@pytest.fixture(scope="module")
def index() -> ContentIndex:
    return index_for(Catalog.load(ROOT / "content").for_locale("en-US"))


@pytest.mark.parametrize("seed", [0, 7, 2**31 + 5, 2**32 - 1])
def test_each_cell_is_ordered_by_the_spec_whichever_cell_is_asked_first(
    index: ContentIndex, seed: int
) -> None:
    cells = copy.deepcopy(index.question_cells)
    names = sorted(cells.members, reverse=seed % 2 == 1)
    for cell in names:
        expected = sorted((_spec(seed, i), i) for i in cells.members[cell])
        ranks, ids = cells.columns(seed, cell)
        assert list(zip(ranks, ids, strict=True)) == expected
        assert cells.ordered(seed, cell) == tuple(expected)


def test_a_new_households_first_draw_orders_one_cell_not_the_deck(
    index: ContentIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A household's first turn in a process orders only the cells it touches: ordering the
    whole deck made that turn grow with the content (163 ms at a hundred times today's)."""
    content = Catalog.load(ROOT / "content").for_locale("en-US")
    ranked_ids: list[int] = []
    real = seen.ranked

    def counting(seed: int, ids: Sequence[str], hashes: Sequence[int] | None = None) -> Any:
        ranked_ids.append(len(ids))
        return real(seed, ids, hashes)

    monkeypatch.setattr(seen, "ranked", counting)
    household = Household(seed=424242)
    drawn, question, _ = tonight.draw(household, content, Random(1))
    codec_for(content).encode(drawn)
    cell_size = len(index.question_cells.members[question_cell(question.depth, question.theme)])
    assert ranked_ids == [cell_size], "only the drawn question's cell was ordered"
    assert sum(ranked_ids) < len(content.questions) / 10


def test_cells_from_a_snapshot_order_as_the_cells_they_were(index: ContentIndex) -> None:
    """Pickled into the catalog snapshot and read back, also from a state pickled before the
    per-cell orders existed, the cells order every cell as before."""
    cells = index.question_cells
    cell = next(iter(cells.members))
    cells.columns(11, cell)
    again = pickle.loads(pickle.dumps(cells))
    older_state = {k: v for k, v in cells.__dict__.items() if k not in ("_orders", "_hashes")}
    older = seen.Cells.__new__(seen.Cells)
    older.__setstate__(older_state)
    for read in (again, older):
        assert read.columns(11, cell) == cells.columns(11, cell)
