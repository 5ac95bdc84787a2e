"""A record's JSON text, written and read by msgspec, is what ``json`` writes and reads.

``store.port.record_text`` and ``record_from_text`` replaced ``json.dumps`` (with the
adapters' arguments) and ``json.loads`` on every save and load. The oracle is the ``json``
module itself, on any JSON value: text for text where the two agree, the same value where
msgspec writes a float shorter, the same refusal for what json refuses.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime.store import port
from skill.runtime.store.port import record_from_text, record_text

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=20,
)
records = st.dictionaries(st.text(max_size=8), values, max_size=6)


def _json(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


@settings(max_examples=500)
@given(record=records)
def test_a_record_is_written_as_json_writes_it(record: dict[str, Any]) -> None:
    try:
        expected = _json(record)
    except (ValueError, UnicodeError):
        with pytest.raises((ValueError, UnicodeError)):
            record_text(record).encode()
        return
    written = record_text(record)
    if _has_float(record):
        assert json.loads(written) == json.loads(expected)
    else:
        assert written == expected


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_is_refused_as_json_refuses_it(number: float) -> None:
    with pytest.raises(ValueError):
        record_text({"n": 1, "x": [number]})


def test_a_record_holding_tuples_is_written_by_msgspec_not_by_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The codec's records hold tuples (a journal night, the together run): their text read
    back has lists, the same JSON, so msgspec's text stands and json is not called."""
    record = {"j": [(0, "qPYvD"), (1, "gAb")], "w": (0, 1, 1), "n": 4, "k": {"x": [1, "a"]}}
    expected = _json(record)

    def refused(_: Any) -> str:
        raise AssertionError("json wrote a record msgspec writes the same")

    monkeypatch.setattr(port, "_json_text", refused)
    assert record_text(record) == expected


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_inside_a_tuple_is_refused_too(number: float) -> None:
    with pytest.raises(ValueError):
        record_text({"j": [(0, "a")], "x": (1, number)})


@pytest.mark.parametrize(
    "record", [{True: 1, "a": (1, 2)}, {"lone": "\ud800"}, {"a": [1, (2, 3)]}, {"n": 2**70}]
)
def test_what_msgspec_cant_write_is_written_by_json(record: dict[Any, Any]) -> None:
    assert record_text(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=500)
@given(
    value=st.recursive(
        scalars | st.floats(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=20,
    ),
    spaced=st.booleans(),
)
def test_a_record_is_read_as_json_reads_it(value: Any, spaced: bool) -> None:
    text = json.dumps(value, ensure_ascii=False) if spaced else json.dumps(value)
    read = record_from_text(text)
    expected = json.loads(text)
    assert json.dumps(read, sort_keys=False) == json.dumps(expected, sort_keys=False)


@pytest.mark.parametrize("text", ["", "{", '{"a":1}x', "[1,]", "nope", '{"a":1,}', b"\xff\xfe"])
def test_text_that_isnt_json_is_refused_as_json_refuses_it(text: str | bytes) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        record_from_text(text)
