"""CSV and TSV metric files: Keras CSVLogger, Lightning metrics.csv, W&B exports, others.

The delimiter is whatever ``csv.Sniffer`` finds in the first lines. The header tells the
kinds apart:

- W&B chart/run exports have columns ``<run name> - <metric>`` (plus ``__MIN``/``__MAX``
  band columns, skipped) next to ``Step``; every run named becomes its own RunData.
- Keras ``CSVLogger`` starts with ``epoch`` (0-based) and has no step column.
- Lightning's ``CSVLogger`` has ``step`` (and ``epoch`` when the Trainer logs) and sparse
  rows: training and validation values on different rows, other cells empty.
- Ultralytics' ``results.csv`` has ``epoch`` (1-based in current versions), loss terms
  ``train/box_loss``, ``train/cls_loss``, ``train/dfl_loss`` (and ``val/...``), ``metrics/...``
  and ``lr/pg0``..; older versions pad every cell to 23 characters. Ultralytics optimises the
  sum of its gain-weighted loss terms (``utils/loss.py``), so their sum per row is
  ``train/loss`` (``val/loss``); the terms keep their own names. A classifier's
  ``metrics/accuracy_top1`` is the validation accuracy.
- A ``layer`` column means per-layer statistics (see ``rows.LAYER_COLUMNS``).
- Anything else with a header is a generic table, read the same way if a column is a
  metric or a counter (``loss``, ``val_acc``, ``iteration``): a table of addresses or
  prices is not a training log.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from troubleshoot.facts import Phrase
from troubleshoot.read.hints import hparams_hint
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.names import is_metric_name
from troubleshoot.read.rows import COUNTERS, RowSink
from troubleshoot.read.runs import RunBuilder
from troubleshoot.read.sniff import ACCEPTED
from troubleshoot.read.source import Meter, Source
from troubleshoot.read.values import cell_to_float

_DELIMITERS = ",\t;|"
SNIFF_LINES = 20  # lines shown to csv.Sniffer
_WANDB_COLUMN = re.compile(r"^(.+?) - (.+?)(__MIN|__MAX)?$")
_WANDB_STEP = {"step", "_step"}
_ULTRALYTICS_TERM = re.compile(r"(?:train|val)/\w+_loss")
# The classifier's top-1 accuracy is measured by its validator on the validation split, as a
# fraction (ClassifyMetrics: the mean of correct predictions).
_ULTRALYTICS_NAMES = {"metrics/accuracy_top1": "val/acc"}


def read_table(source: Source, meter: Meter | None = None) -> list[RunData]:
    lines = source.lines(meter)
    numbers: list[int] = [0]

    def texts() -> Iterator[str]:
        for number, text in lines:
            numbers[0] = number
            yield text.replace("\r", " ").replace("\x00", "")  # the csv module refuses both

    try:
        dialect = csv.Sniffer().sniff(_sample(source), delimiters=_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = _rows(csv.reader(texts(), dialect), source, numbers)
    header = next(reader, None)
    if not header:
        raise UnreadableInput(Phrase.of("e_no_header", source=source.label))
    header = [h.strip() for h in header]
    lowered = {h.lower() for h in header}
    if _is_wandb(header):
        return _read_wandb(source, header, reader, numbers)
    ultralytics = header[0].lower() == "epoch" and any(h.startswith("metrics/") for h in header)
    totals = _ultralytics_totals(header) if ultralytics else {}
    if ultralytics:
        header = [_ULTRALYTICS_NAMES.get(h, h) for h in header]
    if "layer" in lowered:
        fmt = "layers-csv"
    elif ultralytics:
        fmt = "ultralytics-csv"
    elif header[0].lower() == "epoch" and not lowered & {"step", "global_step", "_step"}:
        fmt = "keras-csv"
    elif "step" in lowered:
        fmt = "lightning-csv"
    else:
        fmt = "csv"
        counters = {name for name, _ in COUNTERS}
        if not any(is_metric_name(h) or h.lower() in counters for h in header):
            columns = f"{', '.join(header[:8])}{' ...' if len(header) > 8 else ''}"
            raise UnreadableInput(
                Phrase.of("e_no_metric_columns", source=source.label, columns=columns), ACCEPTED
            )
    runs = RunBuilder(source.label, fmt)
    sink = RowSink(runs)
    ragged = 0
    for row in reader:
        if len(row) != len(header):
            ragged += 1
        cells: dict[str, object] = dict(zip(header, row, strict=False))
        for total, terms in totals.items():
            cells[total] = _sum(cells.get(term) for term in terms)
        sink.row(cells, numbers[0])
    if ragged:
        runs.warn(Phrase.of("w_ragged", source=source.label, n=ragged))
    found = runs.finish(source)
    framework = {
        "keras-csv": "keras",
        "lightning-csv": "pytorch",
        "ultralytics-csv": "pytorch",
    }.get(fmt)
    hint = hparams_hint(source.path.parent) if fmt == "lightning-csv" else None
    for run in found:
        if framework:
            run.context.setdefault("framework", framework)
        run.class_hint = hint
    return found


def _ultralytics_totals(header: list[str]) -> dict[str, list[str]]:
    """``train/loss`` and ``val/loss`` -> the loss-term columns they sum, where Ultralytics
    writes terms rather than the total (every task but classification)."""
    totals: dict[str, list[str]] = {}
    for split in ("train", "val"):
        terms = [h for h in header if _ULTRALYTICS_TERM.fullmatch(h) and h.startswith(split)]
        if terms and f"{split}/loss" not in header:
            totals[f"{split}/loss"] = terms
    return totals


def _sum(cells: Iterable[object]) -> float | None:
    """The sum of a row's loss terms; missing if any is (NaN stays NaN)."""
    total = 0.0
    for cell in cells:
        value = cell_to_float(cell)
        if value is None:
            return None
        total += value
    return total


def _rows(reader: Iterator[list[str]], source: Source, numbers: list[int]) -> Iterator[list[str]]:
    """The rows, up to the first one the csv module cannot parse (a huge field, say)."""
    try:
        yield from reader
    except csv.Error as exc:
        source.warnings.append(
            Phrase.of("w_csv_stops", source=source.label, line=numbers[0], problem=str(exc))
        )


def _sample(source: Source) -> str:
    """The first whole lines: enough to tell the delimiter, and ``csv.Sniffer`` takes time
    in proportion to what it is given (a whole head of a wide table cost 10 ms a file)."""
    lines = source.head_text.splitlines()
    whole = lines[:-1] if len(lines) > 2 else lines
    return "\n".join(whole[:SNIFF_LINES])


def _is_wandb(header: list[str]) -> bool:
    return bool({h.lower() for h in header} & _WANDB_STEP) and any(
        _WANDB_COLUMN.match(h) for h in header
    )


def _read_wandb(
    source: Source, header: list[str], reader: Iterator[list[str]], numbers: list[int]
) -> list[RunData]:
    """One RunData per run named in ``<run> - <metric>`` columns, all sharing the step."""
    step_index = next(i for i, h in enumerate(header) if h.lower() in _WANDB_STEP)
    columns: dict[str, list[tuple[int, str]]] = {}
    for i, h in enumerate(header):
        m = _WANDB_COLUMN.match(h)
        if m and not m.group(3):
            columns.setdefault(m.group(1), []).append((i, m.group(2)))
    sinks = {
        run: RowSink(RunBuilder(f"{source.label}#{run}", "wandb-csv", split_on_regress=False))
        for run in columns
    }
    for row in reader:
        step = row[step_index] if step_index < len(row) else ""
        for run, cells in columns.items():
            values = {metric: row[i] for i, metric in cells if i < len(row)}
            sinks[run].row({"step": step, **values}, numbers[0])
    found: list[RunData] = []
    for i, sink in enumerate(sinks.values()):
        found += sink.runs.finish(source if i == 0 else None)
    return found
