"""Content ten or a hundred times larger than today's: generated copies with unique ids.

Every list of items with ids (questions, prompts, games and their questions, exercises) is
repeated with renamed ids (``dreams-03`` -> ``dreamsxab-03``), so the schemas and the
catalog accept it and a household can draw from a deck ``factor`` times the size. Phrases are
kept as they are: the skill's sentences don't grow with the deck.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from tests.support.dialog import ROOT

_NUMBERED = re.compile(r"^(.*?)(-\d+)$")
#: Files whose items are copied (the rest: phrases, layouts, the manifest, as they are).
SCALED = ("questions.json", "gratitude.json", "games.json", "exercises.json")


def _tag(copy: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "x" + letters[copy // 26] + letters[copy % 26]


def copy_id(value: str, copy: int) -> str:
    """A new id for copy ``copy`` in the id's own shape (lower-case letters, no new
    separator), unique for up to 676 copies, so every schema's id pattern accepts it."""
    match = _NUMBERED.match(value)
    if match:
        return f"{match.group(1)}{_tag(copy)}{match.group(2)}"
    return f"{value}{_tag(copy)}"


def renamed(node: Any, copy: int) -> Any:
    """``node`` with every ``id`` in it renamed for copy ``copy``."""
    if isinstance(node, dict):
        return {
            k: (copy_id(v, copy) if k == "id" and isinstance(v, str) else renamed(v, copy))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [renamed(v, copy) for v in node]
    return node


def scaled_content(target: Path, factor: int) -> Path:
    """``content/`` with every item list ``factor`` times as long, written to ``target``."""
    shutil.copytree(ROOT / "content", target)
    for name in SCALED:
        path = target / "en-US" / name
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in data.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                data[key] = value + [renamed(v, c) for c in range(1, factor) for v in value]
        path.write_text(json.dumps(data), encoding="utf-8")
    return target
