"""A consultation over many runs: ``troubleshoot scan``.

A platform team wants every run of a cluster explained each night, so a scan finds the runs
(folders, globs, lists of paths, or URLs that fsspec opens), diagnoses each one on its own
through :func:`consult`, and keeps what the table and the report need. A run that cannot be
read is a result with its error, never the end of the scan. A state file remembers each
run's fingerprint (path, size and modification time of every file, and the knowledge base's
own fingerprint), so a second scan diagnoses only what changed.

What a run's result holds is decided by the caller (``describe``, and ``explain`` for why a
run could not be read, which the front end takes from render): this layer does not word
anything, and a result crosses processes as plain data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troubleshoot.consult.consultation import Consultation, consult
from troubleshoot.consult.gather import Request, RunSplit, group_key
from troubleshoot.facts import Phrase
from troubleshoot.read.model import UnreadableInput

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

Describe = Callable[[Consultation], Any]  # a consultation -> plain data (JSON-able)
Explain = Callable[[UnreadableInput], str]  # why a run could not be read, in words
LOCAL = ("file", "local")
GLOB_CHARS = "*?["
BATCH = 50  # runs per Dask task, at most


@dataclass(frozen=True)
class RunTarget:
    """One run to diagnose: a run folder, or the files of one run (``train.log`` with its
    ``train.layers.csv``), in the filesystem that fsspec opens for ``url``."""

    label: str  # what the table shows: the path, or the URL
    url: str  # the protocol and options come from it (a plain path is local)
    paths: tuple[str, ...]  # in that filesystem

    @property
    def local(self) -> bool:
        return _protocol(self.url) in LOCAL


@dataclass
class RunResult:
    """What a scan keeps of one run: ``describe``'s data, or the error that stopped it."""

    label: str
    fingerprint: str
    data: Any = None
    error: str | None = None
    reused: bool = False  # taken from the state file, not diagnosed again


def _protocol(url: str) -> str:
    return url.split("://", 1)[0] if "://" in url else "file"


def _filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def _label(fs: AbstractFileSystem, url: str, path: str) -> str:
    """A URL stays a URL; a local path stays relative when it was given relative."""
    if _protocol(url) not in LOCAL:
        return fs.unstrip_protocol(path)
    return path if "://" in url or os.path.isabs(url) else os.path.relpath(path)


def _own(url: str, path: str) -> str:
    """A local path as the user wrote it (relative stays relative, so run ids do too)."""
    relative = _protocol(url) in LOCAL and "://" not in url and not os.path.isabs(url)
    return os.path.relpath(path) if relative else path


def find_runs(targets: Sequence[str]) -> list[RunTarget]:
    """The runs the targets name. A folder given is a fleet: each folder in it is a run,
    and files beside them are grouped into runs by name (``group_key``). A glob's matches,
    and each entry of a list, are runs one by one."""

    found: dict[str, RunTarget] = {}
    for target in targets:
        fs, path = _filesystem(target)
        if any(c in path for c in GLOB_CHARS):
            matches = sorted(fs.glob(path))
            if not matches:
                raise UnreadableInput(Phrase.of("e_no_match", source=target))
            for match in matches:
                run = RunTarget(_label(fs, target, match), target, (_own(target, match),))
                found.setdefault(run.label, run)
            continue
        if not fs.exists(path):
            raise UnreadableInput(Phrase.of("e_no_such_path", source=target))
        if not fs.isdir(path):
            run = RunTarget(_label(fs, target, path), target, (_own(target, path),))
            found.setdefault(run.label, run)
            continue
        entries = sorted(fs.ls(path, detail=True), key=lambda e: e["name"])
        files: dict[str, list[str]] = {}
        for entry in entries:
            name = entry["name"].rstrip("/")
            if name.rsplit("/", 1)[-1].startswith("."):
                continue
            if entry["type"] == "directory":
                run = RunTarget(_label(fs, target, name), target, (_own(target, name),))
                found.setdefault(run.label, run)
            else:
                key = group_key(name, "", [Path(name)], RunSplit.AUTO)
                files.setdefault(key, []).append(_own(target, name))
        for key, names in files.items():
            label = _label(fs, target, names[0] if len(names) == 1 else key)
            run = RunTarget(label, target, tuple(names))
            found.setdefault(run.label, run)
    return list(found.values())


def read_paths(lines: Iterable[str]) -> list[str]:
    """The paths of a list file (one a line; blank lines and ``#`` comments skipped)."""
    return [s for line in lines if (s := line.strip()) and not s.startswith("#")]


def fingerprint(run: RunTarget, kb_version: str) -> str:
    """Every file of the run (path, size, modification time) and the knowledge base."""
    fs, _ = _filesystem(run.url)
    digest = hashlib.sha256(kb_version.encode())
    for path in run.paths:
        listing = fs.find(path, detail=True, withdirs=False) if fs.isdir(path) else {}
        if not listing:
            listing = {path: fs.info(path)}
        for name in sorted(listing):
            info = listing[name]
            when = next(
                (
                    info[k]
                    for k in ("mtime", "LastModified", "updated", "created", "ETag")
                    if info.get(k) is not None
                ),
                "",
            )
            digest.update(f"{name}\0{info.get('size')}\0{when}\n".encode())
    return digest.hexdigest()


def kb_version(kb_path: Path | None) -> str:
    from troubleshoot.knowledge.cache import fingerprint as kb_fingerprint
    from troubleshoot.knowledge.load import default_kb_path

    return kb_fingerprint((kb_path or default_kb_path()).resolve()).hex()


@contextmanager
def _local_copy(run: RunTarget) -> Iterator[tuple[list[Path], str]]:
    """The run's files on this machine, and the prefix they were copied under (empty for
    local files, which are read in place)."""
    if run.local:
        yield [Path(p) for p in run.paths], ""
        return
    fs, _ = _filesystem(run.url)
    folder = tempfile.mkdtemp(prefix="troubleshoot-scan-")
    try:
        local = []
        for path in run.paths:
            target = os.path.join(folder, path.rstrip("/").rsplit("/", 1)[-1])
            fs.get(path, target, recursive=fs.isdir(path))
            local.append(Path(target))
        yield local, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _relabel(data: Any, old: str, new: str) -> Any:
    """``data`` with the temporary copy's folder replaced by where the run really is."""
    if isinstance(data, str):
        return data.replace(old, new)
    if isinstance(data, list):
        return [_relabel(item, old, new) for item in data]
    if isinstance(data, dict):
        return {key: _relabel(value, old, new) for key, value in data.items()}
    return data


@dataclass(frozen=True)
class ScanJob:
    """Diagnose one run: picklable, so that a Dask worker can run it. The knowledge base is
    loaded once per process (``cached_kb``), so each worker loads it once."""

    describe: Describe
    explain: Explain
    kb_path: Path | None = None

    def __call__(self, run: RunTarget, print_: str) -> RunResult:
        from troubleshoot.knowledge.load import cached_kb

        result = RunResult(run.label, print_)
        try:
            kb = cached_kb(self.kb_path)
            with _local_copy(run) as (paths, copied):
                consultation = consult(kb, Request(paths, split=RunSplit.AUTO))
                data = self.describe(consultation)
                if copied:
                    fs, _ = _filesystem(run.url)
                    data = _relabel(
                        data, copied, fs.unstrip_protocol(run.paths[0]).rsplit("/", 1)[0]
                    )
            result.data = data
        except UnreadableInput as exc:
            result.error = self.explain(exc)
        except Exception as exc:  # one broken run must not end the scan
            result.error = f"{type(exc).__name__}: {exc}"
        return result

    def many(self, runs: list[tuple[RunTarget, str]]) -> list[RunResult]:
        """A batch of runs, for a worker."""
        return [self(run, print_) for run, print_ in runs]


@dataclass
class ScanState:
    """The results of the last scan, by run, kept as JSON beside the table."""

    path: Path
    kb: str
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, kb: str) -> ScanState:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path, kb)
        if not isinstance(saved, dict) or saved.get("kb") != kb:
            return cls(path, kb)  # another knowledge base may judge differently: redo all
        return cls(path, kb, dict(saved.get("runs", {})))

    def reuse(self, label: str, print_: str) -> RunResult | None:
        kept = self.runs.get(label)
        if kept is None or kept.get("fingerprint") != print_:
            return None
        return RunResult(label, print_, kept.get("data"), kept.get("error"), reused=True)

    def save(self, results: Iterable[RunResult]) -> None:
        runs = {
            r.label: {"fingerprint": r.fingerprint, "data": r.data, "error": r.error}
            for r in results
        }
        self.path.write_text(json.dumps({"kb": self.kb, "runs": runs}), encoding="utf-8")


Step = Callable[[RunResult], None]


def scan(
    runs: Sequence[RunTarget],
    job: ScanJob,
    state: ScanState | None = None,
    client: Any = None,
    step: Step | None = None,
) -> list[RunResult]:
    """Diagnose every run not already in ``state`` unchanged, here or on a Dask ``client``,
    and return the results in the order of ``runs``. ``step`` is called as each finishes."""
    kb = state.kb if state else kb_version(job.kb_path)
    results: dict[str, RunResult] = {}
    todo: list[tuple[RunTarget, str]] = []
    for run in runs:
        try:
            print_ = fingerprint(run, kb)
        except Exception as exc:  # a run that cannot be listed is a row too
            results[run.label] = RunResult(run.label, "", error=f"{type(exc).__name__}: {exc}")
            continue
        kept = state.reuse(run.label, print_) if state else None
        if kept is not None:
            results[run.label] = kept
        else:
            todo.append((run, print_))
    for result in results.values():
        if step:
            step(result)
    for result in _run(job, todo, client):
        results[result.label] = result
        if step:
            step(result)
    ordered = [results[run.label] for run in runs]
    if state:
        state.save(ordered)
    return ordered


def _run(job: ScanJob, todo: list[tuple[RunTarget, str]], client: Any) -> Iterator[RunResult]:
    if client is None:
        for run, print_ in todo:
            yield job(run, print_)
        return
    from distributed import as_completed

    # Runs go out in batches: a task per run costs the scheduler more than a small run
    # costs to diagnose. A few batches per worker keep them all busy to the end.
    size = max(1, min(BATCH, len(todo) // (len(client.nthreads()) * 4 or 1)))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    for future in as_completed(client.map(job.many, batches, pure=False)):
        yield from future.result()


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``workers``
    processes. Dask is an optional extra (``pip install troubleshoot[fleet]``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise UnreadableInput(Phrase("e_no_dask")) from exc
    logging.getLogger("distributed").setLevel(logging.ERROR)  # the table is the output
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
