"""``copying.replace`` builds exactly what ``dataclasses.replace`` builds, or defers to it."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import pytest

from skill.runtime import copying
from skill.runtime.reply import Reply, Say
from skill.runtime.state import Household, JournalEntry, Session


def _same(a: object, b: object) -> None:
    assert type(a) is type(b)
    assert a == b
    assert list(vars(a)) == list(vars(b))  # the same attributes, in the same order
    for name, value in vars(a).items():
        assert getattr(b, name) is value  # as shallow as replace's copy


def test_a_household_is_copied_with_the_changes_only() -> None:
    household = Household(visits=3, heard=["q1"], journal=[JournalEntry("2026-12-01", "q", "x")])
    heard = ["q1", "q2"]
    changed = copying.replace(household, visits=4, heard=heard)
    _same(changed, dataclasses.replace(household, visits=4, heard=heard))
    assert household.visits == 3 and household.heard == ["q1"]  # the original is untouched
    assert changed is not household


def test_a_session_and_a_frozen_reply_copy_as_replace_does() -> None:
    session = Session()
    expected = dataclasses.replace(session, question_id="q9")
    _same(copying.replace(session, question_id="q9"), expected)
    reply = Reply.tell((Say("hello"),))
    _same(copying.replace(reply, end_session=False), dataclasses.replace(reply, end_session=False))
    with pytest.raises(dataclasses.FrozenInstanceError):
        copying.replace(reply, end_session=False).end_session = True  # type: ignore[misc]


def test_a_name_that_is_not_a_field_fails_as_it_always_did() -> None:
    with pytest.raises(TypeError):
        copying.replace(Household(), not_a_field=1)


@dataclass
class _Checked:
    value: int
    doubled: int = 0

    def __post_init__(self) -> None:
        self.doubled = self.value * 2


@dataclass
class _Cached:
    items: list[int] = field(default_factory=list)

    @functools.cached_property
    def total(self) -> int:
        return sum(self.items)


def test_classes_the_copy_would_not_match_go_to_replace_itself() -> None:
    assert copying.replace(_Checked(2), value=5).doubled == 10  # __post_init__ ran
    cached = _Cached([1, 2])
    assert cached.total == 3
    assert copying.replace(cached, items=[5]).total == 5  # the cached value is not carried
