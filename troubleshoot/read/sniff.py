"""Which format a file is in, decided by its content (never its name).

Binary formats are known by their first bytes; text formats by what their first lines
look like. Anything else is refused with a message that says what the file looks like
and what troubleshoot accepts.
"""

from __future__ import annotations

import csv
import json
import re

from troubleshoot.facts import Phrase
from troubleshoot.read.model import UnreadableInput
from troubleshoot.read.source import Source
from troubleshoot.read.values import to_float

CAFFE = "caffe-glog"
TEXT = "text"
TABLE = "table"  # CSV/TSV; the table reader tells Keras, Lightning, W&B and per-layer apart
JSONL = "jsonl"
JSON = "json"
TENSORBOARD = "tensorboard"
MLFLOW_DB = "mlflow-sqlite"

# What the readers take, said after every refusal (``e_accepted``).
ACCEPTED = Phrase("e_accepted")

# First bytes of files people hand over by mistake, for telling them what they gave
# (``file_*`` keys of ``render/i18n.py``).
MAGIC = (
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x89HDF\r\n\x1a\n", "hdf5"),
    (b"\x93NUMPY", "numpy"),
    # Pickle protocols 2-5 open with PROTO (0x80) and the protocol number; torch.save's
    # legacy format is one.
    (b"\x80\x02", "pickle"),
    (b"\x80\x03", "pickle"),
    (b"\x80\x04", "pickle"),
    (b"\x80\x05", "pickle"),
    (b":W&B", "wandb"),
    (b"\x7fELF", "program"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x1f\x8b", "gzip"),
)

_GLOG = re.compile(
    r"(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ (?:solver|sgd_solver|net|caffe|layer_factory"
    r"|syncedmem|upgrade_proto|io|db_lmdb|db_leveldb|blocking_queue|parallel|common|\w+_layer)"
    r"\.(?:cpp|hpp|cu):\d+\]"
)
_CAFFE_MESSAGE = re.compile(
    r"(?m)^.*\] +(?:Iteration \d+(?: \(.*\))?, (?:loss|lr) = |Solving |Initializing solver"
    r"|Train net output #|Test net output #|Test score #|\[(?:Forward|Backward)\] Layer )"
)
_DELIMITERS = ",\t;|"
# A JSON object starts with a quoted key (or is empty); an array with a value.
_JSON_START = re.compile(r'\s*(?:\{\s*["}]|\[\s*(?:[{\["\d\]-]|true|false|null))')


def sniff(source: Source) -> str:
    """The format of ``source``; raises UnreadableInput for what no reader takes."""
    head = source.head
    if not head:
        raise UnreadableInput(Phrase.of("e_empty", source=source.label), ACCEPTED)
    if b"brain.Event:" in head[:64]:
        return TENSORBOARD
    if head.startswith(b"SQLite format 3\x00"):
        return MLFLOW_DB
    if not source.wide and looks_binary(head):
        raise UnreadableInput(describe(source.label, head), ACCEPTED)
    text = source.head_text
    if _JSON_START.match(text):
        if _first_line_is_object(text.lstrip()):
            return JSONL
        if _is_json_document(text):
            return JSON
    if _GLOG.search(text) or _CAFFE_MESSAGE.search(text):
        return CAFFE
    if _is_table(text):
        return TABLE
    return TEXT


def describe(label: str, head: bytes) -> Phrase:
    """What a file that no reader takes looks like, from its first bytes."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return Phrase.of("e_not_a_log", source=label, kind=Phrase(f"file_{what}"))
    shown = " ".join(f"{b:02x}" for b in head[:8])
    return Phrase.of("e_binary", source=label, bytes=shown)


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for b in head[:4096] if b < 32 and b not in b"\t\n\r\f\b\x1b")
    return control > len(head[:4096]) // 20


def _first_line_is_object(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _is_json_document(text: str) -> bool:
    """The head parses as JSON, or fails only where it ends (cut off by the head's size
    or because the file is still being written), not on text after a complete value."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.msg != "Extra data" and exc.pos >= len(text.rstrip()) - 256
    return True


def _is_table(text: str) -> bool:
    """A header of names and rows of the same width with at least one number each."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) < 2:
        return False
    sample = "\n".join(lines[:-1] if len(lines) > 2 else lines)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return False
    rows = list(csv.reader(lines[:-1] if len(lines) > 2 else lines, dialect))
    header, body = rows[0], rows[1:]
    if len(header) < 2 or any(to_float(cell) is not None for cell in header if cell.strip()):
        return False
    return all(len(row) == len(header) for row in body) and all(
        any(to_float(cell) is not None for cell in row) for row in body
    )
