"""The one table ``python -m bench`` prints, and the short notes under it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.stats import Figure

LEGEND = (
    "own cost: handler(event, context) time minus the store's own calls (timed by a wrapper).",
    "baselines: bare ask-sdk launch = a hello-world CustomSkillBuilder skill answering the same",
    "  launch envelopes in this process; ask-sdk attributes = the SDK's persistent-attributes",
    "  pattern (read and save every turn); bare ask-sdk+boto3 = bench/bare_lambda.py (GetItem and",
    "  PutItem on launch); json.loads only = parsing the same files; verify off = the same server",
    "  with verification off; bare ask-sdk zip = ask-sdk-core for the Lambda runtime plus",
    "  bench/bare_lambda.py; first week = the item over nights 1-7.",
    "p99 of req/s is the rate 99 % of 0.5 s windows reached; ratios are of the medians.",
)

HEADERS = ("figure", "median", "p99", "baseline (median / p99)", "ratio", "target", "ok")


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        if value >= 100:
            return f"{value:.0f} ms"
        if value >= 10:
            return f"{value:.1f} ms"
        return f"{value:.3f} ms"
    if unit == "calls":
        return f"{value:g}"
    if unit in ("req/s", "B"):
        return f"{value:.0f} {unit}"
    if unit == "KiB":
        return f"{value:,.0f} KiB"
    return f"{value:.3g} {unit}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _ok(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def rows(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    section = ""
    for figure in figures:
        if figure.section != section:
            section = figure.section
            out.append((f"[{section}]", "", "", "", "", "", ""))
        if not figure.measured:
            out.append(
                (
                    "  " + figure.label,
                    f"not measured: {figure.not_measured}",
                    "",
                    "",
                    "",
                    figure.target,
                    "",
                )
            )
            continue
        assert figure.value is not None and figure.baseline is not None
        baseline = (
            f"{number(figure.baseline.median, figure.unit)} / "
            f"{number(figure.baseline.p99, figure.unit)}  ({figure.baseline.label})"
        )
        out.append(
            (
                "  " + figure.label,
                number(figure.value.median, figure.unit),
                number(figure.value.p99, figure.unit),
                baseline,
                _ratio(figure.ratio),
                figure.target,
                _ok(figure.met),
            )
        )
    return out


def table(figures: Sequence[Figure]) -> str:
    body = rows(figures)
    widths = [len(h) for h in HEADERS]
    for row in body:
        for i, cell in enumerate(row):
            if not (i == 1 and row[2] == "" and row[1].startswith("not measured")):
                widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        if cells[1].startswith("not measured"):
            head = cells[0].ljust(widths[0])
            return f"{head}  {cells[1]}".rstrip()
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    return "\n".join([line(HEADERS), rule, *(line(r) for r in body)])


def notes(results: dict[str, Any]) -> str:
    lines: list[str] = []
    cold = results.get("notes", {}).get("cold", {})
    imports = cold.get("skill_imports")
    if imports:
        top = ", ".join(
            f"{i['module']} {i['cumulative_ms']:.0f} ms" for i in imports["top_cumulative"][:5]
        )
        packages = ", ".join(
            f"{k} {v:.0f} ms" for k, v in list(imports["by_package_ms"].items())[:6]
        )
        lines.append(f"cold start imports ({imports['total_ms']:.0f} ms in all): {top}")
        lines.append(f"  self time by package: {packages}")
        bare = cold.get("bare_imports")
        if bare:
            lines.append(f"  bare Lambda imports: {bare['total_ms']:.0f} ms in all")
    for figure in results.get("figures", []):
        if figure["id"] == "cold.launch" and figure.get("detail"):
            detail = figure["detail"]
            lines.append(
                "cold start phases (median): skill "
                + ", ".join(f"{k} {v:.0f} ms" for k, v in detail["skill_phases_ms"].items())
                + "; bare "
                + ", ".join(f"{k} {v:.0f} ms" for k, v in detail["bare_phases_ms"].items())
                + "; skill init includes "
                + ", ".join(f"{k} {v:.0f} ms" for k, v in detail["skill_init_breakdown_ms"].items())
            )
    breakdown = results.get("notes", {}).get("turns", {}).get("breakdown_us")
    if breakdown:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in breakdown.items())
        lines.append(f"a warm turn's own time, sqlite (us per turn): {parts}")
    missing = results.get("notes", {}).get("turns", {}).get("missing")
    if missing:
        lines.append("activities not driven: " + "; ".join(f"{k}: {v}" for k, v in missing.items()))
    lines.extend(LEGEND)
    for name, error in results.get("errors", {}).items():
        lines.append(f"section {name} FAILED: {error.strip().splitlines()[-1]}")
    lines.append(
        f"{results['duration_s']:.0f} s in all{' (quick mode)' if results['quick'] else ''}; "
        f"written to {results['path']}"
    )
    return "\n".join(lines)
