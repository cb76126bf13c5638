"""One input file, opened for streaming: gzip by magic bytes, encoding, blocks and lines.

Nothing here holds more than one block (``BLOCK`` bytes) of a file at a time. Blocks
always end at a line break; a last line without one (a file still being written) is kept
aside as ``tail`` so readers can ignore its values and say so.
"""

from __future__ import annotations

import codecs
import gzip
import io
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from troubleshoot.facts import Phrase
from troubleshoot.read.model import UnreadableInput, os_problem

BLOCK = 1 << 20
HEAD = 64 * 1024
MAX_LINE = 16 << 20  # longer lines are not log lines; they are skipped
GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE = ("utf_16", "utf_32", "utf-16", "utf-32")
DAMAGED = (EOFError, zlib.error, gzip.BadGzipFile)  # what a damaged gzip stream raises

Progress = Callable[[int, int], None]


class Meter:
    """Bytes read so far across every input, reported to the caller's progress callback."""

    def __init__(self, total: int, callback: Progress | None) -> None:
        self.total = total
        self.done = 0
        self._callback = callback

    def report(self, done: int) -> None:
        self.done = done
        if self._callback is not None:
            self._callback(min(done, self.total), self.total)


class Source:
    """A file to read: its decompressed head for sniffing, and streaming access to the rest."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.path = path
        self.label = label or str(path)
        try:
            self.size = path.stat().st_size
            with path.open("rb") as raw:
                self.gzip = raw.read(2) == GZIP_MAGIC
            self.head = self._read_head()
        except OSError as exc:
            raise UnreadableInput(
                Phrase.of("e_cannot_read", source=self.label, problem=os_problem(exc))
            ) from None
        self.encoding = detect_encoding(self.head)
        self.wide = self.encoding.replace("-", "_").startswith(_WIDE)
        self.tail: str | None = None  # a last line without a line break
        self.tail_line = 0
        self.warnings: list[Phrase] = []
        # Only the bytes in [start, end) of a plain file are read (to its end if end is
        # None), their first line numbered lines_before + 1 (one half of a big log, read by
        # its own process: read/halves.py).
        self.span: tuple[int, int | None] | None = None
        self.lines_before = 0

    def _read_head(self) -> bytes:
        with self.open() as stream:
            try:
                return stream.read(HEAD)
            except DAMAGED as exc:
                raise UnreadableInput(
                    Phrase.of("e_bad_gzip", source=self.label, problem=str(exc))
                ) from None

    def open(self) -> BinaryIO:
        """The file's content as a binary stream, decompressed if it is gzip."""
        if self.gzip:  # gzip.open owns the file it opens and closes it with the stream
            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return self.path.open("rb")

    @contextmanager
    def plain_path(self) -> Iterator[Path]:
        """A path to the uncompressed content, for libraries that only take paths (a
        gzip-compressed file is unpacked into a temporary file, up to any damage)."""
        if not self.gzip:
            yield self.path
            return
        with tempfile.NamedTemporaryFile(prefix="troubleshoot-") as plain:
            try:
                with gzip.open(self.path, "rb") as packed:
                    shutil.copyfileobj(packed, plain)
            except DAMAGED as exc:
                self.warnings.append(Phrase.of("w_damaged", source=self.label, problem=str(exc)))
            plain.flush()
            yield Path(plain.name)

    @property
    def head_text(self) -> str:
        """The head decoded for sniffing (a cut multi-byte character at its end is dropped)."""
        return self.head.decode(self.encoding, errors="ignore")

    def decode(self, raw: bytes) -> str:
        """One line of ``blocks()`` as text: UTF-8 if it is, else the file's own encoding."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            fallback = "utf-8" if self.wide else self.encoding
            return raw.decode(fallback, errors="replace")

    def blocks(self, meter: Meter | None = None) -> Iterator[bytes]:
        """The content in blocks that each end with a line break, ASCII-compatible.

        Files in UTF-16/32 are re-encoded as UTF-8 on the way, so readers can work on bytes.
        The last unterminated line, if any, goes to ``tail``.
        """
        try:
            yield from self._blocks(meter)
        except OSError as exc:  # the file vanished or the disk failed while reading
            raise UnreadableInput(
                Phrase.of("e_read_failed", source=self.label, problem=os_problem(exc))
            ) from None

    def _blocks(self, meter: Meter | None) -> Iterator[bytes]:
        base = meter.done if meter else 0
        start = self.span[0] if self.span else 0
        with self.path.open("rb") as raw:
            if self.span is not None:  # a part of a plain file
                raw.seek(start)
                reader = _until(raw, self.span[1])
            else:
                stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if self.gzip else raw  # type: ignore[assignment]
                reader = _reader(stream, self.encoding if self.wide else None)
            rest = b""
            # A UTF-8 byte-order mark (Excel's and pandas' "utf-8-sig") is not part of the
            # first line: not the first column's name, not the first line's text.
            first = start == 0
            skipping = False  # inside a line too long to keep
            while True:
                try:
                    chunk = reader()
                except DAMAGED as exc:
                    self.warnings.append(
                        Phrase.of(
                            "w_damaged_after",
                            source=self.label,
                            byte=raw.tell(),
                            problem=str(exc),
                        )
                    )
                    chunk = b""
                if meter:
                    meter.report(base + raw.tell() - start)
                if not chunk:
                    break
                if first:
                    chunk, first = chunk.removeprefix(codecs.BOM_UTF8), False
                cut = chunk.rfind(b"\n") + 1
                if not cut:
                    if not skipping:
                        rest += chunk
                        if len(rest) > MAX_LINE:
                            self.warnings.append(
                                Phrase.of("w_long_line", source=self.label, mb=MAX_LINE >> 20)
                            )
                            rest, skipping = b"", True
                    continue
                if skipping:  # the long line ends here: keep its place as an empty line
                    rest, skipping = b"", False
                    chunk = b"\n" + chunk[chunk.find(b"\n") + 1 :]
                    cut = chunk.rfind(b"\n") + 1
                yield rest + chunk[:cut]
                rest = chunk[cut:]
        if rest and not skipping:
            self.tail = self.decode(rest.rstrip(b"\r"))

    def lines(self, meter: Meter | None = None) -> Iterator[tuple[int, str]]:
        """Numbered text lines (1-based, without line breaks); the unterminated last goes to
        ``tail`` with its number in ``tail_line``."""
        number = 0
        decode = self.decode
        for block in self.blocks(meter):
            for raw in block.split(b"\n")[:-1]:
                number += 1
                yield number, decode(raw.removesuffix(b"\r"))
        self.tail_line = number + 1


def _reader(stream: BinaryIO, wide: str | None) -> Callable[[], bytes]:
    if wide is None:
        return lambda: stream.read(BLOCK)
    text = io.TextIOWrapper(stream, encoding=wide, errors="replace", newline="")
    return lambda: text.read(BLOCK).encode("utf-8")


def _until(raw: BinaryIO, end: int | None) -> Callable[[], bytes]:
    """Blocks of a plain file read up to byte ``end`` (to its end if None)."""
    if end is None:
        return lambda: raw.read(BLOCK)
    return lambda: raw.read(max(0, min(BLOCK, end - raw.tell())))


def detect_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: a byte-order mark, else charset-normalizer."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if not head or head.isascii():
        return "utf-8"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # only a character cut at the end of the head
            return "utf-8"
    best = from_bytes(head).best()
    return best.encoding if best is not None else "utf-8"
