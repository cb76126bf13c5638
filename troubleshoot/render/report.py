"""``--report``: the guide plus annotated charts of every run read, as HTML or Markdown."""

from __future__ import annotations

import html
from pathlib import Path

from troubleshoot.consult.chart_copy import RunChart
from troubleshoot.consult.consultation import Consultation
from troubleshoot.facts import FactSet
from troubleshoot.lang import Lang
from troubleshoot.render.charts import markers_for, run_chart_svg
from troubleshoot.render.html import html_page
from troubleshoot.render.i18n import STRINGS


def _caption(chart: RunChart, facts: FactSet, lang: Lang) -> str:
    """The markers in words, so nothing in the chart is only visible as a picture."""
    marks = markers_for(chart.source, facts)
    listed = "; ".join(f"{m.label} at {m.step:g}" for m in marks) or "-"
    return f"{chart.source}. {STRINGS[lang]['report_marked']}: {listed}"


def _charts(consultation: Consultation) -> list[tuple[RunChart, FactSet, str]]:
    """Each input's chart with the SVG drawn from its own run's facts only."""
    drawn = []
    for run in consultation.runs:
        for read in run.inputs:
            if read.chart is None:
                continue
            svg = run_chart_svg(read.chart, run.result.facts)
            if svg:
                drawn.append((read.chart, run.result.facts, svg))
    return drawn


def write_report(path: Path, consultation: Consultation, guide: str, lang: Lang) -> list[Path]:
    """Write the report around the already rendered ``guide``; returns every file written
    (charts go beside a Markdown report)."""
    title = STRINGS[lang]["report_charts"]
    charts = _charts(consultation)
    if path.suffix.lower() in (".html", ".htm"):
        figures = "".join(
            f"<figure>{svg}<figcaption>{html.escape(_caption(chart, facts, lang))}"
            "</figcaption></figure>"
            for chart, facts, svg in charts
        )
        extra = f"<h2>{title}</h2>{figures}" if figures else ""
        path.write_text(html_page(guide, STRINGS[lang]["guide_title"], lang, extra), "utf-8")
        return [path]
    written = [path]
    sections = []
    for n, (chart, facts, svg) in enumerate(charts, 1):
        image = path.with_name(f"{path.stem}-run-{n}.svg")
        image.write_text(svg, encoding="utf-8")
        written.append(image)
        caption = _caption(chart, facts, lang)
        sections.append(f"![{caption}]({image.name})\n\n{caption}\n")
    body = guide + (f"\n## {title}\n\n" + "\n".join(sections) if sections else "")
    path.write_text(body, encoding="utf-8")
    return written
