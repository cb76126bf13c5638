"""Error messages in log text, recognised by the catalogue of signatures in ``kb/errors/``.

Each signature has literal words that must appear before its regular expression is
tried, so scanning millions of ordinary lines costs one pass of an Aho-Corasick automaton
(ahocorasick-rs) over their bytes. A line
that matches yields the signature's id and the facts it maps to; a Python traceback whose
final exception no signature knows is still kept (``Tracebacks``), as an unrecognised error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ahocorasick_rs import BytesAhoCorasick

if TYPE_CHECKING:  # the models come with the loaded knowledge base; no import cost here
    from troubleshoot.knowledge.schema import ErrorSignature

# The event kind of a traceback whose final exception no signature recognises; also the
# symptom id it establishes.
UNRECOGNISED = "error-unrecognised"


@dataclass(frozen=True)
class Signature:
    """A catalogue signature compiled for scanning."""

    id: str
    words: tuple[str, ...]  # at least one must occur in the line (case-sensitive)
    pattern: re.Pattern[str]
    symptoms: tuple[str, ...]
    context: tuple[tuple[str, str | int | float | bool], ...]


class Recogniser:
    """Tries a line against every signature, in catalogue order; the first match wins."""

    def __init__(self, signatures: Iterable[ErrorSignature]) -> None:
        self.signatures = tuple(
            Signature(
                s.id,
                tuple(s.words),
                re.compile(s.pattern),
                tuple(s.symptoms),
                tuple(s.context.items()),
            )
            for s in signatures
        )
        # Every word any signature needs, plus the traceback header: a block of text
        # without one holds no error. One Aho-Corasick automaton finds them all in one pass.
        words = {w for s in self.signatures for w in s.words} | {TRACEBACK}
        self._words = BytesAhoCorasick(sorted(w.encode() for w in words))

    def match(self, line: str) -> Signature | None:
        """The signature ``line`` matches, or None for an ordinary line."""
        for signature in self.signatures:
            if any(word in line for word in signature.words) and signature.pattern.search(line):
                return signature
        return None

    def matches(self, line: str) -> list[Signature]:
        """Every signature whose pattern matches ``line``; for each catalogue example, its
        own signature alone (``kb lint`` checks it)."""
        return [s for s in self.signatures if s.pattern.search(line)]

    def lines_with_words(self, block: bytes) -> list[tuple[int, bytes]]:
        """The lines of a block of raw log text that contain a word some signature needs,
        as (offset of the line in the block, line), in order: one pass over the block."""
        found: list[tuple[int, bytes]] = []
        end = -1  # where the last line found ends
        for _, at, _ in self._words.find_matches_as_indexes(block):
            if at < end:
                continue  # another word of a line already found
            start = block.rfind(b"\n", 0, at) + 1
            end = block.find(b"\n", at)
            if end < 0:
                end = len(block)
            found.append((start, block[start:end]))
        return found


@cache
def recogniser() -> Recogniser:
    """The recogniser of the knowledge base in use (``knowledge.load.cached_kb``)."""
    from troubleshoot.knowledge.load import cached_kb

    return Recogniser(cached_kb().errors.values())


TRACEBACK = "Traceback (most recent call last):"
# The line that ends a traceback: the exception's (dotted) name, then its message if any.
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*)(?::\s*(.*))?$")


class Tracebacks:
    """Follows the Python tracebacks in a text, line by line, and keeps the exception that
    ends each one unless a signature matched a line from its header on (TensorFlow prints
    the telling message a few lines below the exception's name)."""

    def __init__(self) -> None:
        self.inside = False  # between a traceback header and its exception line
        self.explained = False  # a signature matched since the last header
        self.pending: tuple[int, str] | None = None  # (line, "Error: message")

    def header(self) -> tuple[int, str] | None:
        """A traceback starts; the one before it, if unexplained, is final."""
        done = self.finish()
        self.inside = True
        return done

    def line(self, number: int, line: str) -> None:
        """Any line; the first unindented line inside a traceback is its exception."""
        if not self.inside or not line.strip() or line[0] in " \t" or TRACEBACK in line:
            return
        self.inside = False
        m = _EXCEPTION.match(line.rstrip())
        if m:
            message = (m.group(2) or "").strip()
            self.pending = (number, f"{m.group(1)}: {message}" if message else m.group(1))

    def recognised(self) -> None:
        """A signature matched a line: the current traceback is explained."""
        self.explained = True

    def finish(self) -> tuple[int, str] | None:
        """The last traceback's exception (line, text) if no signature explained it."""
        done = None if self.explained else self.pending
        self.pending, self.inside, self.explained = None, False, False
        return done
