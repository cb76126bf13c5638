"""Text a person pasted (a question with log lines or a traceback in it), read like a file.

The readers stream from files, so a paste is written to a temporary file and read by the
reader its content calls for, exactly as ``read_inputs`` would read it: a pasted excerpt of
a Caffe log or a PyTorch traceback yields the same series, error events and context as the
whole file would. Bytes from a pipe are decoded here with the files' encoding detection.
"""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from troubleshoot.read import sniff
from troubleshoot.read.inputs import READERS
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.source import HEAD, Meter, Source, detect_encoding

PASTED = "pasted text"  # the source every fact read from a paste cites


def decode_paste(raw: bytes) -> str:
    """Bytes a person piped in, as text: UTF-8 (with or without a BOM) if they are, else the
    encoding charset-normalizer finds (GBK from a Chinese Windows console, Latin-1, ...).
    Raises UnreadableInput for binary data, saying what it looks like."""
    if sniff.looks_binary(raw[:HEAD]):
        raise UnreadableInput(sniff.describe(PASTED, raw[:HEAD]))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding = detect_encoding(raw[:HEAD])
        if encoding.startswith("utf"):  # charset-normalizer found nothing better
            encoding = "gb18030" if _maybe_gb(raw) else "latin-1"
        return raw.decode(encoding, errors="replace")


def _maybe_gb(raw: bytes) -> bool:
    """Whether bytes that are not UTF-8 decode as GB18030 (the superset of GBK)."""
    try:
        codecs.decode(raw[:HEAD], "gb18030")
    except UnicodeDecodeError:
        return False
    return True


def read_paste(text: str) -> list[RunData]:
    """The runs in pasted text: metric lines, error messages and tracebacks, as the reader
    for its format finds them; none when it holds only words."""
    # A file, not a folder: removing a temporary folder costs milliseconds on some file
    # systems (ext4 here), which a chat service answering many questions would feel.
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", prefix="troubleshoot-", suffix=".txt"
    ) as file:
        file.write(text if text.endswith("\n") else text + "\n")
        file.flush()
        source = Source(Path(file.name), PASTED)
        try:
            reader = READERS.get(sniff.sniff(source))
            return list(reader(source, Meter(source.size, None))) if reader else []
        except UnreadableInput:  # words only, no metrics, errors or settings to read
            return []
