"""A household's order over content never changes: its stored heard sets are thresholds in it.

Two orders, each a spec written out here from its first release:

* ``draws.rank`` and ``draws.ranked``: the id's CRC-32 xor the seed times 0x9E3779B1, then a
  32-bit avalanche, kept to 30 bits. Games' banks are in it, and so were heard sets up to
  record schema 2.
* ``draws.cell_rank`` and ``draws.cell_ranked`` (record schema 3 on): the CRC's top 16 bits
  xor the household's mask (the same avalanche of the seed times 0x9E3779B1, its top 16
  bits), then the low 14 bits of ``rank``'s mix.

``records.cell_order`` grows a cell's order a stretch at a time; whatever it was asked for
first, what it holds is a prefix of the order the spec gives.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import pickle
import sys
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
from skill.runtime.records import cell_order, codec_for, seen
from skill.runtime.records.cell_order import CellKeys, CellOrder
from skill.runtime.records.index import ContentIndex, index_for, question_cell
from skill.runtime.records.refs import RefIndex
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


def _mask(seed: int) -> int:
    h = (seed * 0x9E3779B1) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return (h ^ (h >> 16)) >> 16


def _cell_spec(seed: int, item_id: str) -> int:
    top = (zlib.crc32(item_id.encode()) >> 16) ^ _mask(seed)
    return (top << 14) | (_spec(seed, item_id) & 0x3FFF)


@settings(max_examples=300)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    ids=st.lists(st.text(min_size=1, max_size=20), max_size=30),
)
def test_cell_ranks_are_the_masked_crc_then_the_mix(seed: int, ids: list[str]) -> None:
    expected = [(_cell_spec(seed, i), i) for i in ids]
    assert draws.cell_ranked(seed, ids) == expected
    assert draws.cell_ranked(seed, ids, draws.id_hashes(ids)) == expected
    assert [draws.cell_rank(seed, i) for i in ids] == [r for r, _ in expected]


def _sorted_ids(size: int, salt: int) -> list[str]:
    return [f"item-{salt}-{n}" for n in range(size)]


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    size=st.integers(min_value=0, max_value=3000),
    asks=st.lists(
        st.one_of(
            st.tuples(st.just("count"), st.integers(min_value=0, max_value=3100)),
            st.tuples(st.just("rank"), st.integers(min_value=0, max_value=(1 << 30) - 1)),
            st.tuples(st.just("walk"), st.integers(min_value=0, max_value=3100)),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_a_cell_grown_in_any_order_of_asks_is_a_prefix_of_the_spec(
    seed: int, size: int, asks: list[tuple[str, int]]
) -> None:
    """Growing by counts, by ranks and by walking, in any mix, always holds a prefix of the
    spec's order, long enough for what was asked."""
    ids = _sorted_ids(size, seed % 7)
    spec = sorted((_cell_spec(seed, i), i) for i in ids)
    order = CellOrder(CellKeys(ids), seed)
    for kind, value in asks:
        if kind == "count":
            order.upto_count(value)
            assert len(order.ids) >= min(value, size)
        elif kind == "rank":
            order.upto_rank(value)
            wanted = [i for r, i in spec if r <= value]
            assert order.ids[: bisect.bisect_right(order.ranks, value)] == wanted
        else:
            assert list(itertools.islice(order, value)) == [i for _, i in spec[:value]]
        held = list(zip(order.ranks, order.ids, strict=True))
        assert held == spec[: len(held)]
    assert list(order) == [i for _, i in spec]
    assert order.complete


@pytest.mark.parametrize("heard", [1, 10, 100])
def test_reading_a_threshold_ranks_about_twice_what_was_heard_at_any_size(heard: int) -> None:
    """A threshold past ``heard`` ids of a cell of 20,000 is read, in a process that hasn't
    met the household, by ranking a small multiple of ``heard`` ids, not the cell: this is
    what keeps a household's first turn flat from today's deck to a hundred times it."""
    ids = _sorted_ids(20_000, 1)
    refs = RefIndex(ids)
    writer = seen.Cells(dict.fromkeys(ids, "big"), refs)
    seed = 90_210
    first = [i for _, i in sorted((_cell_spec(seed, i), i) for i in ids)[:heard]]
    text = seen.encode(first, writer, seed)
    reader = seen.Cells(dict.fromkeys(ids, "big"), refs)
    assert list(seen.decode(text, reader, seed)) == first
    ranked = len(reader.order(seed, "big").ids)
    assert heard <= ranked <= 4 * heard + 8, ranked


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
        expected = sorted((_cell_spec(seed, i), i) for i in cells.members[cell])
        assert cells.ordered(seed, cell) == tuple(expected)
        assert list(index.question_cells.order(seed, cell)) == [i for _, i in expected]


def test_a_new_households_first_draw_ranks_a_few_ids_of_one_cell(
    index: ContentIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A household's first turn in a process ranks only the stretches of the cells it
    touches that it reads: ordering the whole deck made that turn grow with the content
    (163 ms at a hundred times today's), and sorting a whole cell still did (25.8 ms)."""
    content = Catalog.load(ROOT / "content").for_locale("en-US")
    ranked_ids: list[int] = []
    real = cell_order.cell_ranked

    def counting(seed: int, ids: Sequence[str], hashes: Sequence[int] | None = None) -> Any:
        ranked_ids.append(len(ids))
        return real(seed, ids, hashes)

    monkeypatch.setattr(cell_order, "cell_ranked", counting)
    household = Household(seed=424242)
    drawn, question, _ = tonight.draw(household, content, Random(1))
    codec_for(content).encode(drawn)
    cell_size = len(index.question_cells.members[question_cell(question.depth, question.theme)])
    assert 0 < sum(ranked_ids) <= cell_size
    assert sum(ranked_ids) < len(content.questions) / 10


def test_cells_from_a_snapshot_order_as_the_cells_they_were(index: ContentIndex) -> None:
    """Pickled into the catalog snapshot and read back, also from a state pickled before the
    per-cell orders existed (or with the CRCs of an older release), the cells order every
    cell as before."""
    cells = index.question_cells
    cell = next(iter(cells.members))
    cells.ordered(11, cell)
    again = pickle.loads(pickle.dumps(cells))
    older_state = {k: v for k, v in cells.__dict__.items() if k not in ("_orders", "keys")}
    older_state["_hashes"] = {}
    older = seen.Cells.__new__(seen.Cells)
    older.__setstate__(older_state)
    for read in (again, older):
        assert read.ordered(11, cell) == cells.ordered(11, cell)
        assert not hasattr(read, "_hashes")


def _grown_by_threads(ids: list[str], seed: int) -> tuple[CellOrder, list[list[str]]]:
    """One order grown by four threads at once: by counts, by ranks, and two walks."""
    import threading

    order = CellOrder(CellKeys(ids), seed)
    start = threading.Barrier(4)
    walks: list[list[str]] = []

    def grow(kind: int) -> None:
        start.wait()
        if kind == 0:
            for count in (1, 10, 100, 1_000, 5_000):
                order.upto_count(count)
        elif kind == 1:
            for rank in (1 << 20, 1 << 25, 1 << 28, (1 << 30) - 1):
                order.upto_rank(rank)
        else:
            walks.append(list(itertools.islice(order, 2_000)))

    threads = [threading.Thread(target=grow, args=(k,)) for k in (0, 1, 2, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return order, walks


def test_a_cell_grown_by_threads_at_once_is_still_a_prefix_of_the_spec() -> None:
    """Turns in a process share a cell's order (``Cells.order``): growing it from several
    threads at once, by counts, ranks and walks, never loses, repeats or misorders an id."""
    seed = 31_337
    ids = _sorted_ids(5_000, 3)
    spec = sorted((_cell_spec(seed, i), i) for i in ids)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch inside a growth, not only between them
    try:
        for _ in range(20):
            order, walks = _grown_by_threads(ids, seed)
            assert list(zip(order.ranks, order.ids, strict=True)) == spec
            assert walks == [[i for _, i in spec[:2_000]]] * 2
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.parametrize("grown_first", [0, 3, 40])
def test_a_walk_carries_on_through_what_the_cell_grows_while_it_walks(grown_first: int) -> None:
    """A walk reads the ids already in the columns, then what grows behind them: growing
    the cell in the middle of a walk (another turn's threshold) skips and repeats nothing."""
    seed = 4242
    ids = _sorted_ids(600, 3)
    spec = [i for _, i in sorted((_cell_spec(seed, i), i) for i in ids)]
    order = CellOrder(CellKeys(ids), seed)
    order.upto_count(grown_first)
    walk = iter(order)
    head = list(itertools.islice(walk, 5))
    order.upto_count(300)
    assert head + list(walk) == spec
