"""The terminal summary of a diagnosis from files: symptoms with evidence, ranked causes.

It goes to stderr so that stdout stays the guide (or JSON) that scripts consume.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from troubleshoot.consult.consultation import Consultation
from troubleshoot.frontends.i18n import t
from troubleshoot.lang import Lang
from troubleshoot.render.guide import MAX_TABLE, evidence_text
from troubleshoot.render.i18n import STRINGS, say
from troubleshoot.render.likelihood import likelihood_word
from troubleshoot.render.terminal import unicode_line_breaks

BIG_INPUT = 64 * 1024 * 1024  # show a progress bar for inputs larger than this
MAX_CAUSES = 8  # causes listed for one run
MAX_RUNS = 50  # rows of the table of runs


def print_summary(console: Console, consultation: Consultation, lang: Lang, verbose: bool) -> None:
    """Warnings (and with ``verbose`` what could not be judged), then per run the symptoms
    found with their first evidence and the likely causes. Lines break where Unicode allows:
    broken at spaces only, a Chinese cell's line could be wider than its column and lose its
    end to an ellipsis."""
    with unicode_line_breaks():
        _print_summary(console, consultation, lang, verbose)


def _print_summary(console: Console, consultation: Consultation, lang: Lang, verbose: bool) -> None:
    kb = consultation.kb
    for warning in consultation.warnings:
        console.print(t(lang, "warning", text=say(warning, lang)), highlight=False, markup=False)
    for note in consultation.notes if verbose else []:
        console.print(t(lang, "note", text=say(note, lang)), highlight=False, markup=False)
    if len(consultation.runs) > 1:
        _print_runs(console, consultation, lang)
        return
    run = consultation.runs[0]
    symptoms = Table(title=t(lang, "summary_symptoms"), box=None)
    symptoms.add_column(t(lang, "col_symptom"))
    symptoms.add_column(t(lang, "col_evidence"), overflow="fold")  # a long path, whole
    for fact in run.facts.symptoms.values():
        title = kb.symptoms[fact.id].title.get(lang) if fact.id in kb.symptoms else fact.id
        first = fact.provenance.evidence[:1]
        origin = STRINGS[lang][f"origin_{fact.provenance.origin.value}"]
        detail = evidence_text(first[0], lang) if first else origin
        more = len(fact.provenance.evidence) - 1
        if more > 0:
            detail += t(lang, "summary_more_evidence", n=more)
        symptoms.add_row(Text(f"{title}\n({fact.id})"), Text(detail))  # not markup: a
        # path or a quoted log line may hold "[...]"
    console.print(symptoms if symptoms.rows else t(lang, "summary_none"))
    causes = Table(
        "#",
        t(lang, "col_cause"),
        t(lang, "col_likelihood"),
        title=t(lang, "summary_causes"),
        box=None,
    )
    for rank, diagnosis in enumerate(run.result.diagnoses[:MAX_CAUSES], 1):
        title = diagnosis.lesson.title.get(lang)
        causes.add_row(
            str(rank), Text(f"{title} ({diagnosis.id})"), likelihood_word(diagnosis.score, lang)
        )
    if causes.rows:
        console.print(causes)


def _print_runs(console: Console, consultation: Consultation, lang: Lang) -> None:
    """Several runs: one row each, its symptoms and its most likely cause."""
    table = Table(title=t(lang, "summary_runs"), box=None)
    table.add_column(t(lang, "col_run"), overflow="fold")  # a path must show whole
    table.add_column(t(lang, "col_symptoms"))
    table.add_column(t(lang, "col_top_cause"))
    for run in consultation.runs[:MAX_RUNS]:
        top = run.result.top()
        symptoms = ", ".join(run.facts.present_symptoms()) or "-"
        table.add_row(
            Text(run.id), symptoms, f"{top.id} ({likelihood_word(top.score, lang)})" if top else "-"
        )
    console.print(table)
    runs = len(consultation.runs)
    if runs > MAX_TABLE:  # the guide does not list them all either
        console.print(
            t(lang, "summary_more_runs_than_the_guide", n=runs - MAX_RUNS, table=MAX_TABLE)
        )
    elif runs > MAX_RUNS:
        console.print(t(lang, "summary_more_runs", n=runs - MAX_RUNS))


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
        # Hidden until a big input's size is known: never an empty "0/?" bar, nor one
        # for a small input.
        task = bar.add_task("read", total=None, visible=False)

        def update(done: int, total: int) -> None:
            if total >= BIG_INPUT:
                bar.update(task, completed=done, total=total, visible=True)

        yield update


@contextmanager
def runs_bar(console: Console, total: int) -> Iterator[Callable[[object], None] | None]:
    """A bar of runs scanned; draws only on a terminal (a nightly job's log stays clean)."""
    if not console.is_terminal:
        yield None
        return
    with Progress(
        "scanning",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("scan", total=total)
        yield lambda _result: bar.advance(task)
