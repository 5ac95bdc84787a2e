"""Section 3: cold start. A fresh interpreter imports ``lambda/lambda_function.py`` and answers
one LaunchRequest, against a bare ask-sdk + boto3-client Lambda doing the same (one GetItem,
one PutItem), both on the same dynalite. ``python -X importtime`` says what dominates.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import dynalite
from bench.harness import AWS_TEST_ENV, LAMBDA_FILE
from bench.stats import Figure, Sample
from skill.tools.envelopes import Conversation

BENCH_DIR = Path(__file__).resolve().parent
CHILD = BENCH_DIR / "coldstart_child.py"
BARE_LAMBDA = BENCH_DIR / "bare_lambda.py"
MAX_RATIO = 1.3


def _launch_event() -> str:
    conversation = Conversation(user_id=f"amzn1.ask.account.cold-{uuid.uuid4().hex}")
    return json.dumps(conversation.launch(datetime.now(UTC)))


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEART_", "BARE_"))}
    env.update(AWS_TEST_ENV)
    env.update(extra)
    # The skill package is installed in the virtual environment (editable); the lambda file's
    # own directory is on the path as Lambda's task root is. The checkout itself goes first,
    # which is where the editable install points anyway, except in a git worktree that shares
    # another checkout's environment. Lambda requires a salt.
    env["PYTHONPATH"] = str(LAMBDA_FILE.parents[1])
    env.setdefault("HEART_KEY_SALT", "bench-salt")
    return env


def _run(lambda_file: Path, env: dict[str, str], *flags: str) -> tuple[float, dict[str, Any], str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *flags, str(CHILD), str(lambda_file)],
        input=_launch_event(),
        capture_output=True,
        text=True,
        env=env,
        cwd=str(lambda_file.parent),
        timeout=60,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"cold start of {lambda_file.name} failed:\n{done.stderr[-2000:]}")
    phases: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not phases.get("answered"):
        raise RuntimeError(f"{lambda_file.name} answered the LaunchRequest without speech")
    return wall, phases, done.stderr


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


def parse_importtime(stderr: str) -> list[dict[str, Any]]:
    """``-X importtime`` lines as records: module, self and cumulative microseconds, depth."""
    rows = []
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            self_us, cumulative_us, indent, module = match.groups()
            rows.append(
                {
                    "module": module,
                    "self_ms": int(self_us) / 1000,
                    "cumulative_ms": int(cumulative_us) / 1000,
                    "depth": (len(indent) - 1) // 2,
                }
            )
    return rows


def summarise_imports(rows: list[dict[str, Any]], top: int = 10) -> dict[str, Any]:
    """The heaviest imports by cumulative time (outermost first), and self time per package."""
    by_package: dict[str, float] = defaultdict(float)
    for row in rows:
        by_package[row["module"].split(".")[0]] += row["self_ms"]
    outer = [r for r in rows if r["depth"] == 0]
    heaviest = sorted(outer, key=lambda r: r["cumulative_ms"], reverse=True)[:top]
    nested = sorted(rows, key=lambda r: r["cumulative_ms"], reverse=True)[: top * 3]
    return {
        "total_ms": round(sum(r["self_ms"] for r in rows), 1),
        "top_cumulative": [
            {"module": r["module"], "cumulative_ms": round(r["cumulative_ms"], 1)} for r in heaviest
        ],
        "top_nested": [
            {"module": r["module"], "cumulative_ms": round(r["cumulative_ms"], 1)} for r in nested
        ],
        "by_package_ms": {
            name: round(ms, 1)
            for name, ms in sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:top]
        },
    }


def skeletons() -> list[Figure]:
    return [
        Figure(
            id="cold.launch",
            section="3 cold start",
            label="import + first launch (dynalite)",
            unit="ms",
            max_ratio=MAX_RATIO,
            target=f"<= {MAX_RATIO}x",
        )
    ]


def run(runs: int, endpoint: str | None, reason: str = "") -> tuple[list[Figure], dict[str, Any]]:
    (figure,) = skeletons()
    if endpoint is None:
        figure.not_measured = reason or "dynalite not available"
        return [figure], {}
    skill_table = f"cold-{uuid.uuid4().hex[:10]}"
    bare_table = f"cold-bare-{uuid.uuid4().hex[:10]}"
    dynalite.create_table(endpoint, skill_table)
    dynalite.create_table(endpoint, bare_table)
    skill_env = _env({"HEART_STORE": dynalite.store_url(endpoint, skill_table)})
    bare_env = _env({"BARE_TABLE": bare_table, "BARE_ENDPOINT": endpoint})
    for _ in range(2):  # compile bytecode and fill the page cache; not counted
        _run(LAMBDA_FILE, skill_env)
        _run(BARE_LAMBDA, bare_env)
    skill_wall: list[float] = []
    bare_wall: list[float] = []
    skill_phases: list[dict[str, Any]] = []
    bare_phases: list[dict[str, Any]] = []
    for _ in range(runs):  # interleaved, so drift on the machine affects both alike
        wall, phases, _ = _run(LAMBDA_FILE, skill_env)
        skill_wall.append(wall * 1000)
        skill_phases.append(phases)
        wall, phases, _ = _run(BARE_LAMBDA, bare_env)
        bare_wall.append(wall * 1000)
        bare_phases.append(phases)
    figure.value = Sample.of("lambda_function.py", skill_wall)
    figure.baseline = Sample.of("bare ask-sdk+boto3", bare_wall)

    def phase_medians(phases: list[dict[str, Any]]) -> dict[str, float]:
        keys = ("init_s", "invoke_s")
        return {k.removesuffix("_s") + "_ms": _median([p[k] * 1000 for p in phases]) for k in keys}

    _, breakdown, _ = _run(LAMBDA_FILE, {**skill_env, "BENCH_INIT_BREAKDOWN": "1"})
    _, _, skill_importtime = _run(LAMBDA_FILE, skill_env, "-X", "importtime")
    _, _, bare_importtime = _run(BARE_LAMBDA, bare_env, "-X", "importtime")
    skill_imports = summarise_imports(parse_importtime(skill_importtime))
    bare_imports = summarise_imports(parse_importtime(bare_importtime))
    figure.detail = {
        "skill_phases_ms": phase_medians(skill_phases),
        "bare_phases_ms": phase_medians(bare_phases),
        "skill_init_breakdown_ms": {
            k.removesuffix("_s") + "_ms": round(v * 1000, 1)
            for k, v in breakdown.items()
            if k in ("catalog_load_s", "open_store_s")
        },
        "skill_modules": skill_phases[-1]["modules"],
        "bare_modules": bare_phases[-1]["modules"],
    }
    notes = {"skill_imports": skill_imports, "bare_imports": bare_imports}
    return [figure], notes


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 1)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)
