"""Section 4: content load. ``Catalog.load`` as a cold start runs it (from the sealed catalog
snapshot the zip carries: its header and skeleton read and crc-checked, the class shapes
checked, the file's length checked against the parts it lists, the default language's
skeleton unpickled; each content kind's part is left for its first read and each other
language's for its first request) on the real content and on 10x
and 100x the content (generated copies with unique ids in a temporary directory), to show how
it grows; beside each, the same snapshot checked against every content file's hash (a
checkout's folder), and the full load (schemas compiled, every file read, validated, checked
and parsed), which is what runs whenever the content and its snapshot differ.

So that laziness hides nothing, the same load followed by the first read of every kind of the
default language is a figure of its own at each scale, with each kind's first read and the
load of every language (German and Spanish unpickled too) in its detail.
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
from skill.runtime import catalog_snapshot
from skill.runtime.catalog import Catalog, ContentError, LocaleContent
from skill.tools.deploy.lambda_zip import snapshot_catalog
from tests.support.decks import copy_id, renamed

CONTENT_DIR = ROOT / "content"
#: The content scales measured, as multiples of today's content.
FACTORS = (1, 10, 100)
#: ``Catalog.load`` at 1x, at most (ms).
MAX_LOAD_MS = 5.0
#: The full load is slow at 100x (about a second); it is timed a tenth as often, 1 to 5 times.
VALIDATED_RUNS = 5


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


def _time_load(directory: Path, runs: int, snapshot: bool = True) -> list[float]:
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        loaded = Catalog.load(directory) if snapshot else Catalog.load_validated(directory)
        times.append((time.perf_counter() - started) * 1000)
        # Freed after the clock stops: a cold start keeps its catalog, it never frees one
        # (at 100x, freeing the last run's catalog inside the next run's time doubled it).
        del loaded
    if snapshot and catalog_snapshot.read(directory) is None:
        raise RuntimeError(f"{directory}: the snapshot was not used")
    return times


def _default_language(catalog: Catalog) -> list[LocaleContent]:
    language = catalog.default.split("-")[0]
    return [catalog.for_locale(n) for n in catalog.locales if n.split("-")[0] == language]


def _read_every_kind(catalog: Catalog) -> None:
    """Read every value of every kind (and memo entry) of the default language's locales:
    every lazily unpickled kind is unpickled."""
    for content in _default_language(catalog):
        for mapping in (content.sections, content.own, content.memo):
            for key in mapping:
                mapping[key]


def _time_load_and_read(directory: Path, runs: int, every_language: bool) -> list[float]:
    """``Catalog.load`` and then the first read of every kind of the default language (and,
    with ``every_language``, every other language's locales unpickled too)."""
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        loaded = Catalog.load(directory)
        _read_every_kind(loaded)
        if every_language:
            for name in loaded.locales:
                loaded.for_locale(name)
        times.append((time.perf_counter() - started) * 1000)
        del loaded
    return times


def _time_first_reads(directory: Path, runs: int) -> dict[str, float]:
    """Each kind's first read after a load (ms, median): what the first turn that reads it
    pays, once per process (for every English market at once)."""
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        loaded = Catalog.load(directory)
        base = loaded.for_locale(loaded.default)
        for field_name, mapping in (("", base.sections), ("memo:", base.memo)):
            for key in mapping:
                started = time.perf_counter()
                mapping[key]
                times.setdefault(field_name + key, []).append(
                    (time.perf_counter() - started) * 1000
                )
        del loaded
    return {key: round(_median(values), 3) for key, values in times.items()}


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
        label="Catalog.load (sealed snapshot), 1x content",
        unit="ms",
        max_value=MAX_LOAD_MS,
        target=f"<= {MAX_LOAD_MS:g} ms",
    )
    grown = [
        Figure(
            id=f"content.load_{factor}x",
            section="4 content load",
            label=f"Catalog.load (sealed snapshot), {factor}x content",
            unit="ms",
            max_ratio=float(factor),
            target=f"<= {factor}x the 1x load (linear)",
        )
        for factor in FACTORS[1:]
    ]
    every = [
        Figure(
            id=f"content.load_every_kind_{factor}x",
            section="4 content load",
            label=f"Catalog.load + first read of every kind, {factor}x content",
            unit="ms",
            target="reported: what the lazy kinds defer to their first turns"
            + ("" if factor == 1 else f" (linear would be <= {factor}x)"),
        )
        for factor in FACTORS
    ]
    return [load, *grown, *every]


def run(runs: int) -> tuple[list[Figure], dict[str, Any]]:
    load, *rest = skeletons()
    grown, every = rest[: len(FACTORS) - 1], rest[len(FACTORS) - 1 :]
    snapped: dict[int, list[float]] = {}
    read_all: dict[int, list[float]] = {}
    validated: dict[int, list[float]] = {}
    details: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-content-") as tmp:
        for factor in FACTORS:
            target = Path(tmp) / f"content-{factor}x"
            if factor == 1:
                shutil.copytree(CONTENT_DIR, target)
                info: dict[str, Any] = {}
            else:
                info = scaled_copy(target, factor)
            snapshot_catalog(target)
            sealed = Path(tmp) / f"sealed-{factor}x"
            sealed.mkdir()
            name = catalog_snapshot.SNAPSHOT_NAME
            shutil.copyfile(target / name, sealed / name)
            snapped[factor] = _time_load(sealed, runs)
            read_all[factor] = _time_load_and_read(sealed, runs, every_language=False)
            languages = _time_load_and_read(sealed, max(3, runs // 4), every_language=True)
            first_reads = _time_first_reads(sealed, max(3, runs // 4))
            checked = _time_load(target, runs)
            validated_runs = max(1, min(runs // 10, VALIDATED_RUNS))
            validated[factor] = _time_load(target, validated_runs, snapshot=False)
            items = count_items(target)
            details[factor] = {
                "items": items,
                "bytes": sum(
                    p.stat().st_size for p in target.glob("*/*.json") if p.parent.name != "schema"
                ),
                "snapshot_bytes": (target / catalog_snapshot.SNAPSHOT_NAME).stat().st_size,
                "hash_checked_ms": round(_median(checked), 2),
                "validated_ms": round(_median(validated[factor]), 1),
                "validated_us_per_item": round(_median(validated[factor]) * 1000 / items, 1),
                "snapshot_us_per_item": round(_median(snapped[factor]) * 1000 / items, 2),
                "load_and_every_kind_ms": round(_median(read_all[factor]), 2),
                "load_and_every_language_ms": round(_median(languages), 2),
                "first_read_ms": first_reads,
                **{k: v for k, v in info.items() if k == "kept_files"},
            }
        raw = _time_raw(Path(tmp) / "content-1x", runs)
    load.value = Sample.of("Catalog.load from the snapshot", snapped[1])
    load.baseline = Sample.of("full load and validation, same content", validated[1])
    load.detail = {
        **details[1],
        "json_loads_only_ms": round(_median(raw), 2),
        "slope_100x_over_1x": round(_median(snapped[100]) / _median(snapped[1]), 1),
        "slope_100x_over_10x": round(_median(snapped[100]) / _median(snapped[10]), 1),
        "validated_slope_100x_over_1x": round(_median(validated[100]) / _median(validated[1]), 1),
    }
    for figure, factor in zip(grown, FACTORS[1:], strict=True):
        figure.value = Sample.of(f"Catalog.load {factor}x", snapped[factor])
        figure.baseline = Sample.of("1x content", snapped[1])
        figure.detail = details[factor]
    for figure, factor in zip(every, FACTORS, strict=True):
        figure.value = Sample.of(f"load + every kind {factor}x", read_all[factor])
        if factor == 1:
            figure.baseline = Sample.of("Catalog.load alone, 1x", snapped[1])
        else:
            figure.baseline = Sample.of("load + every kind, 1x", read_all[1])
        figure.detail = {
            "load_and_every_language_ms": details[factor]["load_and_every_language_ms"],
            "first_read_ms": details[factor]["first_read_ms"],
        }
    return [load, *grown, *every], {}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
