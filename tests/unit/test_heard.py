"""A heard list (``skill.runtime.heard.Heard``) is shared between the turns that read the
same record, so it must refuse changes in place, read as its ids everywhere, and grow what it
remembers (a draw's view of a pool, its stored form) exactly as working it out afresh would,
without passing over the whole list again."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from random import Random
from typing import Any

import msgspec
import pytest

from skill.runtime import draws
from skill.runtime.heard import Heard, plain
from skill.runtime.records import seen
from skill.runtime.records.refs import RefIndex
from skill.runtime.state import GratitudeProgress, Household, to_dict

CHANGES: list[Callable[[Heard], Any]] = [
    lambda h: h.append("x"),
    lambda h: h.extend(["x"]),
    lambda h: h.insert(0, "x"),
    lambda h: h.remove("a"),
    lambda h: h.pop(),
    lambda h: h.clear(),
    lambda h: h.reverse(),
    lambda h: h.sort(),
    lambda h: h.__setitem__(0, "x"),
    lambda h: h.__delitem__(0),
    lambda h: h.__iadd__(["x"]),
    lambda h: h.__imul__(2),
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_heard_list_refuses_every_change_in_place(change: Callable[[Heard], Any]) -> None:
    heard = Heard(["a", "b"])
    longer = heard.plus("c")  # shares its ids' buffer with ``heard``
    with pytest.raises((TypeError, AttributeError)):
        change(heard)
    assert heard == ["a", "b"] and longer == ["a", "b", "c"]


def test_a_heard_list_grows_into_a_new_list_and_leaves_itself_alone() -> None:
    heard = Heard(["a", "b"])
    longer = heard.plus("c")
    assert longer == ["a", "b", "c"] and isinstance(longer, Heard)
    assert heard == ["a", "b"]
    assert heard.as_set() == {"a", "b"} and longer.as_set() == {"a", "b", "c"}


def test_a_heard_list_reads_as_its_ids_everywhere_else() -> None:
    heard = Heard(["a", "b"]).plus("c")
    assert heard == ["a", "b", "c"] and list(heard) == ["a", "b", "c"]
    assert heard[0] == "a" and heard[-1] == "c" and heard[1:] == ["b", "c"] and len(heard) == 3
    assert "b" in heard and "z" not in heard
    assert heard + ["d"] == ["a", "b", "c", "d"] == ["a"] + heard[1:] + ["d"]  # noqa: RUF005
    assert msgspec.json.encode(heard, enc_hook=plain) == b'["a","b","c"]'
    household = Household(heard=heard, gratitude=GratitudeProgress(heard=Heard(["p"])))
    assert to_dict(household) == to_dict(
        Household(heard=["a", "b", "c"], gratitude=GratitudeProgress(heard=["p"]))
    )
    assert household == Household(heard=["a", "b", "c"], gratitude=GratitudeProgress(heard=["p"]))
    back = pickle.loads(pickle.dumps(heard))
    assert back == heard and isinstance(back, Heard)
    assert copy.deepcopy(household) == household and copy.copy(heard) is heard


class CountingDict(dict[str, Any]):
    """A dict that counts its look-ups, to tell a pass over a list from one look-up."""

    lookups = 0

    def get(self, key: str, default: Any = None) -> Any:
        CountingDict.lookups += 1
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        CountingDict.lookups += 1
        return super().__contains__(key)


def _pool(ids: list[str]) -> draws.Pool[str]:
    return draws.Pool(tuple(ids), CountingDict({item: at for at, item in enumerate(ids)}))


@pytest.mark.parametrize("case", range(40))
def test_a_grown_view_of_a_pool_is_the_view_worked_out_afresh(case: int) -> None:
    """Ids in the pool, outside it but known, unknown and heard again, in random order: at
    every step the remembered view and the ids kept are what a plain list gives."""
    chance = Random(case)
    ids = [f"q{n:03d}" for n in range(chance.randrange(1, 90))]
    pool = _pool(chance.sample(ids, chance.randrange(1, len(ids) + 1)))
    known = frozenset(ids)
    plain: list[str] = []
    heard = Heard()
    for _ in range(chance.randrange(1, 140)):
        roll = chance.random()
        if roll < 0.05:
            item = "gone"  # not in the content any more: dropped from what is kept
        elif roll < 0.15 and plain:
            item = chance.choice(plain)
        else:
            item = chance.choice(ids)
        plain.append(item)
        heard = heard.plus(item)
        view, kept = draws.fresh_past(pool, heard, known)
        positions, expected_kept = draws.heard_positions(pool, plain, known.__contains__)
        expected = draws.FreshView(pool, expected_kept, positions)
        assert list(view) == list(expected) and len(view) == len(expected)
        assert kept == expected_kept and kept.as_set() == set(expected_kept)
        heard = kept  # as the draw goes on: from the ids it keeps


def test_a_draw_from_a_grown_list_looks_up_only_its_new_id() -> None:
    ids = [f"q{n:04d}" for n in range(2000)]
    pool = _pool(ids)
    known = frozenset(ids)
    heard = Heard(ids[:1500])
    draws.fresh_past(pool, heard, known)
    CountingDict.lookups = 0
    longer = heard.plus(ids[1700])
    view, kept = draws.fresh_past(pool, longer, known)
    assert CountingDict.lookups <= 2
    assert kept is longer and len(view) == 499 and ids[1700] not in list(view)
    # A plain list is a pass over every heard id.
    CountingDict.lookups = 0
    draws.fresh_past(pool, list(longer), known)
    assert CountingDict.lookups >= 1501


def _cells(ids: list[str], chance: Random) -> seen.Cells:
    return seen.Cells({item: f"c{chance.randrange(6)}" for item in ids}, RefIndex(ids))


@pytest.mark.parametrize("seed", [1, 77, 2026])
def test_a_stored_form_grown_by_one_is_the_stored_form_worked_out_afresh(seed: int) -> None:
    """For ids heard in the household's order, out of it, again, and unknown to the content:
    a grown list's stored form is what encoding the plain list with nothing remembered
    gives, and it reads back as the very list when it decodes to its ids."""
    chance = Random(seed)
    ids = [f"q{i}" for i in range(120)]
    cells = _cells(ids, Random(seed))
    plain: list[str] = []
    heard = Heard()
    for step in range(400):
        roll = chance.random()
        if roll < 0.05:
            item = "unknown-id"
        elif roll < 0.15 and plain:
            item = chance.choice(plain)
        elif roll < 0.35:
            item = chance.choice(ids)
        else:
            cell = f"c{chance.randrange(6)}"
            fresh = [i for _, i in cells.ordered(seed, cell) if i not in set(plain)]
            item = fresh[0] if fresh else chance.choice(ids)
        if step % 97 == 0:
            plain, heard = [], Heard()  # a new cycle
        plain.append(item)
        heard = heard.plus(item)
        text = seen.encode(heard, cells, seed)
        assert text == seen.encode(list(plain), _cells(ids, Random(seed)), seed)
        back = seen.decode(text, cells, seed)
        assert set(back) == set(plain) & set(ids)
        exact = len(set(plain)) == len(plain) and set(plain) <= set(ids)
        assert (back is heard) == exact


def test_saving_a_grown_list_looks_up_only_its_new_id() -> None:
    ids = [f"q{n:04d}" for n in range(1000)]
    chance = Random(3)
    cells = _cells(ids, chance)
    seed = 11
    in_order = [i for cell in sorted(cells.members) for _, i in cells.ordered(seed, cell)[:100]]
    heard = Heard(in_order)
    seen.encode(heard, cells, seed)
    cells.cell_of = CountingDict(cells.cell_of)
    CountingDict.lookups = 0
    first = sorted(cells.members)[0]
    longer = heard.plus(cells.ordered(seed, first)[100][1])  # the next in the order, as draws go
    seen.encode(longer, cells, seed)
    assert CountingDict.lookups <= 2
    CountingDict.lookups = 0
    seen.encode(list(longer), cells, seed)
    assert CountingDict.lookups >= len(longer)


def test_the_next_turn_reads_the_list_the_last_one_saved(tmp_path: Any) -> None:
    """Through the codec, on the real content: a record read, a question drawn, the record
    saved and read again gives the very list the draw made (with its view of the pool and
    its stored form), and a record saved in another process reads the same ids afresh."""
    from datetime import date, timedelta

    from skill.runtime.catalog import Catalog
    from skill.runtime.flows import tonight
    from skill.runtime.records import codec_for
    from skill.runtime.records.codec import forget_households
    from tests.support.dialog import ROOT

    catalog = Catalog.load(ROOT / "content")
    content = catalog.for_locale(catalog.default)
    codec = codec_for(content)
    household = Household(seed=4242)
    for night in range(60):
        record = codec.encode(household)
        household = codec.decode(msgspec.json.decode(msgspec.json.encode(record)), 4242)
        evening = (date(2026, 3, 1) + timedelta(days=night)).isoformat()
        household, _, _ = tonight.draw(household, content, Random(night), night=evening)
    saved = codec.encode(household)
    read = codec.decode(saved, 4242)
    assert read.heard is household.heard and isinstance(read.heard, Heard)
    # As in a process that didn't save it: no list, nor household, remembered.
    codec.index.question_cells.decoded.clear()
    forget_households()
    other = codec.decode(saved, 4242)
    assert other.heard is not household.heard and set(other.heard) == set(household.heard)
    assert len(household.heard) == 60 and codec.encode(other) == saved
