"""Charts of real runs for the symptom pages: each example log is diagnosed as ``diagnose
--report`` does, and each symptom gets the chart of the first run (by file name) in which it
was detected at a step, annotated as in a report."""

from __future__ import annotations

import html
import json
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.consult.consultation import Request, RunVerdict, consult
from troubleshoot.consult.errors import UnreadableInput
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.lang import Lang
from troubleshoot.render.charts import markers_for, run_chart_svg
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.report import Chart


@dataclass(frozen=True)
class Example:
    """A run's chart and where the file came from (``manifest.json`` beside the logs, as the
    test fixtures keep it: repository, path and commit)."""

    chart: Chart
    origin: str | None

    def figure(self, lang: Lang) -> str:
        caption = html.escape(self.chart.caption(lang))
        if self.origin:
            words = STRINGS[lang]["site_chart_from"]
            link = html.escape(self.origin)
            caption += f' ({words} <a href="{link}">{link}</a>)'
        title = html.escape(STRINGS[lang]["site_chart"])
        svg = self.chart.svg[self.chart.svg.index("<svg") :]  # inline: no XML prolog
        return (
            f'<figure class="chart"><figcaption><strong>{title}</strong></figcaption>\n'
            f"{svg}<figcaption>{caption}</figcaption></figure>\n"
        )


def _origin(entry: dict[str, object]) -> str | None:
    """A committed file at its commit, or the issue or pull request a log was pasted in
    (the manifest then gives its address after the number: ``issue #2: https://...``)."""
    repo, path, commit = entry.get("repo"), entry.get("path"), entry.get("commit")
    if isinstance(commit, str) and isinstance(path, str) and isinstance(repo, str):
        return f"https://github.com/{repo}/blob/{commit}/{path}"
    if isinstance(path, str) and "https://" in path:
        return path[path.index("https://") :].split()[0]
    return None


def _origins(folder: Path) -> dict[str, str]:
    """Each file's original address, from the folder's ``manifest.json`` if it has one."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return {}
    found = {}
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        if not isinstance(entry, dict):
            continue
        # "fixture": the name of the copy here, where it differs from the original's.
        name = entry.get("fixture") or entry.get("file")
        address = _origin(entry)
        if name and address:
            found[str(name)] = address
    return found


def example_charts(kb: KnowledgeBase, folders: list[Path]) -> dict[str, Example]:
    """Per symptom id, the chart of the first example run that shows it at a step (folders
    in the order given, files by name). Files are named relative to their folder's parent
    (``reallogs/caffe-nan-01.log``) so that the captions, like the rest of the site, do not
    depend on where the folder is."""
    found: dict[str, Example] = {}
    for folder in (f.resolve() for f in folders):
        if not folder.is_dir():
            continue
        origins = _origins(folder)
        with chdir(folder.parent):
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                if path.name == "manifest.json":
                    continue
                try:
                    request = Request([Path(folder.name, path.name)], charts=True)
                    consultation = consult(kb, request)
                except (UnreadableInput, ValueError):
                    continue
                for run in consultation.runs:
                    _draw_new(run, origins.get(path.name), found)
    return found


def _draw_new(run: RunVerdict, origin: str | None, found: dict[str, Example]) -> None:
    """Draw the chart of each of the run's inputs that marks a symptom with no chart yet
    (most do not: drawing, not reading, is what the charts cost)."""
    facts = run.result.facts
    for read in run.inputs:
        if read.chart is None:
            continue
        new = [m.label for m in markers_for(read.chart.source, facts) if m.label not in found]
        svg = run_chart_svg(read.chart, facts) if new else None
        if svg:
            example = Example(Chart(read.chart, facts, svg), origin)
            for symptom in new:
                found.setdefault(symptom, example)
