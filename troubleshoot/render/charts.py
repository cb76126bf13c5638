"""Charts of a run's curves, annotated where each detected symptom begins (SVG).

A person would rather look than read: the report shows loss, accuracy and learning rate
per run, with a marked line at the step each piece of evidence names (first NaN,
divergence onset, overfitting onset, plateau).
"""

from __future__ import annotations

import io
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from troubleshoot.facts import Evidence, FactSet
from troubleshoot.read.model import RunData, Series

MAX_POINTS = 4000  # per line; more adds nothing visible and bloats the SVG

PANELS = (
    ("loss", ("train/loss", "val/loss", "test/loss")),
    ("accuracy", ("train/acc", "val/acc", "test/acc")),
    ("learning rate", ("lr",)),
)


@dataclass(frozen=True)
class Marker:
    step: float
    label: str


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


def markers_for(source: str, facts: FactSet) -> list[Marker]:
    """Evidence that points at a step of this run, one marker per symptom and step.

    Detectors cite the run's own source, so only an exact match is this run: a prefix
    would put ``train.log#run-1``'s NaN on ``train.log#run-2`` and ``train.log.old``."""
    found: dict[tuple[str, float], Marker] = {}
    for symptom in facts.symptoms.values():
        evidence: Iterable[Evidence] = symptom.provenance.evidence
        for ev in evidence:
            if ev.step is not None and ev.source == source:
                found.setdefault((symptom.id, float(ev.step)), Marker(float(ev.step), symptom.id))
    return sorted(found.values(), key=lambda m: m.step)


def run_chart_svg(chart: RunChart, facts: FactSet) -> str | None:
    """An SVG with one panel per kind of curve the run has, or None if it has none."""
    panels = chart.panels
    if not panels:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    markers = markers_for(chart.source, facts)
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.6 * len(panels)), squeeze=False)
    try:
        for ax, (title, lines) in zip(axes[:, 0], panels, strict=True):
            for curve in lines:
                if len(curve.steps):
                    ax.plot(curve.steps, curve.values, label=curve.name, linewidth=1)
            spans = [curve.positive for curve in lines if curve.positive]
            if title == "loss" and spans:
                low, high = min(s[0] for s in spans), max(s[1] for s in spans)
                if high / low > 1e3:
                    ax.set_yscale("log")
            for marker in markers:
                ax.axvline(marker.step, color="tab:red", linestyle="--", linewidth=0.8)
                ax.annotate(
                    marker.label,
                    (marker.step, 1.0),
                    xycoords=("data", "axes fraction"),
                    rotation=90,
                    va="top",
                    ha="right",
                    fontsize=7,
                    color="tab:red",
                )
            ax.set_title(f"{title} — {chart.source}", fontsize=9)
            ax.set_xlabel(lines[0].unit)
            ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        return buffer.getvalue()
    finally:
        plt.close(fig)
