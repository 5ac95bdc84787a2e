"""A game's heard questions are stored as a count when they are the stretch of the
household's bank order that ends with the last one heard (going round the bank). The codec
compares and rebuilds that stretch as slices of the order; these tests hold it to the
definition, written out index by index, and hold the game record's filter of known ids to
what ``RefIndex.ref`` answers.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from skill.runtime.records import codec, refs


def _defined(order: tuple[str, ...], end: int, count: int) -> list[str]:
    """The stretch of ``count`` ids ending at ``end``, index by index, going round."""
    return [order[(end - count + 1 + k) % len(order)] for k in range(count)]


@st.composite
def _orders(draw: st.DrawFn) -> tuple[str, ...]:
    size = draw(st.integers(min_value=1, max_value=60))
    return tuple(f"q{n:02d}" for n in draw(st.permutations(range(size))))


@given(_orders(), st.data())
def test_a_stretch_ending_anywhere_is_stored_as_its_count(
    order: tuple[str, ...], data: st.DataObject
) -> None:
    end = data.draw(st.integers(min_value=0, max_value=len(order) - 1))
    count = data.draw(st.integers(min_value=1, max_value=len(order)))
    items = _defined(order, end, count)
    assert codec._stretch(order, items) == count
    assert codec._unstretch(order, order[end], count) == items


@given(_orders(), st.data())
def test_anything_but_a_stretch_is_not_a_count(order: tuple[str, ...], data: st.DataObject) -> None:
    items = data.draw(st.lists(st.sampled_from([*order, "gone"]), min_size=1, max_size=70))
    stretch = any(
        items == _defined(order, end, len(items))
        for end in range(len(order))
        if len(items) <= len(order)
    )
    assert (codec._stretch(order, items) is not None) == stretch
    if stretch:
        assert codec._stretch(order, items) == len(items)


def test_an_empty_stretch_and_an_unknown_last_id() -> None:
    order = ("a", "b", "c")
    assert codec._stretch(order, []) == 0
    assert codec._unstretch(order, "gone", 2) == []
    assert codec._unstretch(order, None, 2) == []
    assert codec._unstretch(order, "b", 0) == []
    # A count past the bank's length is the whole bank, ending with the last heard.
    assert codec._unstretch(order, "a", 7) == ["b", "c", "a"]


@given(st.lists(st.text(alphabet="ab!", min_size=1, max_size=4), max_size=30, unique=True))
def test_referable_ids_are_those_with_a_reference(ids: list[str]) -> None:
    index = refs.RefIndex(ids)
    assert index.referable == {i for i in ids if index.ref(i) is not None}
