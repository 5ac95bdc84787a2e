"""A draw's walk of its cell starts past the cell's heard stretch when the heard list's
encoding knows it (``seen.Cells.unheard``): the first id it reaches that isn't heard must
be the one a walk of the whole order reaches, for any list (in order, out of it, read from
its stored form or grown by draws), and a cell heard first costs no test of a heard id."""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.runtime import draws
from skill.runtime.catalog import LocaleContent
from skill.runtime.heard import Heard
from skill.runtime.records import seen
from skill.runtime.records.index import ContentIndex
from tests.support.heard_order import in_order


def _first_unheard(ids: Iterable[str], heard: Iterable[str]) -> str | None:
    known = set(heard)
    return next(itertools.filterfalse(known.__contains__, ids), None)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    count=st.integers(min_value=0, max_value=400),
    strays=st.integers(min_value=0, max_value=6),
    more=st.integers(min_value=0, max_value=8),
    read=st.booleans(),
    gratitude=st.booleans(),
)
def test_the_walk_reaches_the_first_unheard_id_of_the_whole_order(
    content: LocaleContent,
    seed: int,
    count: int,
    strays: int,
    more: int,
    read: bool,
    gratitude: bool,
) -> None:
    index = ContentIndex.of(content)
    cells = index.gratitude_cells if gratitude else index.question_cells
    ids = sorted(cells.cell_of)
    chance = random.Random(seed)
    listed = in_order(cells, min(count, len(ids) - 1), seed)
    rest = [i for i in ids if i not in listed]
    listed += chance.sample(rest, min(strays, len(rest) - 1))
    heard = Heard(listed)
    text = seen.encode(heard, cells, seed)  # remembers its encoding on the list
    if read:  # the list as a new process reads it from its stored form
        fresh = ContentIndex.of(content)
        cells = fresh.gratitude_cells if gratitude else fresh.question_cells
        heard = seen.decode(text, cells, seed)
    for _ in range(more):
        unheard = [i for i in ids if i not in heard]
        if not unheard:
            break
        heard = heard.plus(chance.choice(unheard))
        seen.encode(heard, cells, seed)
    for cell in sorted(cells.members):
        whole = cells.order(seed, cell).whole().ids
        assert _first_unheard(cells.unheard(seed, cell, heard), heard) == _first_unheard(
            whole, heard
        )


def test_a_cell_heard_first_is_walked_without_testing_a_heard_id(
    content: LocaleContent,
) -> None:
    """Late in a cycle, tonight's draw from a read record and from the list its save grew
    tests one id or two, not the cell's heard stretch."""
    index = ContentIndex.of(content)
    cells = index.question_cells
    seed = 0x5EED
    heard = seen.decode(seen.encode(in_order(cells, 700, seed), cells, seed), cells, seed)
    pool = draws.Pool.of(content.questions, lambda q: q.id)
    tested: list[str] = []

    class Counted(frozenset[str]):
        def __contains__(self, item: object) -> bool:
            tested.append(str(item))
            return super().__contains__(item)

    for step in range(3):
        fresh, listed = draws.fresh_past(pool, heard, index.questions.ids)
        order = functools.partial(index.question_order, seed, listed)
        tested.clear()
        question = draws.first_fresh(
            fresh, Counted(listed), random.Random(step), lambda q: (q.depth, q.theme), order
        )
        assert question.id not in listed
        assert len(tested) <= 2, f"draw {step} tested {len(tested)} ids"
        heard = listed.plus(question.id)
        seen.encode(heard, cells, seed)
