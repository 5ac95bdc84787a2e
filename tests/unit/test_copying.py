"""``copying.replace`` builds what the class would build with the changed fields: a Struct as
msgspec replaces it, a dataclass exactly as ``dataclasses.replace`` would, or by deferring to it."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import msgspec
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


def _built(obj: msgspec.Struct, **changes: object) -> msgspec.Struct:
    """What replacing means for a Struct: the class called with every field, some changed."""
    return type(obj)(**{**msgspec.structs.asdict(obj), **changes})


def test_a_household_struct_is_copied_with_the_changes_only() -> None:
    household = Household(visits=3, heard=["q1"], journal=[JournalEntry("2026-12-01", "q", "x")])
    heard = ["q1", "q2"]
    changed = copying.replace(household, visits=4, heard=heard)
    assert type(changed) is Household
    assert changed == _built(household, visits=4, heard=heard)
    assert changed.heard is heard and changed.journal is household.journal  # shallow
    assert household.visits == 3 and household.heard == ["q1"]  # the original is untouched
    assert changed is not household


def test_a_session_and_a_frozen_reply_copy_with_their_changes() -> None:
    session = Session()
    assert copying.replace(session, question_id="q9") == _built(session, question_id="q9")
    reply = Reply.tell((Say("hello"),))
    reopened = copying.replace(reply, end_session=False)
    assert reopened == _built(reply, end_session=False) and reopened.speech is reply.speech
    assert reply.end_session is True
    with pytest.raises(AttributeError):
        reopened.end_session = True  # type: ignore[misc]


def test_a_name_that_is_not_a_field_fails_as_it_always_did() -> None:
    with pytest.raises(TypeError):
        copying.replace(Household(), not_a_field=1)
    with pytest.raises(TypeError):
        copying.replace(_Plain(), not_a_field=1)


@dataclass
class _Plain:
    value: int = 1
    items: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _FrozenPlain:
    value: int = 1
    label: str = ""


def test_a_plain_dataclass_copies_as_dataclasses_replace_does() -> None:
    plain = _Plain(2, [1])
    _same(copying.replace(plain, value=3), dataclasses.replace(plain, value=3))
    frozen = _FrozenPlain(2, "x")
    copied = copying.replace(frozen, label="y")
    _same(copied, dataclasses.replace(frozen, label="y"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        copied.value = 5  # type: ignore[misc]


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
