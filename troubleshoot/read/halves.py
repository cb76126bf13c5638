"""One big Caffe log read by two processes at once, each from its own half.

A log that jobs append to holds run after run, each begun by glog's header ("Log file
created at: ...") or the solver's first line ("Initializing solver from parameters"),
where the Caffe reader starts afresh: nothing read before such a line changes what is read
after it but the runs' numbers in their names. So a log of ``HALVES_FROM`` bytes or more is
cut at the first such line after its middle; one child
(``aside.Child``) reads the first half and hands its runs over through a pipe, while a
second reads the second half into a temporary file, never waiting, and its runs are handed
over once the first half's are. This process then names each run as reading the whole
file in one process would have (``path#run-N``), and puts the warnings about the whole
file (``Source.warnings``) on its first run. What the caller gets is what ``read_here``
gives (``tests/test_read_aside.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from troubleshoot.facts import Phrase, PhraseValue
from troubleshoot.read import aside, sniff
from troubleshoot.read.caffe import read_caffe, starts_a_job
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.source import BLOCK, Meter, Progress, Source

HALVES_FROM = 2 * aside.ASIDE_FROM  # each half at least the size worth reading aside
_MARKERS = (b"Log file created at", b"Initializing solver")  # the words of those lines
_COUNTING = 16 << 20  # bytes read at a time to count the lines before the second half


def cut_point(paths: Sequence[Path]) -> int | None:
    """Where to cut one big plain (not compressed, not UTF-16) Caffe log in two: the start
    of the first line after its middle where a new job begins; None when there is none or
    no second core."""
    if len(paths) != 1 or not aside.possible():
        return None
    path = paths[0]
    try:
        size = path.stat().st_size if path.is_file() else 0
        if size < HALVES_FROM:
            return None
        source = Source(path)
        if source.gzip or source.wide or sniff.sniff(source) != sniff.CAFFE:
            return None
        with path.open("rb") as raw:
            return _new_job(raw, size // 2)
    except (OSError, ValueError, UnreadableInput):
        return None  # reading the whole file in one process will say what is wrong


def _new_job(raw: BinaryIO, at: int) -> int | None:
    """The offset of the first whole line from ``at`` on where the Caffe reader starts
    afresh (glog's header, or the solver's first line: ``starts_a_job``), read a block at a
    time; a line longer than a block is passed over (it is not such a line)."""
    mid_line = True  # ``at`` may fall inside a line
    while True:
        raw.seek(at)
        block = raw.read(BLOCK)
        if not block:
            return None
        begin = block.find(b"\n") + 1 if mid_line else 0  # the first whole line
        end = block.rfind(b"\n") + 1  # after the last one
        for start in _line_starts(block, begin, end):
            if starts_a_job(block[start : block.find(b"\n", start)]):
                return at + start
        at, mid_line = (at + end, False) if end else (at + len(block), True)


def _line_starts(block: bytes, begin: int, end: int) -> Iterator[int]:
    """Where the lines in ``block[begin:end]`` that hold a marker's words begin, in order."""
    hits = sorted(at for marker in _MARKERS for at in _all(block, marker, begin, end))
    for at in hits:
        yield max(block.rfind(b"\n", begin, at) + 1, begin)


def _all(block: bytes, word: bytes, begin: int, end: int) -> Iterator[int]:
    at = block.find(word, begin, end)
    while at >= 0:
        yield at
        at = block.find(word, at + 1, end)


def read_part(
    path: Path, start: int, end: int | None, file_warnings: list[Phrase], progress: Progress
) -> Iterator[RunData]:
    """The runs of the bytes [start, end) of a Caffe log (to its end, as far as it is
    written, if ``end`` is None), named as if they were a file of their own; the warnings
    about the file go to ``file_warnings`` (in a child process)."""
    source = Source(path)
    source.span = (start, end)
    source.lines_before = _lines_before(path, start)
    source.warnings = file_warnings
    return iter(read_caffe(source, Meter((end or source.size) - start, progress)))


def _lines_before(path: Path, offset: int) -> int:
    lines = 0
    with path.open("rb") as raw:
        while offset > 0:
            chunk = raw.read(min(_COUNTING, offset))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def read_halves(path: Path, cut: int, progress: Progress | None = None) -> Iterator[RunData]:
    """``read_here([path])`` of a log cut at ``cut``, read by two child processes."""
    size = path.stat().st_size
    label = str(path)
    done = [0, 0]

    def report(half: int, value: int) -> None:
        done[half] = value
        if progress is not None:
            progress(sum(done), max(size, sum(done)))  # a log being written grows

    first = aside.Child(["--part", "0", str(cut), label], spool=False)
    second = aside.Child(["--part", str(cut), "-", label], spool=True)  # to the end, as written
    names = _Names(label)
    file_warnings: list[Phrase] = []
    try:
        later = second.messages([path])
        ahead: list[aside.Message] = []  # the second half's messages, read to find a run
        for kind, *body in first.messages([path]):
            if kind == "progress":
                report(0, body[0])
            elif kind == "run":
                several = body[0].source != label or _has_a_run(later, ahead)
                yield names.give(body[0], names.count + 1, several)
            else:  # end
                names.late(body[0], 0)
                file_warnings += body[1]
        in_first_half = names.count
        for kind, *body in chain(ahead, later):
            if kind == "progress":
                report(1, body[0])
            elif kind == "run":
                alone = body[0].source == label  # the second half's only run
                several = in_first_half > 0 or not alone
                yield names.give(body[0], names.count + 1, several)
            else:
                names.late(body[0], in_first_half)
                file_warnings += body[1]
    finally:
        first.stop()
        second.stop()
    if not names.count:
        raise UnreadableInput(Phrase.of("e_read_nothing", source=label, format=sniff.CAFFE))
    names.runs[0][0][:0] = file_warnings
    if progress is not None:
        progress(max(size, sum(done)), max(size, sum(done)))


def _has_a_run(messages: Iterator[aside.Message], ahead: list[aside.Message]) -> bool:
    """Whether the second half holds a run, reading its messages into ``ahead`` as needed."""
    while not any(message[0] == "run" for message in ahead):
        message = next(messages, None)
        if message is None:
            return False
        ahead.append(message)
        if message[0] == "end":
            return False
    return True


class _Names:
    """The runs handed out, each renamed from its half's name to its name in the file."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.count = 0
        self.runs: list[tuple[list[Phrase], str, str]] = []  # (warnings, name read, given)

    def give(self, run: RunData, number: int, several: bool) -> RunData:
        name = f"{self.label}#run-{number}" if several else self.label
        read = run.source
        if name != read:
            run.source = name
            run.warnings[:] = [_renamed(w, read, name) for w in run.warnings]
        self.runs.append((run.warnings, read, name))
        self.count += 1
        return run

    def late(self, changed: list[tuple[int, list[Phrase]]], before: int) -> None:
        """Warnings a half's reader added to runs already handed out (its ``end``)."""
        for index, warnings in changed:
            handed, read, name = self.runs[before + index]
            handed[:] = [_renamed(w, read, name) for w in warnings]


def _renamed(phrase: Phrase, old: str, new: str) -> Phrase:
    """``phrase`` with every value that is the run's old name (``w_huge_values``...) new."""

    def renamed(value: PhraseValue) -> PhraseValue:
        if isinstance(value, Phrase):
            return _renamed(value, old, new)
        return new if value == old else value

    return Phrase(phrase.key, tuple((key, renamed(value)) for key, value in phrase.values))
