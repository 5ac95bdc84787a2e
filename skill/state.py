"""Persisted household state and per-session state, with schema versions.

The household record is what the store keeps between nights: ids, counters and preferences,
never anything a partner said. The session record travels in Alexa's session attributes and
dies with the session. Both are plain dataclasses so flows can compare "before" and "after"
and the turn runner can skip the write when nothing changed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

#: Bump when the household shape changes incompatibly, and teach ``migrate`` the step.
SCHEMA_VERSION = 1

#: How many past nights to remember for "last night's question" and the weekly recap.
HISTORY_NIGHTS = 14
#: Favourites are a short list a couple curates, not an archive.
MAX_FAVOURITES = 50


@dataclass
class Tonight:
    """The question chosen for one night, so asking again the same evening gives the same."""

    night: str = ""
    question_id: str = ""


@dataclass
class NightEntry:
    """One past night: which question was tonight's."""

    night: str = ""
    question_id: str = ""


@dataclass
class QuestionPrefs:
    """How the couple likes their questions: depth 1-3 (None: light and personal) and theme."""

    depth: int | None = None
    theme: str | None = None


@dataclass
class Household:
    """Everything kept for one household (one Amazon account) between sessions."""

    schema: int = SCHEMA_VERSION
    visits: int = 0
    first_night: str = ""
    last_night: str = ""
    cycle: int = 1
    heard: list[str] = field(default_factory=list)
    tonight: Tonight = field(default_factory=Tonight)
    history: list[NightEntry] = field(default_factory=list)
    favourites: list[str] = field(default_factory=list)
    prefs: QuestionPrefs = field(default_factory=QuestionPrefs)
    names: list[str] = field(default_factory=list)
    voices: list[str] = field(default_factory=list)


@dataclass
class Session:
    """What one Alexa session remembers: where the dialog is, and what was said last."""

    context: str = "top"
    question_id: str = ""
    offer: str = ""
    last_speech: list[list[Any]] = field(default_factory=list)
    last_reprompt: list[list[Any]] = field(default_factory=list)
    time_zone: str = ""


@dataclass
class State:
    """The pair a flow works on."""

    household: Household
    session: Session


T = TypeVar("T")


def _convert(tp: Any, value: Any) -> Any:
    """Coerce a JSON value into ``tp``; raise ValueError when it can't be done faithfully."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {type(value).__name__}")
        return [_convert(item_tp, v) for v in value]
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"expected an object, got {type(value).__name__}")
        _, val_tp = typing.get_args(tp)
        return {str(k): _convert(val_tp, v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return from_dict(tp, value)
    if tp is Any:
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"expected an integer, got {value!r}")
        return int(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected a boolean, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {type(value).__name__}")
        return value
    return value


def from_dict(cls: type[T], data: Any) -> T:
    """Build a dataclass from JSON, ignoring unknown keys and defaulting missing ones.

    Unknown keys are tolerated so that an older deployment can read a newer record during a
    rollout; a wrongly typed value raises ValueError, so corruption is never silently saved.
    """
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            try:
                kwargs[f.name] = _convert(hints[f.name], data[f.name])
            except ValueError as exc:
                raise ValueError(f"{cls.__name__}.{f.name}: {exc}") from exc
    return cls(**kwargs)


def to_dict(obj: Any) -> dict[str, Any]:
    """Serialise a dataclass to JSON-compatible data (ints and strings only, no floats)."""
    return dataclasses.asdict(obj)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored household up to ``SCHEMA_VERSION`` (no steps yet: version 1 is first)."""
    version = data.get("schema", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(f"household schema {version!r} is newer than this code understands")
    return {**data, "schema": SCHEMA_VERSION}


def household_from_json(data: dict[str, Any] | None) -> Household:
    """The household for stored data, or a fresh one when nothing is stored."""
    if data is None:
        return Household()
    return from_dict(Household, migrate(data))


def session_from_json(data: Any) -> Session:
    """Session attributes are client-supplied: anything malformed yields a fresh session."""
    try:
        return from_dict(Session, data if isinstance(data, dict) else {})
    except ValueError:
        return Session()
