"""Section 4: content load. ``Catalog.load`` (schemas compiled, every file read, validated,
checked and indexed) on the real content, and on ten times the content (generated copies
with unique ids in a temporary directory) to show how it grows.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.stats import Figure, Sample
from skill.runtime.catalog import Catalog, ContentError
from tests.support.decks import copy_id, renamed

CONTENT_DIR = ROOT / "content"
#: Growth beyond linear (10x the content in more than 10x the time) would mean an index that
#: scans; the schemas' fixed compile cost makes honest growth well under 10x.
MAX_GROWTH = 10.0


def scale(data: Any, factor: int) -> Any:
    """``factor`` times the items of a content file: every top-level list of objects with ids
    repeated with renamed ids, and every top-level map of phrase keys repeated with renamed
    keys. Anything else (locale, single settings) is kept as it is."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "id" in v for v in value)
        ):
            out[key] = value + [renamed(v, c) for c in range(1, factor) for v in value]
        elif key == "phrases" and isinstance(value, dict):
            grown = dict(value)
            for c in range(1, factor):
                grown.update({copy_id(k, c): v for k, v in value.items()})
            out[key] = grown
        else:
            out[key] = value
    return out


def scaled_copy(target: Path, factor: int) -> dict[str, Any]:
    """Write ``factor`` x the content to ``target``; files whose copies the schema or the
    catalog refuses (a cross-reference the renaming broke) are kept at 1x and reported."""
    shutil.copytree(CONTENT_DIR, target)
    files = sorted(p for p in target.glob("*/*.json") if p.parent.name != "schema")
    kept: list[Path] = []
    originals = {p: p.read_text(encoding="utf-8") for p in files}
    for path in files:
        path.write_text(json.dumps(scale(json.loads(originals[path]), factor)), encoding="utf-8")
    for _ in range(len(files) + 1):
        try:
            Catalog.load(target)
            break
        except ContentError as error:
            culprit = next((p for p in files if str(p) in str(error) and p not in kept), None)
            if culprit is None:
                raise
            culprit.write_text(originals[culprit], encoding="utf-8")
            kept.append(culprit)
    scaled = [p.relative_to(target).as_posix() for p in files if p not in kept]
    size = sum(p.stat().st_size for p in files)
    return {
        "scaled_files": scaled,
        "kept_files": [p.relative_to(target).as_posix() for p in kept],
        "bytes": size,
    }


def count_items(directory: Path) -> int:
    """Content items: every object with an id, and every phrase key."""

    def walk(node: Any) -> int:
        if isinstance(node, dict):
            own = 1 if isinstance(node.get("id"), str) else 0
            phrases = node.get("phrases")
            keys = len(phrases) if isinstance(phrases, dict) else 0
            return own + keys + sum(walk(v) for v in node.values())
        if isinstance(node, list):
            return sum(walk(v) for v in node)
        return 0

    files = (p for p in directory.glob("*/*.json") if p.parent.name != "schema")
    return sum(walk(json.loads(p.read_text(encoding="utf-8"))) for p in files)


def _time_load(directory: Path, runs: int) -> tuple[list[float], int]:
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        Catalog.load(directory)
        times.append((time.perf_counter() - started) * 1000)
    return times, count_items(directory)


def _time_raw(directory: Path, runs: int) -> list[float]:
    """The floor: reading and parsing the same JSON files, nothing else."""
    files = sorted(p for p in directory.glob("*/*.json") if p.parent.name != "schema")
    schemas = sorted((directory / "schema").glob("*.schema.json"))
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        for path in (*schemas, *files):
            json.loads(path.read_text(encoding="utf-8"))
        times.append((time.perf_counter() - started) * 1000)
    return times


def skeletons() -> list[Figure]:
    load = Figure(
        id="content.load",
        section="4 content load",
        label="Catalog.load",
        unit="ms",
        target="reported",
    )
    grown = Figure(
        id="content.load_10x",
        section="4 content load",
        label="Catalog.load, 10x content",
        unit="ms",
        max_ratio=MAX_GROWTH,
        target=f"<= {MAX_GROWTH:g}x (linear)",
    )
    return [load, grown]


def run(runs: int) -> tuple[list[Figure], dict[str, Any]]:
    load, grown = skeletons()
    once, items = _time_load(CONTENT_DIR, runs)
    raw = _time_raw(CONTENT_DIR, runs)
    base_bytes = sum(
        p.stat().st_size for p in CONTENT_DIR.glob("*/*.json") if p.parent.name != "schema"
    )
    load.value = Sample.of("Catalog.load", once)
    load.baseline = Sample.of("json.loads only", raw)
    load.detail = {"items": items, "bytes": base_bytes}
    with tempfile.TemporaryDirectory(prefix="bench-content-") as tmp:
        target = Path(tmp) / "content"
        info = scaled_copy(target, 10)
        ten, ten_items = _time_load(target, runs)
    grown.value = Sample.of("Catalog.load 10x", ten)
    grown.baseline = Sample.of("1x content", once)
    grown.detail = {"items": ten_items, **info}
    return [load, grown], {}
