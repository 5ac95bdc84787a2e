"""Section 6: sizes. The Lambda zip (built by ``heart-to-heart build-lambda``) against a bare
ask-sdk Lambda zip built the same way (same pip flags, same pinned versions, sourceless
bytecode, boto3 left to the runtime), and the DynamoDB item of one household after 1,000
simulated nights.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.stats import Figure, Sample
from skill.tools.deploy.lambda_zip import (
    DEFAULT_PYTHON,
    HANDLER_FILE,
    LAMBDA_LOCK,
    SIZE_BUDGET_BYTES,
    BuildOptions,
    lock_pins,
    pip_install_command,
    precompile,
    write_zip,
)

BARE_LAMBDA = Path(__file__).resolve().parent / "bare_lambda.py"
#: The skill's own budget for the zip (3 MB), in KiB as the figure reports it.
ZIP_BUDGET_KIB = SIZE_BUDGET_BYTES / 1024
KEY_CHARS = 32  # skill.runtime.turn.household_key: a 32-character hex digest


def _cli() -> Path:
    return Path(sys.executable).parent / "heart-to-heart"


def builder_missing() -> str:
    if importlib.util.find_spec("skill.tools.deploy.lambda_zip") is None:
        return "Lambda zip builder not present (heart-to-heart build-lambda)"
    if not _cli().exists():
        return f"{_cli()} is missing (make install)"
    return ""


def bare_zip(directory: Path, python_version: str = DEFAULT_PYTHON) -> Path:
    """ask-sdk-core for the Lambda runtime (this machine's architecture), plus the bare Lambda
    file, staged and compiled exactly as the real builder stages ours (sourceless bytecode,
    no per-module cache folders) and zipped the same way."""
    target = directory / "bare-task"
    constraints = directory / "constraints.txt"
    constraints.write_text("\n".join(lock_pins(ROOT / LAMBDA_LOCK)) + "\n", encoding="utf-8")
    version = importlib.metadata.version("ask-sdk-core")
    options = BuildOptions(arch="host", python_version=python_version)
    # The same pip command the real builder runs, for the same runtime, with one requirement.
    done = subprocess.run(
        pip_install_command(options, target, constraints, [f"ask-sdk-core=={version}"]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip could not stage the bare zip: {done.stderr.strip()[-1000:]}")
    for junk in sorted(target.rglob("*"), reverse=True):
        if junk.is_dir() and junk.name in ("__pycache__", "bin"):
            shutil.rmtree(junk)
    shutil.copyfile(BARE_LAMBDA, target / HANDLER_FILE)
    precompile(target, python_version)
    out = directory / "bare.zip"
    write_zip(target, out)
    return out


#: Deck sizes the household is lived on, as multiples of today's content.
DECK_FACTORS = (1, 10, 100)
WRITE_UNIT = 1024


def skeletons() -> list[Figure]:
    return [
        _zip_skeleton(),
        *(_deck_skeleton(f, 1000) for f in DECK_FACTORS),
        _units_skeleton(),
        _item_skeleton(1000),
    ]


def _deck_skeleton(factor: int, nights: int) -> Figure:
    return Figure(
        id=f"size.household_{factor}x",
        section="6 sizes",
        label=f"household item after {nights} nights of everything, {factor}x deck",
        unit="B",
        max_value=WRITE_UNIT,
        target="<= 1 KiB (one write unit)",
    )


def _units_skeleton() -> Figure:
    return Figure(
        id="size.write_units",
        section="6 sizes",
        label="write units per write (1x, 10x, 100x decks)",
        unit="calls",
        max_value=1,
        target="1",
    )


def deck_figures(nights: int) -> list[Figure]:
    """The compact record after ``nights`` of everything on each deck size, against the same
    household in the full shape records had before (measured in the same run), and the write
    units each save costs (DynamoDB bills one per started KB)."""
    from tests.support.nightly import measure

    figures: list[Figure] = []
    units, legacy_units = [], []
    for factor in DECK_FACTORS:
        figure = _deck_skeleton(factor, nights)
        lived = measure(factor, nights)
        last = lived.sizes[-min(100, len(lived.sizes)) :]
        figure.value = Sample.of(f"nights {nights - len(last) + 1}-{nights}", last)
        figure.baseline = Sample.of("same household, full shape", lived.legacy_sizes)
        figure.detail = {"questions": lived.deck, "max_bytes": max(lived.sizes)}
        figures.append(figure)
        units.append(lived.write_units / max(1, lived.writes))
        legacy_units.extend(math.ceil(size / WRITE_UNIT) for size in lived.legacy_sizes)
    write_units = _units_skeleton()
    write_units.value = Sample.of("compact record", units)
    write_units.baseline = Sample.of("full shape", legacy_units)
    figures.append(write_units)
    return figures


def _zip_skeleton() -> Figure:
    return Figure(
        id="size.lambda_zip",
        section="6 sizes",
        label="Lambda zip (sourceless bytecode)",
        unit="KiB",
        max_value=ZIP_BUDGET_KIB,
        target=f"<= 3 MB ({ZIP_BUDGET_KIB:,.0f} KiB)",
    )


def _item_skeleton(nights: int) -> Figure:
    from skill.runtime.store.dynamodb import MAX_ITEM_BYTES

    return Figure(
        id="size.dynamodb_item",
        section="6 sizes",
        label=f"DynamoDB item after {nights} nights",
        unit="B",
        max_value=MAX_ITEM_BYTES,
        target=f"<= {MAX_ITEM_BYTES // 1024} KiB guard",
    )


def zip_figure() -> Figure:
    figure = _zip_skeleton()
    reason = builder_missing()
    if reason:
        figure.not_measured = reason
        return figure
    with tempfile.TemporaryDirectory(prefix="bench-zip-") as tmp:
        directory = Path(tmp)
        ours = directory / "lambda.zip"
        done = subprocess.run(
            # ``-m`` from the checkout, so this tree's builder runs (the console script would
            # import whichever checkout the environment's editable install points at).
            [sys.executable, "-m", "skill.hosts.cli", "build-lambda", "--out", str(ours)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0 or not ours.exists():
            figure.not_measured = f"build-lambda failed: {done.stderr.strip()[-300:]}"
            return figure
        try:
            bare = bare_zip(directory)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            figure.not_measured = f"bare zip: {error}"
            return figure
        size = ours.stat().st_size / 1024
        bare_size = bare.stat().st_size / 1024
        with zipfile.ZipFile(ours) as archive:
            names = archive.namelist()
            unzipped = sum(i.file_size for i in archive.infolist())
        top: dict[str, int] = {}
        with zipfile.ZipFile(ours) as archive:
            for info in archive.infolist():
                head = info.filename.split("/", 1)[0]
                top[head] = top.get(head, 0) + info.compress_size
    figure.value = Sample("heart to heart zip", size, size, 1)
    figure.baseline = Sample("bare ask-sdk zip", bare_size, bare_size, 1)
    largest = sorted(top.items(), key=lambda kv: kv[1], reverse=True)[:6]
    figure.detail = {
        "files": len(names),
        "unzipped_kib": round(unzipped / 1024, 1),
        "largest_kib": {k: round(v / 1024, 1) for k, v in largest},
        "build_output": done.stdout.strip(),
    }
    return figure


def item_bytes(data: dict[str, Any], version: int = 1000) -> tuple[int, int]:
    """(household JSON bytes, DynamoDB item bytes) as the DynamoDB adapter would write them."""
    from skill.runtime.store.dynamodb import DATA_ATTR, PK_ATTR, VERSION_ATTR, item_size

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    item = {
        PK_ATTR: {"S": "k" * KEY_CHARS},
        VERSION_ATTR: {"N": str(version)},
        DATA_ATTR: {"S": text},
    }
    return len(text.encode()), item_size(item)  # type: ignore[arg-type]


def item_figure(sizes: list[int], nights_target: int = 1000) -> Figure:
    """``sizes``: the item's size after each simulated night, in order."""
    figure = _item_skeleton(min(len(sizes), nights_target) if sizes else nights_target)
    if len(sizes) < 8:
        figure.not_measured = "fewer than 8 nights simulated"
        return figure
    end = min(len(sizes), nights_target)
    last = sizes[max(7, end - 100) : end]
    figure.value = Sample.of(f"nights {end - len(last) + 1}-{end}", last)
    figure.baseline = Sample.of("first week", sizes[:7])
    figure.detail = {
        "nights": len(sizes),
        "max_bytes": max(sizes),
        "final_bytes": sizes[-1],
    }
    return figure
