"""Heard lists grown from one another share one buffer of ids (``skill.runtime.heard``):
every list must still read as exactly its own ids, whichever of them is grown, in any order,
on any thread, and its membership must be its own, not the longest list's."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime.heard import Heard

IDS = st.sampled_from([f"q{n}" for n in range(12)])
#: Each step grows one of the lists made so far (by its index, wrapped) by one id.
STEPS = st.lists(st.tuples(st.integers(min_value=0), IDS), max_size=60)


@settings(max_examples=300, deadline=None)
@given(start=st.lists(IDS, max_size=6), steps=STEPS, probe=st.lists(IDS, max_size=12))
def test_every_list_of_a_line_reads_as_its_own_ids(
    start: list[str], steps: list[tuple[int, str]], probe: list[str]
) -> None:
    lists = [Heard(start)]
    plains = [list(start)]
    for which, item in steps:
        at = which % len(lists)
        lists.append(lists[at].plus(item))
        plains.append([*plains[at], item])
    for heard, plain in zip(lists, plains, strict=True):
        assert heard == plain and list(heard) == plain and len(heard) == len(plain)
        assert heard.as_list() == plain and heard[:] == plain
        ids = set(plain)
        assert heard.as_set() == ids and heard.distinct() == len(ids)
        assert [i in heard for i in probe] == [i in ids for i in probe]
        assert list(heard.unheard(probe)) == [i for i in probe if i not in ids]
        assert heard.holds_all(probe) == all(i in ids for i in probe)
        if plain:
            assert heard.repeats_last() == (plain[-1] in plain[:-1])
            assert heard[-1] == plain[-1]


def test_membership_is_asked_before_and_after_the_line_grows() -> None:
    """An id's first place is worked out once per line: a list asked before a longer list
    of its line got the id must still not hold it after."""
    heard = Heard(["a"])
    assert "b" not in heard  # builds the first places
    longer = heard.plus("b")
    assert "b" in longer and "b" not in heard and list(heard.unheard(["a", "b"])) == ["b"]
    other = heard.plus("c")  # ``heard`` is no longer the longest: its own line
    assert other == ["a", "c"] and "b" not in other and longer == ["a", "b"]


def test_threads_growing_one_list_each_get_their_own() -> None:
    """Turns answered on threads may draw from the very same list read from one record."""
    heard = Heard([f"q{n}" for n in range(500)])
    grown: dict[int, Heard] = {}
    barrier = threading.Barrier(8)

    def grow(n: int) -> None:
        barrier.wait()
        mine = heard
        for step in range(200):
            mine = mine.plus(f"t{n}-{step}")
        grown[n] = mine

    threads = [threading.Thread(target=grow, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    base = [f"q{n}" for n in range(500)]
    for n, mine in grown.items():
        assert mine == base + [f"t{n}-{step}" for step in range(200)]
        assert f"t{n}-199" in mine and all(f"t{o}-0" not in mine for o in grown if o != n)
    assert heard == base
