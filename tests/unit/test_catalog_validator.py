"""The catalog's schema validator: lean when content passes, exact when it doesn't."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest

from skill.runtime.catalog import Catalog, ContentError, _const_as_enum, _Validator

ROOT = Path(__file__).resolve().parents[2]

KIND_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "kind": {"const": "guess"},
        "const": {"type": "integer"},
    },
    "allOf": [{"if": {"properties": {"kind": {"const": "guess"}}}, "then": {"required": ["n"]}}],
}


def test_valid_data_passes_and_const_still_binds() -> None:
    validate = _Validator(KIND_SCHEMA)
    validate({"kind": "guess", "n": 1, "const": 3})
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        validate({"kind": "match"})


def test_a_failure_is_explained_by_the_detailed_validator() -> None:
    with pytest.raises(fastjsonschema.JsonSchemaValueException) as caught:
        _Validator(KIND_SCHEMA)({"kind": "guess", "n": 1, "const": "three"})
    assert caught.value.path == ["data", "const"]
    assert caught.value.rule == "type"


def test_const_becomes_enum_but_a_property_named_const_does_not() -> None:
    lean = _const_as_enum(KIND_SCHEMA)
    assert lean["properties"]["kind"] == {"enum": ["guess"]}
    assert lean["properties"]["const"] == {"type": "integer"}
    assert lean["allOf"][0]["if"]["properties"]["kind"] == {"enum": ["guess"]}


def test_broken_content_is_still_reported_with_file_item_and_rule(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "en-US" / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    first = data["questions"][0]
    first["depth"] = 9
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        Catalog.load(content)
    message = str(caught.value)
    assert str(path) in message
    assert repr(first["id"]) in message
    assert "depth" in message
