"""``python -m bench``: run every benchmark, print one table, write bench/results.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.harness import AWS_TEST_ENV, ROOT
from bench.stats import Figure

DEFAULT_OUT = ROOT / "bench" / "results.json"


@dataclass(frozen=True)
class Plan:
    """How many runs each section makes. The full plan takes a few minutes on two cores."""

    nights_sqlite: int
    nights_dynalite: int
    warmup: int
    cold_runs: int
    content_runs: int
    web_runs: int
    web_seconds: float
    #: Nights of everything lived on 1x, 10x and 100x decks for the household's size.
    deck_nights: int = 1000
    #: Measured evenings of each turn kind on 1x, 10x and 100x content.
    scale_nights: int = 300
    #: Fresh processes timing households' first turns at each of 1x and 100x.
    first_processes: int = 6


FULL = Plan(
    nights_sqlite=2000,
    nights_dynalite=700,
    warmup=30,
    cold_runs=40,
    content_runs=60,
    web_runs=10,
    web_seconds=4.0,
)
QUICK = Plan(
    nights_sqlite=10,
    nights_dynalite=5,
    warmup=2,
    cold_runs=2,
    content_runs=3,
    web_runs=1,
    web_seconds=1.0,
    deck_nights=3,
    scale_nights=3,
    first_processes=2,
)
SECTIONS = ("turns", "cold", "content", "web", "sizes")


@contextmanager
def _dynalite(errors: dict[str, str]) -> Iterator[tuple[str | None, str]]:
    from tests.support import dynalite

    try:
        with dynalite.dynalite() as endpoint:
            yield endpoint, ""
    except FileNotFoundError as error:
        yield None, str(error)
    except RuntimeError as error:
        errors["dynalite"] = str(error)
        yield None, f"dynalite failed to start: {str(error).splitlines()[0]}"


#: Each section's module; its ``skeletons()`` lists the figures it reports, in table order.
MODULES = {
    "turns": "bench.turns",
    "cold": "bench.coldstart",
    "content": "bench.content",
    "web": "bench.web",
    "sizes": "bench.sizes",
}


def _complete(
    measured: list[Figure | report.Result], only: tuple[str, ...], errors: dict[str, str]
) -> list[report.Result]:
    """Every figure of the sections run, in table order; a figure a failed section never
    produced is listed as not measured, with the failure."""
    import importlib

    by_id = {r.name: r for r in report.results_of(measured)}
    out: list[report.Result] = []
    for name in SECTIONS:
        if name not in only:
            continue
        try:
            skeletons = report.results_of(importlib.import_module(MODULES[name]).skeletons())
        except Exception:
            errors.setdefault(name, traceback.format_exc())
            skeletons = []
        failure = errors.get(name, "").strip().splitlines()
        for skeleton in skeletons:
            result = by_id.pop(skeleton.name, None)
            if result is None:
                reason = f"section {name} failed: {failure[-1]}" if failure else "not produced"
                result = replace(
                    skeleton, value=None, baseline=None, ratio=None, met=None, reason=reason
                )
            out.append(result)
    return out + list(by_id.values())


def run(plan: Plan, quick: bool, only: tuple[str, ...], out: Path) -> dict[str, Any]:
    os.environ.update(AWS_TEST_ENV)
    started = time.perf_counter()
    figures: list[Figure | report.Result] = []
    notes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    item_sizes: list[int] = []

    def section(name: str, body: Callable[[], None]) -> None:
        if name not in only:
            return
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            body()
        except Exception:
            errors[name] = traceback.format_exc()
            print(errors[name], file=sys.stderr)
        notes.setdefault("seconds", {})[name] = round(time.perf_counter() - t0, 1)

    with ExitStack() as stack:
        endpoint, dynalite_reason = None, "not started"
        if {"turns", "cold"} & set(only):
            endpoint, dynalite_reason = stack.enter_context(_dynalite(errors))

        def turns() -> None:
            from bench import turns as section_turns

            found, turn_notes, sizes = section_turns.run(
                plan.nights_sqlite,
                plan.nights_dynalite,
                plan.warmup,
                endpoint,
                dynalite_reason,
                plan.scale_nights,
                plan.first_processes,
            )
            figures.extend(found)
            notes["turns"] = turn_notes
            item_sizes.extend(sizes)

        def cold() -> None:
            from bench import coldstart

            found, cold_notes = coldstart.run(plan.cold_runs, endpoint, dynalite_reason)
            figures.extend(found)
            notes["cold"] = cold_notes

        section("turns", turns)
        section("cold", cold)

    def content() -> None:
        from bench import content as section_content

        found, _ = section_content.run(plan.content_runs)
        figures.extend(found)

    def web() -> None:
        from bench import web as section_web

        found, _ = section_web.run(plan.web_runs, plan.web_seconds)
        figures.extend(found)

    def sizes() -> None:
        from bench import sizes as section_sizes

        figures.append(section_sizes.zip_figure())
        figures.extend(section_sizes.deck_figures(plan.deck_nights))
        if item_sizes:
            figures.append(section_sizes.item_figure(item_sizes))
        else:
            figure = section_sizes.item_figure([])
            figure.not_measured = (
                "the turns section failed"
                if "turns" in errors
                else "needs the turns section (--only turns,sizes)"
            )
            figures.append(figure)

    section("content", content)
    section("web", web)
    section("sizes", sizes)
    results_list = _complete(figures, only, errors)
    results: dict[str, Any] = {
        "schema": 1,
        "quick": quick,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "plan": plan.__dict__,
        "figures": [r.to_json() for r in results_list],
        "notes": notes,
        "errors": errors,
        "path": str(out),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report.table(results_list))
    print()
    print(report.notes(results))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few iterations (smoke test)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write results")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections: {SECTIONS}"
    )
    args = parser.parse_args(argv)
    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    results = run(QUICK if args.quick else FULL, args.quick, only, args.out)
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
