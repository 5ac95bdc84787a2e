"""The thirty-six and the repair talk read back only the places they wrote: a kept list of
the wrong shape (an older layout, a hand-edited record) is no place at all, never a crash."""

from __future__ import annotations

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import repair, thirtysix
from skill.runtime.state import Household


def test_the_thirty_six_are_three_sets_of_twelve_distinct_questions(
    content: LocaleContent,
) -> None:
    found = thirtysix.questions(content)
    assert len(found) == thirtysix.TOTAL == 36
    assert len({q.id for q in found}) == len({q.text for q in found}) == 36
    assert [q.id.split("-")[0] for q in found[::12]] == ["light", "personal", "deep"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 0], thirtysix.Place(5, 0)),
        ([36, 1], thirtysix.Place(36, 1)),
        ([12, 1, 1], thirtysix.Place(12, 1, quiet=1)),
        ([37, 0], None),
        ([-1, 0], None),
        ([5, 2], None),
        (["light-05", 0], None),
        ([5], None),
        ([], None),
    ],
)
def test_a_kept_thirty_six_place_is_read_only_when_it_makes_sense(
    values: list[int | str], expected: thirtysix.Place | None
) -> None:
    assert thirtysix.kept(Household(kept={"thirtysix": values})) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 1000, 1], repair.Talk(1, 2, 1000, 1)),
        ([1, -1, 0, 0], repair.Talk(1)),
        ([0, 9, 1000, 0], repair.Talk()),
        ([1, 9, 1000, 0], repair.Talk(1)),
        ([1, "x", 1000, 0], repair.Talk()),
        ([1, 2], repair.Talk()),
    ],
)
def test_a_kept_repair_talk_is_read_only_when_it_makes_sense(
    values: list[int | str], expected: repair.Talk
) -> None:
    assert repair.kept(Household(kept={"repair": values})) == expected
