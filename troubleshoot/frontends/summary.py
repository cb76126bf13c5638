"""The terminal summary of a diagnosis from files: symptoms with evidence, ranked causes.

It goes to stderr so that stdout stays the guide (or JSON) that scripts consume.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table

from troubleshoot.engine.diagnose import Result
from troubleshoot.frontends.gather import Gathered
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.render.guide import evidence_text

BIG_INPUT = 64 * 1024 * 1024  # show a progress bar for inputs larger than this


def print_summary(
    console: Console, kb: KnowledgeBase, gathered: Gathered, result: Result, lang: str
) -> None:
    for warning in gathered.warnings:
        console.print(f"warning: {warning}", highlight=False, markup=False)
    symptoms = Table("symptom", "evidence", title="Symptoms found", box=None)
    for fact in gathered.facts.symptoms.values():
        title = kb.symptoms[fact.id].title.get(lang) if fact.id in kb.symptoms else fact.id
        first = fact.provenance.evidence[:1]
        detail = evidence_text(first[0], lang) if first else fact.provenance.origin.value
        more = len(fact.provenance.evidence) - 1
        symptoms.add_row(f"{title}\n({fact.id})", detail + (f" (+{more} more)" if more > 0 else ""))
    console.print(symptoms if symptoms.rows else "No problem symptoms found.")
    causes = Table("#", "cause", "confidence", title="Likely causes", box=None)
    for rank, diagnosis in enumerate(result.diagnoses[:8], 1):
        title = diagnosis.lesson.title.get(lang)
        causes.add_row(str(rank), f"{title} ({diagnosis.id})", f"{diagnosis.score:.2f}")
    if causes.rows:
        console.print(causes)


@contextmanager
def progress_bar(console: Console) -> Iterator:
    """A byte-progress callback for readers; draws only on a terminal and for big inputs."""
    if not console.is_terminal:
        yield None
        return
    with Progress(
        "reading",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("read", total=None)

        def update(done: int, total: int) -> None:
            if total >= BIG_INPUT:
                bar.update(task, completed=done, total=total)

        yield update
