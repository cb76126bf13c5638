"""Charts of a run's curves, annotated where each detected symptom begins (SVG).

A person would rather look than read: the report shows loss, accuracy and learning rate
per run, with a marked line at the step each piece of evidence names (first NaN,
divergence onset, overfitting onset, plateau).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from troubleshoot.consult.chart_copy import RunChart
from troubleshoot.facts import Evidence, FactSet


@dataclass(frozen=True)
class Marker:
    step: float
    label: str


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
        # No date and fixed element ids: the same run gives the same bytes (the site's
        # build is reproducible, and a report can be compared with an earlier one).
        with matplotlib.rc_context({"svg.hashsalt": "troubleshoot"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()
    finally:
        plt.close(fig)
