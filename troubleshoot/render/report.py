"""``--report``: the guide with each run's annotated chart beside the symptoms it shows,
as HTML or Markdown; a section of many runs draws those it names and counts the rest.

A chart goes at the end of its section's "What was observed" part (after the symptoms, their
evidence and the context, before the causes), so a reader sees the curve where the guide
says what was found in it. The guide is rendered once for all outputs; the report finds
those places in its parsed Markdown rather than rendering it again.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshoot.consult.chart_copy import RunChart
from troubleshoot.consult.consultation import Consultation
from troubleshoot.facts import FactSet
from troubleshoot.lang import Lang
from troubleshoot.render.charts import markers_for, run_chart_svg
from troubleshoot.render.guide import MAX_LISTED, findings
from troubleshoot.render.html import page_of, parse, render_tokens, trusted_html
from troubleshoot.render.i18n import STRINGS

if TYPE_CHECKING:
    from markdown_it.token import Token


@dataclass(frozen=True)
class Chart:
    """One input's chart, drawn from its own run's facts only."""

    chart: RunChart
    facts: FactSet
    svg: str

    def caption(self, lang: Lang) -> str:
        """The markers in words, so nothing in the chart is only visible as a picture."""
        words = STRINGS[lang]
        marks = markers_for(self.chart.source, self.facts)
        listed = "; ".join(
            words["marker"] % {"label": m.label, "step": f"{m.step:g}"} for m in marks
        )
        source = self.chart.source
        return f"{words['report_charts']}: {source}. {words['report_marked']}: {listed or '-'}"


@dataclass
class SectionCharts:
    """The charts of one section of the guide: those of the runs it names (the first
    ``MAX_LISTED``), and how many more runs it holds. Drawing takes about half a second a
    run, and a page of a thousand charts helps nobody."""

    drawn: list[Chart] = field(default_factory=list)
    runs: int = 0

    @property
    def not_drawn(self) -> int:
        return max(0, self.runs - MAX_LISTED)

    def note(self, lang: Lang) -> str:
        return STRINGS[lang]["report_not_drawn"].format(n=self.not_drawn)


def _charts_by_section(consultation: Consultation) -> list[SectionCharts]:
    """The charts of each section of the guide, in the guide's order, grouped as
    ``guide.sections`` groups the runs."""
    index: dict[tuple[object, ...], int] = {}
    found: list[SectionCharts] = []
    for run in consultation.runs:
        key = findings(run.result)
        if key not in index:
            index[key] = len(found)
            found.append(SectionCharts())
        section = found[index[key]]
        section.runs += 1
        if section.runs > MAX_LISTED:
            continue
        for read in run.inputs:
            if read.chart is None:
                continue
            svg = run_chart_svg(read.chart, run.result.facts)
            if svg:
                section.drawn.append(Chart(read.chart, run.result.facts, svg))
    return found


def _observed_ends(tokens: list[Token], heading: str) -> list[int]:
    """Where each "What was observed" part of the guide ends, as the index of the token
    after it (the next heading's, or the end): one per section, in order."""
    ends = []
    inside = False
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            if inside:
                ends.append(i)
            inside = tokens[i + 1].content == heading
    if inside:
        ends.append(len(tokens))
    return ends


def write_report(path: Path, consultation: Consultation, guide: str, lang: Lang) -> list[Path]:
    """Write the report around the already rendered ``guide``; returns every file written
    (charts go beside a Markdown report)."""
    tokens = parse(guide)
    ends = _observed_ends(tokens, STRINGS[lang]["observed"])
    charts = _charts_by_section(consultation)
    assert len(ends) == len(charts), "each section of the guide tells what was observed"
    if path.suffix.lower() in (".html", ".htm"):
        for end, section in reversed(list(zip(ends, charts, strict=True))):
            figures = [_figure(chart, lang) for chart in section.drawn]
            if section.not_drawn:
                figures.append(f"<p>{html.escape(section.note(lang))}</p>\n")
            tokens[end:end] = [trusted_html(figure) for figure in figures]
        title = STRINGS[lang]["guide_title"]
        path.write_text(page_of(render_tokens(tokens), title, lang), encoding="utf-8")
        return [path]
    written = [path]
    lines = guide.splitlines(keepends=True)
    places = [_line(tokens, end, len(lines)) for end in ends]
    inserts: list[tuple[int, str]] = []
    for place, section in zip(places, charts, strict=True):
        for chart in section.drawn:
            image = path.with_name(f"{path.stem}-run-{len(written)}.svg")
            image.write_text(chart.svg, encoding="utf-8")
            written.append(image)
            caption = chart.caption(lang)
            inserts.append((place, f"![{caption}]({image.name})\n\n{caption}\n\n"))
        if section.not_drawn:
            inserts.append((place, section.note(lang) + "\n\n"))
    for place, text in reversed(inserts):
        lines.insert(place, text)
    path.write_text("".join(lines), encoding="utf-8")
    return written


def _figure(chart: Chart, lang: Lang) -> str:
    caption = html.escape(chart.caption(lang))
    return f'<figure class="chart">{chart.svg}<figcaption>{caption}</figcaption></figure>\n'


def _line(tokens: list[Token], index: int, last: int) -> int:
    """The source line where the token at ``index`` starts (``last`` past the end)."""
    where = tokens[index].map if index < len(tokens) else None
    return where[0] if where else last
