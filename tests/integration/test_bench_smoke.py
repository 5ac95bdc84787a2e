"""The benchmark runs end to end in its quick mode and reports every figure with its baseline.

This keeps ``bench/`` from rotting as the skill changes: it asserts the structure of
``results.json`` and the printed table, never the speed. A figure may be "not measured" only
when the part it measures is absent from the tree (and, under CI, never for lack of dynalite).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DYNALITE = ROOT / "node_modules" / ".bin" / "dynalite"

#: The quick bench runs every section once (about 4 minutes on a fast 2-core VM, over 5 on a
#: slow one, where pytest's own 300 s limit stopped it in CI): the first test, which builds
#: the module's run, gets the time the run itself is given.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1600)]

STORES = ("sqlite", "dynalite")
TIMED = ("launch", "tonight", "exercise", "game", "gratitude")
COUNTED = (*TIMED, "help", "repeat", "stop")
WAITING = "warm.sqlite.stack_waiting"
#: Figures that need a part of the tree other issues build, and the file that brings it.
NEEDS = {
    "exercise": ROOT / "skill" / "runtime" / "flows" / "listening" / "__init__.py",
    "game": ROOT / "skill" / "runtime" / "flows" / "games" / "__init__.py",
    "gratitude": ROOT / "skill" / "runtime" / "flows" / "gratitude.py",
    "web": ROOT / "skill" / "hosts" / "web" / "app.py",
    "zip": ROOT / "skill" / "tools" / "deploy" / "lambda_zip.py",
}


def expected_ids() -> list[str]:
    ids = [f"warm.{store}.{turn}" for store in STORES for turn in TIMED]
    ids += [f"warm.{store}.stack" for store in STORES]
    ids += ["warm.sqlite.stack_waiting", "warm.dynalite.botocore"]
    ids += [f"trips.{turn}.{what}" for turn in COUNTED for what in ("reads", "writes")]
    ids += [f"scale.{turn}" for turn in TIMED] + ["scale.first_turn"]
    ids += ["cold.launch", "cold.init_invoke", "web.rps", "web.latency"]
    ids += ["content.load", "content.load_10x", "content.load_100x"]
    ids += [f"content.load_every_kind_{factor}x" for factor in (1, 10, 100)]
    ids += ["size.lambda_zip", "size.dynamodb_item", "size.write_units"]
    ids += [f"size.household_{factor}x" for factor in (1, 10, 100)]
    return ids


def required_part(figure_id: str) -> Path | None:
    """The file whose presence makes this figure measurable, if it depends on one."""
    for key in ("exercise", "game", "gratitude"):
        if figure_id.endswith(f".{key}") or f".{key}." in figure_id:
            return NEEDS[key]
    if figure_id.startswith("web."):
        return NEEDS["web"]
    if figure_id == "size.lambda_zip":
        return NEEDS["zip"]
    return None


def needs_dynalite(figure_id: str) -> bool:
    return figure_id.startswith("warm.dynalite.") or figure_id.startswith("cold.")


def test_warm_and_scale_figures_have_their_same_run_baseline_and_target(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    """A warm turn is weighed against the bare skill on the same envelopes, median and p99
    both; a turn at 100x content against the same turn at 1x."""
    results, _ = quick_run
    by_id = {f["id"]: f for f in results["figures"]}
    for turn in TIMED:
        for figure_id, baseline in (
            (f"warm.sqlite.{turn}", "same envelope"),
            (f"scale.{turn}", "1x"),
        ):
            figure = by_id[figure_id]
            assert figure["max_ratio"] == figure["max_ratio_p99"] == 1.2, figure_id
            if figure["status"] != "measured":
                continue
            assert baseline in figure["baseline"]["label"], figure_id
            assert figure["name"] == figure_id and figure["value"] == figure["median"]
            both = figure["ratio"] <= 1.2 + 1e-9 and figure["ratio_p99"] <= 1.2 + 1e-9
            assert figure["met"] is both, figure_id
    assert by_id["warm.sqlite.launch"]["detail"]["record_json_ms"]["median"] > 0
    # The floor under each kind's flow on each store, against that kind's own envelopes.
    for store, figure_id in (*((s, f"warm.{s}.stack") for s in STORES), ("sqlite", WAITING)):
        stack = by_id[figure_id]
        if stack["status"] != "measured":
            assert store == "dynalite" and os.environ.get("CI", "").lower() != "true", stack
            continue
        assert store in stack["label"].lower() and "same envelopes" in stack["baseline"]["label"]
        floors = stack["detail"]["by_kind"]
        assert set(floors) == set(TIMED), store
        for turn, floor in floors.items():
            assert abs(floor["ratio"] - floor["own_ms"] / floor["bare_ms"]) < 0.002, turn
            assert floor["ratio_p99"] > 0, turn
    # The waiting stack's calls lasted as long as one of dynalite's did in that run.
    assert by_id[WAITING]["detail"]["wait_ms"] > 0


def test_a_households_first_turn_is_weighed_at_100x_against_1x(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    """The first turn of households a process hasn't met, at each scale: the turn a busy
    Lambda mostly answers, which the warm couple's evenings never show."""
    results, _ = quick_run
    figure = {f["id"]: f for f in results["figures"]}["scale.first_turn"]
    assert figure["status"] == "measured", figure
    assert "1x" in figure["baseline"]["label"]
    assert set(figure["detail"]) == {"1x_ms", "100x_ms"}
    # Timed in fresh processes (the quick plan's two at each scale), each one's median kept.
    for scale in figure["detail"].values():
        assert len(scale["process_medians"]) == 2, scale
        assert min(scale["process_medians"]) <= scale["median"] <= max(scale["process_medians"])
        assert 0 <= scale["turns_collecting"] <= figure["n"], scale
        assert scale["p99_not_collecting"] is None or scale["p99_not_collecting"] > 0, scale
    # Which scale is slower is the measurement, not a property: on a noisy 2-core run the
    # 1x median came out above the 100x one. The ratio must be the two scales' own medians.
    for scale in figure["detail"].values():
        assert 0 < scale["median"] <= scale["p99"], scale
    medians = figure["detail"]["100x_ms"]["median"] / figure["detail"]["1x_ms"]["median"]
    assert abs(figure["ratio"] - medians) <= 0.01 * medians + 0.002, (figure["ratio"], medians)
    assert figure["met"] is (figure["ratio"] <= 1.2 + 1e-9 and figure["ratio_p99"] <= 1.2 + 1e-9)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    if not DYNALITE.exists() and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{DYNALITE} is missing: run `make install` (npm install)")
    out = tmp_path_factory.mktemp("bench") / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEART_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert done.returncode == 0, f"bench failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return json.loads(out.read_text()), done.stdout


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def test_every_figure_is_reported_once(quick_run: tuple[dict[str, Any], str]) -> None:
    results, _ = quick_run
    ids = [f["id"] for f in results["figures"]]
    assert sorted(ids) == sorted(expected_ids())
    assert results["quick"] is True
    assert results["errors"] == {}


def test_measured_figures_have_median_p99_baseline_and_ratio(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    results, _ = quick_run
    for figure in results["figures"]:
        assert figure["label"] and figure["unit"] and figure["target"], figure["id"]
        if figure["status"] != "measured":
            assert figure["status"] == "not measured" and figure["reason"], figure["id"]
            continue
        for key in ("median", "p99", "ratio", "ratio_p99"):
            assert _number(figure[key]), (figure["id"], key, figure.get(key))
        assert figure["n"] >= 1
        baseline = figure["baseline"]
        assert baseline["label"] and baseline["n"] >= 1, figure["id"]
        assert _number(baseline["median"]) and _number(baseline["p99"]), figure["id"]
        if baseline["median"]:
            assert figure["ratio"] == pytest.approx(figure["median"] / baseline["median"])
        assert figure["met"] in (True, False, None)


def test_only_absent_parts_go_unmeasured(quick_run: tuple[dict[str, Any], str]) -> None:
    results, _ = quick_run
    strict = os.environ.get("CI", "").lower() == "true"
    for figure in results["figures"]:
        part = required_part(figure["id"])
        missing_part = part is not None and not part.exists()
        missing_dynalite = needs_dynalite(figure["id"]) and not DYNALITE.exists()
        if figure["status"] == "measured":
            continue
        reason = figure["reason"]
        if figure["id"] == "size.lambda_zip" and not missing_part and not strict:
            # Building the zip needs pip to reach the package index; only CI insists on it.
            assert "pip" in reason or "build-lambda" in reason, reason
            continue
        assert missing_part or missing_dynalite, f"{figure['id']} not measured: {reason}"


def test_round_trip_targets_are_checked(quick_run: tuple[dict[str, Any], str]) -> None:
    results, _ = quick_run
    by_id = {f["id"]: f for f in results["figures"]}
    for turn in ("help", "repeat", "stop"):
        figure = by_id[f"trips.{turn}.writes"]
        assert figure["max_value"] == 0
        assert figure["met"] is (figure["p99"] <= 0)
    assert by_id["trips.launch.reads"]["max_value"] == 1


def test_the_table_shows_every_figure(quick_run: tuple[dict[str, Any], str]) -> None:
    results, stdout = quick_run
    assert "baseline" in stdout.splitlines()[0]
    for figure in results["figures"]:
        assert figure["label"] in stdout, figure["id"]
