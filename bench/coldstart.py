"""Section 3: cold start, in an emulated Lambda task root built from the real zip.

The skill's zip is built by the real builder (``skill.tools.deploy.lambda_zip``: sourceless
bytecode, the catalog snapshot, nothing unused) and unpacked as Lambda unpacks it; the bare
Lambda (``bench/bare_lambda.py``: ask-sdk-core and a boto3 client doing one GetItem and one
PutItem) is pip-installed for the same runtime and compiled the same way. Each cold start is a
fresh interpreter of the runtime's Python (3.12, as the template says, with only boto3 beside
the standard library, like Lambda's ``/var/runtime``; the venv's Python when there is no
3.12) that imports ``lambda_function`` from its task root (no bytecode written: the task root
is read-only) and answers one LaunchRequest against dynalite. The two are interleaved, so
drift on the shared machine affects both alike. ``python -X importtime`` says what dominates,
and one more pair of runs without the snapshot shows what the snapshot is worth.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import dynalite
from bench.harness import AWS_TEST_ENV
from bench.stats import Figure, Sample
from skill.runtime.catalog_snapshot import SNAPSHOT_NAME
from skill.tools.deploy.lambda_zip import (
    BuildOptions,
    BuildResult,
    build_lambda_zip,
    find_python,
)
from skill.tools.envelopes import Conversation

BENCH_DIR = Path(__file__).resolve().parent
#: The content the zip was built from, for the task root without its snapshot.
REPO_CONTENT = BENCH_DIR.parent / "content"
CHILD = BENCH_DIR / "coldstart_child.py"
BARE_LAMBDA = BENCH_DIR / "bare_lambda.py"
MAX_RATIO = 1.1
#: The runtime the deployment template names.
RUNTIME_PYTHON = "3.12"


@dataclass(frozen=True)
class TaskRoots:
    """Both Lambdas unpacked as Lambda would, and the interpreter that plays the runtime."""

    python: str
    python_version: str
    skill: Path
    bare: Path
    built: BuildResult
    bare_zip: Path


def runtime_python() -> tuple[str, str]:
    """(interpreter, version): a clean Python 3.12 with only boto3, else this venv's Python."""
    python = find_python(RUNTIME_PYTHON)
    if python is not None:
        try:
            from tests.support.lambda_runtime import lambda_like_venv

            return str(lambda_like_venv(Path(python))), RUNTIME_PYTHON
        except (OSError, subprocess.SubprocessError):
            pass
    return sys.executable, f"{sys.version_info.major}.{sys.version_info.minor}"


def _unpack(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(target)
    return target


def build_task_roots(directory: Path) -> TaskRoots:
    """Build both zips for this machine and the runtime's Python, and unpack them."""
    from bench.sizes import bare_zip

    python, version = runtime_python()
    built = build_lambda_zip(
        BuildOptions(out=directory / "lambda.zip", arch="host", python_version=version)
    )
    bare = bare_zip(directory, version)
    return TaskRoots(
        python=python,
        python_version=version,
        skill=_unpack(built.path, directory / "task-skill"),
        bare=_unpack(bare, directory / "task-bare"),
        built=built,
        bare_zip=bare,
    )


def _launch_event() -> str:
    conversation = Conversation(user_id=f"amzn1.ask.account.cold-{uuid.uuid4().hex}")
    return json.dumps(conversation.launch(datetime.now(UTC)))


def _unseal(content: Path) -> None:
    """Put the repository's content files (compact, as the zip builder stages them) where a
    sealed snapshot stood."""
    source = REPO_CONTENT
    for path in sorted(source.rglob("*.json")):
        target = content / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(path.read_text(encoding="utf-8"))
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _env(task_root: Path, extra: dict[str, str]) -> dict[str, str]:
    """Lambda's environment: the task root on the path and as the working directory, no
    bytecode written (``/var/task`` is read-only), the function's variables."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    env.update(AWS_TEST_ENV)
    env.update(
        {
            "PYTHONPATH": str(task_root),
            "PYTHONDONTWRITEBYTECODE": "1",
            "LAMBDA_TASK_ROOT": str(task_root),
            "HEART_KEY_SALT": "bench-salt",
        }
    )
    env.update(extra)
    return env


def _run(
    python: str, child: Path, task_root: Path, env: dict[str, str], *flags: str
) -> tuple[float, dict[str, Any], str]:
    lambda_file = task_root / "lambda_function.py"
    started = time.time()
    done = subprocess.run(
        [python, *flags, str(child), str(lambda_file)],
        input=_launch_event(),
        capture_output=True,
        text=True,
        env=env,
        cwd=str(task_root),
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold start in {task_root.name} failed:\n{done.stderr[-2000:]}")
    phases: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # From starting the process to the answer being ready: the interpreter's start, the
    # handler's import and the first invoke, as a Lambda cold start has them (not its exit).
    wall = phases["done_at"] - started
    if not phases.get("answered"):
        raise RuntimeError(f"{task_root.name} answered the LaunchRequest without speech")
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
            label="cold start: process start to first launch answered (zip task root, dynalite)",
            unit="ms",
            max_ratio=MAX_RATIO,
            target=f"<= {MAX_RATIO}x bare Lambda",
        ),
        Figure(
            id="cold.init_invoke",
            section="3 cold start",
            label="cold start: handler import + first launch only",
            unit="ms",
            target="reported (the interpreter's own start excluded)",
        ),
    ]


def run(runs: int, endpoint: str | None, reason: str = "") -> tuple[list[Figure], dict[str, Any]]:
    launch, own = skeletons()
    if endpoint is None:
        launch.not_measured = own.not_measured = reason or "dynalite not available"
        return [launch, own], {}
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        directory = Path(tmp)
        roots = build_task_roots(directory)
        # The bootstrap lives outside the task roots, as Lambda's does in /var/runtime, so
        # the script's own folder on sys.path can shadow nothing.
        runtime = directory / "runtime"
        runtime.mkdir()
        child = Path(shutil.copy(CHILD, runtime / CHILD.name))
        return _measure(runs, endpoint, roots, child, launch, own)


def _measure(
    runs: int,
    endpoint: str,
    roots: TaskRoots,
    child: Path,
    launch: Figure,
    own: Figure,
) -> tuple[list[Figure], dict[str, Any]]:
    skill_table = f"cold-{uuid.uuid4().hex[:10]}"
    bare_table = f"cold-bare-{uuid.uuid4().hex[:10]}"
    dynalite.create_table(endpoint, skill_table)
    dynalite.create_table(endpoint, bare_table)
    skill_env = _env(roots.skill, {"HEART_STORE": dynalite.store_url(endpoint, skill_table)})
    bare_env = _env(roots.bare, {"BARE_TABLE": bare_table, "BARE_ENDPOINT": endpoint})
    python = roots.python
    # What the snapshot is worth: the same task root without it (full validation at init),
    # so with the content files the sealed snapshot replaced, staged as the builder stages them.
    unsnapped = roots.skill.with_name("task-skill-no-snapshot")
    shutil.copytree(roots.skill, unsnapped)
    (unsnapped / "content" / SNAPSHOT_NAME).unlink()
    _unseal(unsnapped / "content")
    unsnapped_env = {**skill_env, "PYTHONPATH": str(unsnapped), "LAMBDA_TASK_ROOT": str(unsnapped)}
    plan = (
        ("skill", roots.skill, skill_env),
        ("bare", roots.bare, bare_env),
        ("no_snapshot", unsnapped, unsnapped_env),
    )
    for _ in range(2):  # fill the page cache; not counted
        for _, root, env in plan:
            _run(python, child, root, env)
    walls: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    phases: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in plan}
    for _ in range(runs):  # interleaved, so drift on the machine affects all alike
        for name, root, env in plan:
            wall, found, _ = _run(python, child, root, env)
            walls[name].append(wall * 1000)
            phases[name].append(found)
    launch.value = Sample.of("heart to heart zip", walls["skill"])
    launch.baseline = Sample.of("bare ask-sdk + boto3 zip", walls["bare"])

    def own_ms(name: str) -> list[float]:
        return [(p["init_s"] + p["invoke_s"]) * 1000 for p in phases[name]]

    own.value = Sample.of("heart to heart zip", own_ms("skill"))
    own.baseline = Sample.of("bare ask-sdk + boto3 zip", own_ms("bare"))
    without = walls["no_snapshot"]

    _, breakdown, _ = _run(python, child, roots.skill, {**skill_env, "BENCH_INIT_BREAKDOWN": "1"})
    _, _, skill_importtime = _run(python, child, roots.skill, skill_env, "-X", "importtime")
    _, _, bare_importtime = _run(python, child, roots.bare, bare_env, "-X", "importtime")

    def phase_medians(found: list[dict[str, Any]]) -> dict[str, float]:
        keys = ("init_s", "invoke_s")
        return {k.removesuffix("_s") + "_ms": _median([p[k] * 1000 for p in found]) for k in keys}

    detail = {
        "python": roots.python_version,
        "skill_phases_ms": phase_medians(phases["skill"]),
        "bare_phases_ms": phase_medians(phases["bare"]),
        "skill_init_breakdown_ms": {
            k.removesuffix("_s") + "_ms": round(v * 1000, 1)
            for k, v in breakdown.items()
            if k in ("catalog_load_s", "open_store_s")
        },
        "without_snapshot_ms": _median(without),
        "without_snapshot_ratio": round(_median(without) / launch.baseline.median, 3),
        "skill_modules": phases["skill"][-1]["modules"],
        "bare_modules": phases["bare"][-1]["modules"],
        "zip_kib": round(roots.built.size / 1024, 1),
        "bare_zip_kib": round(roots.bare_zip.stat().st_size / 1024, 1),
    }
    launch.detail = detail
    notes = {
        "skill_imports": summarise_imports(parse_importtime(skill_importtime)),
        "bare_imports": summarise_imports(parse_importtime(bare_importtime)),
    }
    return [launch, own], notes


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 1)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)
