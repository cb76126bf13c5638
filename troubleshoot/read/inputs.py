"""The one entry point: files and run folders in, RunData out.

Every file is recognised by its content (``sniff``), never by its name, and read by the
reader for its format. A folder is searched for what can be read: MLflow runs, TensorBoard
event files (grouped into one run per folder, with ``train/``, ``validation/`` sub-folders
as splits) and every other file; files in a folder that no reader takes are skipped with a
warning. Likewise, of several paths given, one that cannot be read becomes a warning; a
single path given must be readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from troubleshoot.facts import Phrase
from troubleshoot.read import aside, halves, mlflow, sniff
from troubleshoot.read.caffe import read_caffe
from troubleshoot.read.hints import HPARAMS
from troubleshoot.read.jsonl import read_json, read_jsonl
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.names import split_of
from troubleshoot.read.source import Meter, Progress, Source
from troubleshoot.read.table import read_table
from troubleshoot.read.tensorboard import read_tensorboard
from troubleshoot.read.text import read_text

# Only the Caffe reader hands out runs as it goes, because Caffe logs are where jobs append
# run after run for gigabytes. The others return lists: metric tables, JSON lines,
# TensorBoard events and MLflow runs hold one run (or a few) per file or folder; other
# text logs may hold several runs but are not streamed yet.
READERS: dict[str, Callable[[Source, Meter], Iterable[RunData]]] = {
    sniff.CAFFE: read_caffe,
    sniff.TEXT: read_text,
    sniff.TABLE: read_table,
    sniff.JSONL: read_jsonl,
    sniff.JSON: read_json,
    sniff.MLFLOW_DB: mlflow.read_database,
}


@dataclass
class _Plan:
    """What one given path turned into, read only once everything is known (for progress)."""

    files: list[tuple[Source, str]] = field(default_factory=list)  # (source, format)
    event_runs: dict[Path, list[tuple[Source, str | None]]] = field(default_factory=dict)
    mlflow_runs: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    folder: Path | None = None  # set when the path given was a folder

    @property
    def in_folder(self) -> bool:
        return self.folder is not None

    @property
    def size(self) -> int:
        sizes = [s.size for s, _ in self.files]
        sizes += [s.size for files in self.event_runs.values() for s, _ in files]
        sizes += [_tree_size(run / "metrics") for run in self.mlflow_runs]
        return sum(sizes)


def read_inputs(paths: Iterable[Path | str], progress: Progress | None = None) -> list[RunData]:
    """Read logs, metric files and run folders into runs: ``iter_runs``, all at once."""
    return list(iter_runs(paths, progress))


def iter_runs(paths: Iterable[Path | str], progress: Progress | None = None) -> Iterator[RunData]:
    """Read logs, metric files and run folders, handing out each run as soon as it is read.

    Big inputs are read by a second process while the caller judges the runs already
    handed out (``aside``), a big Caffe log by two, one for each half (``halves``); what
    the caller gets is the same. See ``read_here``."""
    given = [Path(p) for p in paths]
    cut = halves.cut_point(given)
    if cut is not None:
        return halves.read_halves(given[0], cut, progress)
    if aside.worth_it(given):
        return aside.read_aside(given, progress)
    return read_here(given, progress)


def read_here(paths: Iterable[Path | str], progress: Progress | None = None) -> Iterator[RunData]:
    """Read logs, metric files and run folders in this process, one run at a time.

    A caller that judges each run and then lets it go holds one run at a time, whatever
    the size of a Caffe log of many runs. Warnings about a whole file or folder (a file
    skipped, a damaged end of a compressed file) are found only at its end and added then
    to the first run read from it, which may already have been handed out: keep its
    ``warnings`` list, not a copy. ``progress(bytes_read, total_bytes)`` is called as the
    inputs are read. Raises UnreadableInput, with a message meant for the user, when the
    one path given (or every one of several) cannot be read.
    """
    given = [Path(p) for p in paths]
    if len(given) == 1:
        plan = _plan(given[0])
        meter = Meter(plan.size, progress)
        yield from _read(plan, meter)
        meter.report(meter.total)
        return
    yield from _read_several(given, progress)


def _read_several(paths: list[Path], progress: Progress | None) -> Iterator[RunData]:
    """Read each path; one that cannot be read becomes a warning, so the others still count."""
    problems: list[Phrase] = []
    plans: list[_Plan] = []
    for path in paths:
        try:
            plans.append(_plan(path))
        except UnreadableInput as exc:
            problems.append(exc.words[0])
    meter = Meter(sum(plan.size for plan in plans), progress)
    first: RunData | None = None
    for plan in plans:
        try:
            for run in _read(plan, meter):
                first = first or run
                yield run
        except UnreadableInput as exc:
            problems.append(exc.words[0])
    meter.report(meter.total)
    if first is None:
        raise UnreadableInput(Phrase("e_none_read"), *problems, sniff.ACCEPTED)
    first.warnings.extend(Phrase.of("w_not_read", problem=problem) for problem in problems)


def _plan(path: Path) -> _Plan:
    if path.is_dir():
        return _plan_folder(path)
    if not path.exists():
        raise UnreadableInput(Phrase.of("e_no_such_path", source=str(path)))
    plan = _Plan()
    source = Source(path)
    kind = sniff.sniff(source)
    if kind == sniff.TENSORBOARD:
        plan.event_runs[path] = [(source, split_of(path.parent.name))]
    else:
        plan.files.append((source, kind))
    return plan


def _plan_folder(folder: Path) -> _Plan:
    plan = _Plan(folder=folder)
    every_run = list(mlflow.run_dirs(folder))
    plan.mlflow_runs = [run for run in every_run if not mlflow.is_deleted(run)]
    # Runs, and the experiments' own meta.yaml beside them, are not read as files.
    exclude = {*every_run, *(run.parent / "meta.yaml" for run in every_run)}
    for path in _files(folder, exclude):
        if path.name == HPARAMS:  # read with the metrics.csv beside it, for the class count
            continue
        try:
            source = Source(path)
            kind = sniff.sniff(source)
        except UnreadableInput:
            plan.skipped.append(str(path))
            continue
        if kind == sniff.TENSORBOARD:
            split = split_of(path.parent.name)
            run = path.parent.parent if split and path.parent != folder else path.parent
            plan.event_runs.setdefault(run, []).append((source, split))
        else:
            plan.files.append((source, kind))
    if not (plan.files or plan.event_runs or plan.mlflow_runs):
        raise UnreadableInput(Phrase.of("e_empty_folder", source=str(folder)), sniff.ACCEPTED)
    return plan


def _files(folder: Path, exclude: set[Path]) -> Iterable[Path]:
    """Regular files under ``folder``, sorted, outside hidden folders and MLflow runs."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative):
            continue
        if path in exclude or any(parent in exclude for parent in path.parents):
            continue
        if not path.is_file():
            continue
        yield path


def _read(plan: _Plan, meter: Meter) -> Iterator[RunData]:
    jobs: list[tuple[str, str, Callable[[], Iterable[RunData]]]] = [
        (source.label, kind, partial(READERS[kind], source, meter)) for source, kind in plan.files
    ]
    jobs += [
        (str(run), sniff.TENSORBOARD, partial(read_tensorboard, str(run), files, meter))
        for run, files in plan.event_runs.items()
    ]
    jobs += [
        (str(run), mlflow.FORMAT, partial(mlflow.read_run_dir, run, meter))
        for run in plan.mlflow_runs
    ]
    first: RunData | None = None
    for label, kind, read in jobs:
        found = False
        try:
            for run in read():
                found = True
                first = first or run
                yield run
            if not found:
                raise UnreadableInput(Phrase.of("e_read_nothing", source=label, format=kind))
        except UnreadableInput:
            if not plan.in_folder:
                raise
            plan.skipped.append(label)
    if first is None:
        if plan.in_folder:
            skipped = _list(plan.skipped)
            raise UnreadableInput(
                Phrase.of("e_folder_unread", source=str(plan.folder), files=skipped), sniff.ACCEPTED
            )
        return
    if plan.skipped:
        first.warnings.append(
            Phrase.of("w_skipped_files", n=len(plan.skipped), files=_list(plan.skipped))
        )


def _list(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
