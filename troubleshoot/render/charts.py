"""Charts of a run's curves, annotated where each detected symptom begins (SVG).

A person would rather look than read: the report shows loss, accuracy and learning rate
per run, with a marked line at the step each piece of evidence names (first NaN,
divergence onset, overfitting onset, plateau).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

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


def _thin(series: Series) -> tuple[list[float], list[float]]:
    """Every k-th point, keeping non-finite ones so a NaN never vanishes from the plot."""
    n = len(series)
    k = max(1, math.ceil(n / MAX_POINTS))
    keep = [i for i in range(n) if i % k == 0 or not math.isfinite(series.values[i])]
    return [series.steps[i] for i in keep], [series.values[i] for i in keep]


def markers_for(run: RunData, facts: FactSet) -> list[Marker]:
    """Evidence that points at a step of this run, one marker per symptom and step."""
    found: dict[tuple[str, float], Marker] = {}
    for symptom in facts.symptoms.values():
        evidence: Iterable[Evidence] = symptom.provenance.evidence
        for ev in evidence:
            if ev.step is not None and run.source.startswith(ev.source.split("#")[0]):
                found.setdefault((symptom.id, float(ev.step)), Marker(float(ev.step), symptom.id))
    return sorted(found.values(), key=lambda m: m.step)


def run_chart_svg(run: RunData, facts: FactSet) -> str | None:
    """An SVG with one panel per kind of curve the run has, or None if it has none."""
    panels = [
        (title, [run.series[n] for n in names if n in run.series and len(run.series[n])])
        for title, names in PANELS
    ]
    panels = [(title, lines) for title, lines in panels if lines]
    if not panels:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    markers = markers_for(run, facts)
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.6 * len(panels)), squeeze=False)
    try:
        for ax, (title, lines) in zip(axes[:, 0], panels, strict=True):
            for series in lines:
                steps, values = _thin(series)
                finite = [(s, v) for s, v in zip(steps, values, strict=True) if math.isfinite(v)]
                if finite:
                    ax.plot(*zip(*finite, strict=True), label=series.name, linewidth=1)
            positive = [v for s in lines for v in s.values if math.isfinite(v) and v > 0]
            if title == "loss" and positive and max(positive) / min(positive) > 1e3:
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
            ax.set_title(f"{title} — {run.source}", fontsize=9)
            ax.set_xlabel(lines[0].unit)
            ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        return buffer.getvalue()
    finally:
        plt.close(fig)
