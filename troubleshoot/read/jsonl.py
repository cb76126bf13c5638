"""JSON metric files: JSON Lines, arrays of row objects, and Hugging Face trainer_state.json.

JSON Lines (one object per line: W&B ``scan_history`` dumps, most loggers' ``.jsonl``) is
read line by line. A JSON document is read element by element: the rows of a top-level
array, or of the ``log_history`` array in a Hugging Face ``trainer_state.json``. Python
writes NaN and infinity as the bare words ``NaN`` and ``Infinity``, which strict streaming
JSON parsers refuse; the standard library's decoder accepts them, so elements are cut
from a bounded buffer with ``json.JSONDecoder.raw_decode``. Nested objects are flattened
(``{"train": {"loss": 1}}`` is ``train/loss``).

Strict encoders write a non-finite number as ``null``: JavaScript's ``JSON.stringify``
(ECMA-262, SerializeJSONProperty: a number that is not finite becomes "null"), Rust's
serde_json (``null`` is its representation of NaN, v0.8.3 release notes) and nlohmann/json
(issue #70), while Python's encoder writes ``NaN`` by default (docs.python.org,
``json.dump``, *allow_nan*). But
``null`` also means "not logged in this row" where a table of mixed rows is dumped (an
evaluation row leaves the training columns empty). So a ``null`` loss is read as
non-finite only where the row shows it was written for that loss (``nulls_as_nan``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping

from troubleshoot.facts import Phrase
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.names import SPLITS
from troubleshoot.read.openmmlab import OpenMMLabRows
from troubleshoot.read.rows import COUNTERS, RowSink, is_bookkeeping
from troubleshoot.read.runs import RunBuilder
from troubleshoot.read.source import Meter, Source

MAX_ELEMENT = 16 << 20  # a single row larger than this is not a metric row
_ROWS_KEY = re.compile(r'"log_history"\s*:\s*\[')
_DECODER = json.JSONDecoder()
_COUNTERS = {name for name, _ in COUNTERS}
_WORDS = re.compile(r"[/_.\-]")


def read_jsonl(source: Source, meter: Meter | None = None) -> list[RunData]:
    runs = RunBuilder(source.label, "jsonl")
    sink = RowSink(runs)
    openmmlab = OpenMMLabRows()
    bad = 0
    for number, line in source.lines(meter):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(row, dict) and (cells := openmmlab.rewrite(row)) is not None:
            sink.row(nulls_as_nan(flatten(cells)), number)
    if bad:
        runs.warn(Phrase.of("w_not_json_lines", source=source.label, n=bad))
    found = runs.finish(source)
    if openmmlab.mmengine or openmmlab.mmcv:  # OpenMMLab is built on PyTorch
        for run in found:
            run.context.setdefault("framework", "pytorch")
    return found


def read_json(source: Source, meter: Meter | None = None) -> list[RunData]:
    text = source.head_text.lstrip()
    if text.startswith("{") and not _ROWS_KEY.search(source.head_text):
        raise UnreadableInput(Phrase.of("e_json_no_rows", source=source.label))
    runs = RunBuilder(source.label, "json")
    sink = RowSink(runs)
    for row, line in elements(_chunks(source, meter), text.startswith("{"), runs.warn):
        if isinstance(row, dict):
            sink.row(nulls_as_nan(flatten(row)), line)
    source.tail = None  # read above: a document's last line needs no line break
    return runs.finish(source)


def elements(
    chunks: Iterator[str], nested: bool, warn: Callable[[Phrase], None]
) -> Iterator[tuple[object, int]]:
    """The elements of a JSON array (at top level, or under ``log_history``) with the line
    each starts on; stops with a warning at the first element that does not parse."""
    buffer, pos, line = "", 0, 1
    exhausted = False

    def more() -> bool:
        nonlocal buffer, pos, exhausted
        chunk = next(chunks, None)
        if chunk is None:
            exhausted = True
            return False
        buffer, pos = buffer[pos:] + chunk, 0
        return True

    opening = _ROWS_KEY if nested else re.compile(r"\s*\[")
    while (found := opening.search(buffer)) is None:
        if len(buffer) > MAX_ELEMENT or not more():
            warn(Phrase.of("w_json_no_array"))
            return
    line += buffer.count("\n", 0, found.end())
    pos = found.end()
    while True:
        while pos < len(buffer) and buffer[pos] in " \t\r\n,":
            line += buffer[pos] == "\n"
            pos += 1
        if pos >= len(buffer):
            if not more():
                warn(Phrase.of("w_json_unclosed"))
                return
            continue
        if buffer[pos] == "]":
            return
        try:
            value, end = _DECODER.raw_decode(buffer, pos)
        except ValueError:
            if not exhausted and len(buffer) - pos < MAX_ELEMENT and more():
                continue
            warn(Phrase.of("w_json_stops", line=line))
            return
        yield value, line
        line += buffer.count("\n", pos, end)
        pos = end


def _chunks(source: Source, meter: Meter | None) -> Iterator[str]:
    """The document's text; its last line needs no line break (json.dump writes none)."""
    for block in source.blocks(meter):
        yield source.decode(block)
    if source.tail is not None:
        yield source.tail


def flatten(row: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """Nested objects as ``a/b`` keys; lists are not metrics and are dropped."""
    flat: dict[str, object] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}/"))
        elif not isinstance(value, list):
            flat[name] = value
    return flat


def nulls_as_nan(row: dict[str, object]) -> dict[str, object]:
    """The row with each ``null`` loss read as NaN where the row was written for it: another
    metric of the same split holds a number (``train_acc`` beside a null ``train_loss``), or
    the row holds nothing else but counters and times. A null loss beside numbers of another split
    only (an evaluation row's empty training loss) stays "not logged"."""
    nulls = [k for k, v in row.items() if v is None and "loss" in k.lower()]
    if not nulls:
        return row
    cells = {
        k: v
        for k, v in row.items()
        if v is not None and k.lower() not in _COUNTERS and not is_bookkeeping(k)
    }
    numbers = [k for k, v in cells.items() if type(v) in (int, float)]  # bool is no number
    out = dict(row)
    for key in nulls:
        if not cells or any(_split(k) == _split(key) for k in numbers):
            out[key] = math.nan
    return out


def _split(key: str) -> str:
    """The split a metric belongs to: its first word when that names one (train_loss,
    val/acc), as ``names.SPLITS`` reads it."""
    return SPLITS.get(_WORDS.split(key.lower(), maxsplit=1)[0], "")
