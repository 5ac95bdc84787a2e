"""Figures: a median and a p99 over many runs, beside a baseline measured in the same run."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    fraction = rank - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * fraction)


@dataclass(frozen=True)
class Sample:
    """Median and p99 of a list of measurements (the p99 of throughput is its 1st percentile:
    the rate 99 % of windows reached)."""

    label: str
    median: float
    p99: float
    n: int

    @classmethod
    def of(cls, label: str, values: Sequence[float], higher_is_better: bool = False) -> Sample:
        tail = percentile(values, 1 if higher_is_better else 99)
        return cls(label, float(statistics.median(values)), tail, len(values))

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "median": self.median, "p99": self.p99, "n": self.n}


@dataclass
class Figure:
    """One row of the table: a measurement, its baseline, their ratio, and the target."""

    id: str
    section: str
    label: str
    unit: str
    value: Sample | None = None
    baseline: Sample | None = None
    #: ``max_ratio``: the ratio must not exceed it; ``min_ratio``: it must reach it.
    max_ratio: float | None = None
    min_ratio: float | None = None
    #: The same limit on the ratio of the p99s (a target "median and p99").
    max_ratio_p99: float | None = None
    #: An absolute limit on the measurement's p99 (round trips: "at most one write").
    max_value: float | None = None
    target: str = ""
    not_measured: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        return self.value is not None and self.baseline is not None and not self.not_measured

    @property
    def ratio(self) -> float | None:
        if not self.measured:
            return None
        assert self.value is not None and self.baseline is not None
        return _ratio(self.value.median, self.baseline.median)

    @property
    def ratio_p99(self) -> float | None:
        if not self.measured:
            return None
        assert self.value is not None and self.baseline is not None
        return _ratio(self.value.p99, self.baseline.p99)

    @property
    def met(self) -> bool | None:
        """Whether the target holds (ratio targets on the medians, and on the p99s when
        ``max_ratio_p99`` is set; absolute limits on the p99); None when there is no target
        or nothing was measured."""
        if not self.measured or self.value is None:
            return None
        checks: list[bool] = []
        if self.max_value is not None:
            checks.append(self.value.p99 <= self.max_value + 1e-9)
        ratio = self.ratio
        if self.max_ratio is not None:
            checks.append(ratio is not None and ratio <= self.max_ratio + 1e-9)
        if self.min_ratio is not None:
            checks.append(ratio is not None and ratio >= self.min_ratio - 1e-9)
        if self.max_ratio_p99 is not None:
            tail = self.ratio_p99
            checks.append(tail is not None and tail <= self.max_ratio_p99 + 1e-9)
        return all(checks) if checks else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "section": self.section,
            "label": self.label,
            "unit": self.unit,
            "status": "measured" if self.measured else "not measured",
        }
        if self.measured:
            assert self.value is not None and self.baseline is not None
            out.update(
                median=self.value.median,
                p99=self.value.p99,
                n=self.value.n,
                baseline=self.baseline.to_json(),
                ratio=self.ratio,
                ratio_p99=self.ratio_p99,
            )
        else:
            out["reason"] = self.not_measured or "not measured"
        out["target"] = self.target
        if self.max_ratio is not None:
            out["max_ratio"] = self.max_ratio
        if self.min_ratio is not None:
            out["min_ratio"] = self.min_ratio
        if self.max_ratio_p99 is not None:
            out["max_ratio_p99"] = self.max_ratio_p99
        if self.max_value is not None:
            out["max_value"] = self.max_value
        out["met"] = self.met
        if self.detail:
            out["detail"] = self.detail
        return out


def _ratio(value: float, baseline: float) -> float | None:
    """value / baseline; None when the baseline is zero and the value is not."""
    if baseline == 0:
        return 0.0 if value == 0 else None
    return value / baseline
