"""Facts from every source a consultation can be given, grouped into runs of training.

A run is the unit of diagnosis: two unrelated logs given together must not pool their
symptoms into one made-up run. Files are grouped (``group_key``) as follows, unless the
user says otherwise (``RunSplit``):

- a file that holds several runs one after another (``train.log#run-2``) gives one run
  each; so do a TensorBoard run folder and an MLflow run;
- files given by name stay together when they sit in one folder and their names differ
  only by a split word or a suffix: ``train.log`` with ``val.log``, ``exp1-train.csv``
  with ``exp1-val.csv``, ``metrics.jsonl`` with ``metrics.layers.csv``;
- plain files found inside a folder that was given are one run per folder (a run folder).

What the user states (a facts file, ``--symptom``, ``--context``) holds for every run and
wins over detection: files first, then the facts file, then the command line. The stated
context is read before the files, because detection needs what a file cannot say (a plain
metrics file does not say how many classes there are).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshoot.facts import FactSet, Phrase
from troubleshoot.read.names import SPLITS

if TYPE_CHECKING:
    from troubleshoot.consult.chart_copy import RunChart
    from troubleshoot.knowledge.load import KnowledgeBase
    from troubleshoot.read.model import RunData

Progress = Callable[[int, int], None]
FOLDER_RUN_FORMATS = ("tensorboard", "mlflow")  # formats whose source is itself a run folder


class RunSplit(StrEnum):
    """How inputs are grouped into runs: as ``group_key`` decides, all as one, or each
    file (and each run inside a file) on its own."""

    AUTO = "auto"
    ONE = "one"
    EACH = "each"


@dataclass(frozen=True)
class ReadRun:
    """What is kept of an input once it has been judged: what the JSON output lists, its
    warnings, and its curves if a report will draw them. The points themselves are let go,
    so a log of thousands of runs costs one run's memory plus these."""

    source: str
    format: str
    points: dict[str, int]  # series name -> number of points
    warnings: list[Phrase]  # the reader's own list: it may still grow while later runs are read
    detection_warnings: list[Phrase]
    chart: RunChart | None


@dataclass
class RunEvidence:
    """One run of training: the inputs it was read from and the facts detected in them."""

    id: str
    inputs: list[ReadRun] = field(default_factory=list)
    detected: FactSet = field(default_factory=FactSet)


@dataclass
class Gathered:
    """The runs read with their places (none if only facts were stated), as they are read,
    and what the user stated."""

    stated: FactSet
    runs: Iterator[tuple[int, RunEvidence]]


_SPLIT_WORD = re.compile(r"(?:^|[-_. ])(" + "|".join(SPLITS) + r")(?=$|[-_. ])")


def group_key(source: str, fmt: str, given: Sequence[Path], split: RunSplit) -> str:
    """Which run an input belongs to; inputs with the same key are diagnosed together."""
    if split is RunSplit.ONE:
        return "all inputs"
    if split is RunSplit.EACH or "#" in source or fmt in FOLDER_RUN_FORMATS:
        return source
    path = Path(source)
    if any(path == g for g in given):
        stem = path.name.split(".")[0].lower()
        base = _SPLIT_WORD.sub("", stem).strip("-_. ")
        return str(path.parent / base) if base else str(path.parent)
    return str(path.parent)


def _read_run(run: RunData, given: Mapping[str, object], charts: bool) -> tuple[ReadRun, FactSet]:
    from troubleshoot.consult.chart_copy import run_chart
    from troubleshoot.detect import detect

    detection = detect(run, given)
    kept = ReadRun(
        source=run.source,
        format=run.format,
        points={name: len(series) for name, series in run.series.items()},
        warnings=run.warnings,
        detection_warnings=list(detection.warnings),
        chart=run_chart(run) if charts else None,
    )
    return kept, FactSet().extend(detection.facts)


def iter_read_runs(
    paths: Sequence[Path],
    given: Mapping[str, object],
    split: RunSplit = RunSplit.AUTO,
    progress: Progress | None = None,
    charts: bool = False,
) -> Iterator[tuple[int, RunEvidence]]:
    """Read logs and metric files, detect symptoms in each, and group them into runs; each
    run with its place in the order runs are first read.

    ``given`` is the context the user stated (canonical keys, checked values); it fills in
    for detection what the files do not reveal. Each input is judged as soon as it is read
    and then let go (keeping a chart-sized copy when ``charts``). A run that nothing can
    change any more (``_final``) is handed out at once, so that a log of many runs is never
    held whole; the others (a file's first run, a group of files) at the end."""
    from troubleshoot.read import iter_runs

    given_paths = [Path(p) for p in paths]
    runs: dict[str, tuple[int, RunEvidence]] = {}  # those not handed out yet
    places = count()
    for run in iter_runs(given_paths, progress=progress):
        kept, detected = _read_run(run, given, charts)
        key = group_key(run.source, run.format, given_paths, split)
        if key not in runs:
            runs[key] = (next(places), RunEvidence(key))
        _, evidence = runs[key]
        evidence.inputs.append(kept)
        evidence.detected.extend(detected)
        if _final(key, run.source):
            yield runs.pop(key)
    for place, evidence in runs.values():
        if len(evidence.inputs) == 1:
            evidence.id = evidence.inputs[0].source
        yield place, evidence


# The second and later runs of a file of several (``train.log#run-2``): the reader adds
# warnings about the whole file to its first run only, at its end (``read.iter_runs``).
_LATER_RUN = re.compile(r"#run-(?:[2-9]|[1-9][0-9]+)$")


def _final(key: str, source: str) -> bool:
    """Whether a run is complete as read: a file's later run, in a group of its own."""
    return key == source and _LATER_RUN.search(source) is not None


def read_runs(
    paths: Sequence[Path],
    given: Mapping[str, object],
    split: RunSplit = RunSplit.AUTO,
    progress: Progress | None = None,
    charts: bool = False,
) -> list[RunEvidence]:
    """``iter_read_runs``, all at once, in the order runs were first read."""
    return [e for _, e in sorted(iter_read_runs(paths, given, split, progress, charts))]


@dataclass(frozen=True)
class Request:
    """What a user gave: files to read, a facts file, and symptoms and context stated."""

    paths: Sequence[Path] = ()
    facts_file: Path | None = None
    symptoms: Sequence[str] = ()
    context: Sequence[str] = ()
    absent: Sequence[str] = ()
    split: RunSplit = RunSplit.AUTO
    charts: bool = False  # keep a chart-sized copy of each input's curves, for a report


def stated_facts(kb: KnowledgeBase, request: Request) -> FactSet:
    """What the user stated: a facts file, then the command line (which wins)."""
    # Imported here: the command line imports this module for RunSplit, also for --help.
    from troubleshoot.consult.facts_file import read_facts_file
    from troubleshoot.knowledge.vocab import build_facts, parse_assignment

    stated = read_facts_file(kb, request.facts_file) if request.facts_file else FactSet()
    pairs = dict(parse_assignment(c) for c in request.context)
    return stated.extend(build_facts(kb, request.symptoms, pairs, request.absent))


def gather(kb: KnowledgeBase, request: Request, progress: Progress | None = None) -> Gathered:
    """Facts from files, a facts file and the command line."""
    stated = stated_facts(kb, request)
    given = {key: fact.value for key, fact in stated.context.items()}
    paths = request.paths
    runs = iter_read_runs(paths, given, request.split, progress, request.charts)
    return Gathered(stated, runs if paths else iter(()))
