"""The chart-sized copy of a run, kept when the run itself is let go.

A report draws each run's loss, accuracy and learning rate, but a log of thousands of runs
cannot keep every point of each. When a report is asked for, each input keeps at most
``MAX_POINTS`` finite points per curve, grouped into the panels the report draws.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from troubleshoot.read.model import RunData, Series

MAX_POINTS = 4000  # per line; more adds nothing visible and bloats the SVG

PANELS = (
    ("loss", ("train/loss", "val/loss", "test/loss")),
    ("accuracy", ("train/acc", "val/acc", "test/acc")),
    ("learning rate", ("lr",)),
)


@dataclass(frozen=True)
class ChartCurve:
    """One series as its chart draws it: at most MAX_POINTS finite points, and the range of
    all its positive values (which decides a log scale), so the run itself can be let go."""

    name: str
    unit: str
    steps: array
    values: array
    positive: tuple[float, float] | None  # smallest and largest positive finite value


@dataclass(frozen=True)
class RunChart:
    """What a report draws of one run: its name and its curves, panel by panel."""

    source: str
    panels: list[tuple[str, list[ChartCurve]]]


def run_chart(run: RunData) -> RunChart:
    """The chart-sized copy of a run: a few thousand points per curve, however long the run."""
    panels = [
        (title, [_curve(run.series[n]) for n in names if n in run.series and len(run.series[n])])
        for title, names in PANELS
    ]
    return RunChart(run.source, [(title, curves) for title, curves in panels if curves])


def _curve(series: Series) -> ChartCurve:
    """Every k-th finite point (non-finite ones cannot be drawn), k keeping MAX_POINTS."""
    values = np.frombuffer(series.values, dtype=np.float64)
    k = max(1, math.ceil(len(values) / MAX_POINTS))
    picked = np.arange(0, len(values), k)
    picked = picked[np.isfinite(values[picked])]
    steps = np.frombuffer(series.steps, dtype=np.float64)
    positive = values[np.isfinite(values) & (values > 0)]
    span = (float(positive.min()), float(positive.max())) if len(positive) else None
    return ChartCurve(
        series.name,
        series.unit,
        array("d", steps[picked].tobytes()),
        array("d", values[picked].tobytes()),
        span,
    )
