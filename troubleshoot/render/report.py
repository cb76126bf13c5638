"""``--report``: the guide plus annotated charts of every run read, as HTML or Markdown."""

from __future__ import annotations

import html
from pathlib import Path

from troubleshoot.engine.diagnose import Result
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.render.charts import RunChart, markers_for, run_chart_svg
from troubleshoot.render.guide import render_guide
from troubleshoot.render.html import html_page
from troubleshoot.render.i18n import STRINGS

CAPTION = {"en": "Marked steps", "zh": "标记的步数"}
CHARTS = {"en": "Curves", "zh": "曲线"}


def _caption(chart: RunChart, result: Result, lang: str) -> str:
    """The markers in words, so nothing in the chart is only visible as a picture."""
    marks = markers_for(chart.source, result.facts)
    listed = "; ".join(f"{m.label} at {m.step:g}" for m in marks) or "-"
    return f"{chart.source}. {CAPTION[lang]}: {listed}"


def write_report(
    path: Path, result: Result, kb: KnowledgeBase, runs: list[RunChart], lang: str = "en"
) -> list[Path]:
    """Write the report; returns every file written (charts go beside a Markdown report)."""
    guide = render_guide(result, kb, lang)
    charts = [(run, run_chart_svg(run, result.facts)) for run in runs]
    charts = [(run, svg) for run, svg in charts if svg]
    if path.suffix.lower() in (".html", ".htm"):
        figures = "".join(
            f"<figure>{svg}<figcaption>{html.escape(_caption(run, result, lang))}"
            "</figcaption></figure>"
            for run, svg in charts
        )
        extra = f"<h2>{CHARTS[lang]}</h2>{figures}" if figures else ""
        path.write_text(html_page(guide, STRINGS[lang]["guide_title"], lang, extra), "utf-8")
        return [path]
    written = [path]
    sections = []
    for n, (run, svg) in enumerate(charts, 1):
        image = path.with_name(f"{path.stem}-run-{n}.svg")
        image.write_text(svg, encoding="utf-8")
        written.append(image)
        caption = _caption(run, result, lang)
        sections.append(f"![{caption}]({image.name})\n\n{caption}\n")
    body = guide + (f"\n## {CHARTS[lang]}\n\n" + "\n".join(sections) if sections else "")
    path.write_text(body, encoding="utf-8")
    return written
