"""MLflow runs, from the file store (``mlruns/``) or an SQLite tracking database.

Reading either needs no ``mlflow`` install. File store: ``<experiment>/<run>/meta.yaml``,
one file per metric under ``metrics/`` (keys with ``/`` are sub-folders) whose lines are
``<timestamp ms> <value> <step>`` (old two-field lines have no step: step 0), and one file
per parameter under ``params/``. SQLite (``mlflow.db``, the default store since MLflow
3.7): tables ``runs``, ``metrics(key, value, timestamp, step, is_nan, run_uuid)`` and
``params``; NaN is stored as 0 with ``is_nan`` set, and infinities as the largest double.
Runs marked deleted are left out. Parameters that name a learning rate, batch size,
optimiser or class count become context.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import yaml

from troubleshoot.facts import Phrase
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.names import canonical
from troubleshoot.read.runs import RunBuilder
from troubleshoot.read.source import Meter, Source
from troubleshoot.read.values import to_float

FORMAT = "mlflow"
_MAX_DOUBLE = 1.7976931348623157e308  # how MLflow's SQL store writes +/-inf
PARAMS = {
    "learning_rate": "learning_rate",
    "lr": "learning_rate",
    "base_lr": "learning_rate",
    "batch_size": "batch_size",
    "train_batch_size": "batch_size",
    "per_device_train_batch_size": "batch_size",
    "optimizer": "optimizer",
    "optim": "optimizer",
    "optimizer_name": "optimizer",
    "num_classes": "num_classes",
    "n_classes": "num_classes",
    "num_labels": "num_classes",
}
OPTIMIZERS = (
    ("adam", "adam"),
    ("nesterov", "sgd-momentum"),
    ("sgd", "sgd"),
    ("rmsprop", "other"),
    ("adagrad", "other"),
    ("adadelta", "other"),
)


def is_run_dir(folder: Path) -> bool:
    return (folder / "meta.yaml").is_file() and (folder / "metrics").is_dir()


def is_deleted(folder: Path) -> bool:
    return str(_meta(folder / "meta.yaml").get("lifecycle_stage", "active")) == "deleted"


def read_run_dir(folder: Path, meter: Meter | None = None) -> list[RunData]:
    """One run of the file store."""
    runs = RunBuilder(str(folder), FORMAT, split_on_regress=False)
    metrics = folder / "metrics"
    for path in sorted(p for p in metrics.rglob("*") if p.is_file()):
        key = path.relative_to(metrics).as_posix()
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                _metric_line(runs, key, line, number)
        if meter:
            meter.report(meter.done + path.stat().st_size)
    params = folder / "params"
    if params.is_dir():
        for path in sorted(p for p in params.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")[:200]
            _param(runs.run, path.relative_to(params).as_posix(), text)
    return runs.finish()


def read_database(source: Source, meter: Meter | None = None) -> list[RunData]:
    """Every run in an MLflow SQLite database."""
    with source.plain_path() as path:
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise UnreadableInput(
                Phrase.of("e_sqlite_closed", source=source.label, problem=str(exc))
            ) from None
        try:
            found = _read_connection(source.label, connection)
        except sqlite3.Error as exc:
            raise UnreadableInput(
                Phrase.of("e_not_mlflow", source=source.label, problem=str(exc))
            ) from None
        finally:
            connection.close()
    if meter:
        meter.report(meter.done + source.size)
    return found


def _read_connection(label: str, connection: sqlite3.Connection) -> list[RunData]:
    found: list[RunData] = []
    runs = connection.execute(
        "SELECT run_uuid, name, lifecycle_stage FROM runs ORDER BY start_time, run_uuid"
    ).fetchall()
    for run_uuid, name, stage in runs:
        if stage == "deleted":
            continue
        builder = RunBuilder(f"{label}#{name or run_uuid}", FORMAT, split_on_regress=False)
        rows = connection.execute(
            "SELECT key, value, step, is_nan FROM metrics WHERE run_uuid = ? "
            "ORDER BY key, timestamp, step",
            (run_uuid,),
        )
        for key, value, step, is_nan in rows:
            builder.point(canonical(key), float(step or 0), _stored(value, is_nan))
        params = connection.execute("SELECT key, value FROM params WHERE run_uuid = ?", (run_uuid,))
        for key, value in params:
            _param(builder.run, key, str(value))
        found += builder.finish()
    if not found:
        raise UnreadableInput(Phrase.of("e_mlflow_no_metrics", source=label))
    return found


def _stored(value: float | None, is_nan: object) -> float:
    if is_nan or value is None:
        return math.nan
    if abs(value) == _MAX_DOUBLE:
        return math.copysign(math.inf, value)
    return float(value)


def _metric_line(runs: RunBuilder, key: str, line: str, number: int) -> None:
    fields = line.split()
    if len(fields) not in (2, 3):
        return
    value = to_float(fields[1])
    step = to_float(fields[2]) if len(fields) == 3 else 0.0
    if value is not None and step is not None:
        runs.point(canonical(key), step, value, number)


def _param(run: RunData, key: str, text: str) -> None:
    target = PARAMS.get(key.strip().lower())
    text = text.strip()
    if target == "optimizer":
        low = text.lower()
        choice = next((value for word, value in OPTIMIZERS if word in low), "other")
        if choice == "sgd" and "momentum" in low:
            choice = "sgd-momentum"
        run.context.setdefault("optimizer", choice)
    elif target == "learning_rate":
        number = to_float(text)
        if number is not None and math.isfinite(number):
            run.context.setdefault(target, number)
    elif target is not None and text.isdigit():
        run.context.setdefault(target, int(text))


def _meta(path: Path) -> dict:
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError:
        return {}
    return meta if isinstance(meta, dict) else {}


def run_dirs(folder: Path) -> Iterable[Path]:
    """MLflow run folders at or under ``folder`` (an mlruns root, an experiment, a run),
    leaving out the ``.trash`` of deleted runs."""
    if is_run_dir(folder):
        yield folder
        return
    for meta in sorted(folder.rglob("meta.yaml")):
        if ".trash" not in meta.parts and is_run_dir(meta.parent):
            yield meta.parent
