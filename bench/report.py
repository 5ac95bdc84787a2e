"""The one table ``python -m bench`` prints, and the short notes under it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.stats import Figure


@dataclass(frozen=True)
class Result:
    """One figure of ``results.json``, in the shape every section shares: what was measured,
    the baseline measured in the same run, their ratio, the target and whether it holds.

    ``name`` is the figure's stable id (``warm.sqlite.launch``, ``cold.launch``,
    ``size.lambda_zip``, ``content.load_100x``...); ``value`` and ``baseline`` are medians in
    ``unit``. A section may build a ``Result`` directly or return a ``Figure``
    (``bench/stats.py``), which ``Result.of`` turns into one. ``value`` is None (and
    ``reason`` says why) when the figure was not measured.
    """

    name: str
    value: float | None
    baseline: float | None
    ratio: float | None
    target: str
    met: bool | None
    section: str = ""
    label: str = ""
    unit: str = ""
    #: The tails: p99 of the measurement and of the baseline, and their ratio.
    p99: float | None = None
    baseline_p99: float | None = None
    ratio_p99: float | None = None
    baseline_label: str = ""
    n: int = 0
    baseline_n: int = 0
    reason: str = ""
    #: The target's limits, when it has them: on the ratio of the medians (at most, at
    #: least), on the ratio of the p99s, and on the p99 itself.
    max_ratio: float | None = None
    min_ratio: float | None = None
    max_ratio_p99: float | None = None
    max_value: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        return self.value is not None and self.baseline is not None and not self.reason

    @classmethod
    def of(cls, figure: Figure) -> Result:
        value = figure.value if figure.measured else None
        baseline = figure.baseline if figure.measured else None
        return cls(
            name=figure.id,
            value=None if value is None else value.median,
            baseline=None if baseline is None else baseline.median,
            ratio=figure.ratio,
            target=figure.target,
            met=figure.met,
            section=figure.section,
            label=figure.label,
            unit=figure.unit,
            p99=None if value is None else value.p99,
            baseline_p99=None if baseline is None else baseline.p99,
            ratio_p99=figure.ratio_p99,
            baseline_label="" if baseline is None else baseline.label,
            n=0 if value is None else value.n,
            baseline_n=0 if baseline is None else baseline.n,
            reason="" if figure.measured else (figure.not_measured or "not measured"),
            max_ratio=figure.max_ratio,
            min_ratio=figure.min_ratio,
            max_ratio_p99=figure.max_ratio_p99,
            max_value=figure.max_value,
            detail=dict(figure.detail),
        )

    def to_json(self) -> dict[str, Any]:
        """The entry in ``results.json`` (``id`` and ``median`` repeat ``name`` and ``value``
        for readers of the older format)."""
        out: dict[str, Any] = {
            "name": self.name,
            "id": self.name,
            "section": self.section,
            "label": self.label,
            "unit": self.unit,
            "status": "measured" if self.measured else "not measured",
        }
        if self.measured:
            out.update(
                value=self.value,
                median=self.value,
                p99=self.p99,
                n=self.n,
                baseline={
                    "label": self.baseline_label,
                    "median": self.baseline,
                    "p99": self.baseline_p99,
                    "n": self.baseline_n,
                },
                ratio=self.ratio,
                ratio_p99=self.ratio_p99,
            )
        else:
            out["reason"] = self.reason or "not measured"
        out["target"] = self.target
        for name in ("max_ratio", "min_ratio", "max_ratio_p99", "max_value"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        out["met"] = self.met
        if self.detail:
            out["detail"] = self.detail
        return out


def results_of(figures: Sequence[Figure | Result]) -> list[Result]:
    """Every section's figures as ``Result``s (a section may return either)."""
    return [f if isinstance(f, Result) else Result.of(f) for f in figures]


LEGEND = (
    "own cost: the process's CPU in handler(event, context) minus the store calls' CPU; the",
    "  record's JSON text codec inside those calls stays in (it is the household codec's work);",
    "  logging goes through a Lambda-like handler that formats and writes every line.",
    "baselines: bare ask-sdk, same envelopes = a hello-world CustomSkillBuilder skill answering",
    "  each measured turn's very envelope right after it (same request type, intent, session);",
    "  plain botocore get+put = a botocore client's GetItem and PutItem of the night's item;",
    "  1x = the same turn kind on today's content; ask-sdk attributes = the SDK's",
    "  persistent-attributes pattern (read and save every turn); bare ask-sdk+boto3 =",
    "  bench/bare_lambda.py (GetItem and PutItem on launch); json.loads only = parsing the same",
    "  files; verify off = the same server with verification off; bare ask-sdk zip =",
    "  ask-sdk-core for the Lambda runtime plus bench/bare_lambda.py; first week = the item over",
    "  nights 1-7.",
    "p99 of req/s is the rate 99 % of 0.5 s windows reached; 'ok' checks the median ratio, and",
    "  the p99 ratio too where the target says so (warm turns, content at scale).",
)

HEADERS = (
    "figure",
    "median",
    "p99",
    "baseline (median / p99)",
    "ratio (median / p99)",
    "target",
    "ok",
)


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


def rows(figures: Sequence[Figure | Result]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    section = ""
    for result in results_of(figures):
        if result.section != section:
            section = result.section
            out.append((f"[{section}]", "", "", "", "", "", ""))
        if not result.measured:
            out.append(
                (
                    "  " + result.label,
                    f"not measured: {result.reason}",
                    "",
                    "",
                    "",
                    result.target,
                    "",
                )
            )
            continue
        baseline = (
            f"{number(result.baseline, result.unit)} / "
            f"{number(result.baseline_p99, result.unit)}  ({result.baseline_label})"
        )
        ratio = _ratio(result.ratio)
        if result.ratio_p99 is not None:
            ratio += f" / {_ratio(result.ratio_p99)}"
        out.append(
            (
                "  " + result.label,
                number(result.value, result.unit),
                number(result.p99, result.unit),
                baseline,
                ratio,
                result.target,
                _ok(result.met),
            )
        )
    return out


def table(figures: Sequence[Figure | Result]) -> str:
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
    by_kind = results.get("notes", {}).get("turns", {}).get("breakdown_by_kind_us") or {}
    for kind, found in by_kind.items():
        parts = ", ".join(f"{k} {v:.0f}" for k, v in found.items())
        lines.append(f"  {kind} (us per turn): {parts}")
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
