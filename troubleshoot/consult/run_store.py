"""The runs of a consultation, and what it lists of every run, kept on disk when large.

A Caffe log of several gigabytes holds thousands of runs, and the output's top level (all
runs as one) is written before the runs themselves, so every run's verdict must wait for
the last one. Held as objects they would cost some 7 KB a run; here each is pickled to a
temporary file as it comes and read back, one at a time, each time the runs are walked, so
memory stays that of one run. The knowledge base is not copied: its lessons and rules are
pickled as references to the objects this process already holds.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from troubleshoot.consult.consultation import RunVerdict
    from troubleshoot.knowledge.load import KnowledgeBase

RUNS_IN_MEMORY = 4 * 1024 * 1024  # bytes of pickled runs kept in memory before a file
LIST_IN_MEMORY = 64 * 1024  # the same for a list of every run's ids or evidence

T = TypeVar("T")


class _Pickler(pickle.Pickler):
    def __init__(self, file: IO[bytes], shared: dict[int, object]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = shared

    def persistent_id(self, obj: Any) -> int | None:
        key = id(obj)
        return key if key in self.shared and self.shared[key] is obj else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], shared: dict[int, object]) -> None:
        super().__init__(file)
        self.shared = shared

    def persistent_load(self, pid: Any) -> object:
        return self.shared[pid]


class Spool(Generic[T]):
    """A list that is only appended to and walked in order, pickled to a temporary file
    once it outgrows ``in_memory`` bytes. Objects in ``shared`` (by identity) are pickled
    as references. Several walks may be under way at once."""

    def __init__(self, in_memory: int, shared: dict[int, object] | None = None) -> None:
        # Open as long as its owner lives; a temporary file is deleted when closed.
        self._file = tempfile.SpooledTemporaryFile(in_memory, prefix="troubleshoot-")  # noqa: SIM115
        self._shared = shared or {}
        self._end = 0

    def append(self, item: T) -> None:
        self._file.seek(self._end)
        _Pickler(self._file, self._shared).dump(item)
        self._end = self._file.tell()

    def __iter__(self) -> Iterator[T]:
        offset = 0
        while offset < self._end:
            self._file.seek(offset)  # another walk may have moved it
            item = _Unpickler(self._file, self._shared).load()
            offset = self._file.tell()
            yield item


class RunStore:
    """The runs in the order they were read. ``put`` takes each run with its place in that
    order; runs come in that order except those held back (a run whose file may still add
    a warning to it, or whose group may still gain files), which come last and are kept in
    memory, as is the first run (what a consultation of one run uses). The rest go to a
    :class:`Spool`, in order, with their place, and a walk merges the two by place."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.clear()

    def clear(self) -> None:
        """Forget every run."""
        self._held: dict[int, RunVerdict] = {}
        self._stored: Spool[tuple[int, RunVerdict]] | None = None
        self._last = -1  # the place of the last run stored
        self._count = 0

    def put(self, place: int, run: RunVerdict) -> None:
        self._count += 1
        if place == 0 or place < self._last:
            self._held[place] = run
            return
        if self._stored is None:
            self._stored = Spool(RUNS_IN_MEMORY, _kb_objects(self.kb))
        self._stored.append((place, run))
        self._last = place

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[RunVerdict]:
        held = sorted(self._held.items())
        i = 0
        for place, run in self._stored or ():
            while i < len(held) and held[i][0] < place:
                yield held[i][1]
                i += 1
            yield run
        for _, run in held[i:]:
            yield run

    @overload
    def __getitem__(self, index: int) -> RunVerdict: ...
    @overload
    def __getitem__(self, index: slice) -> list[RunVerdict]: ...
    def __getitem__(self, index: int | slice) -> RunVerdict | list[RunVerdict]:
        """The first runs (``[:n]``) or one run by its place, read back if stored."""
        if isinstance(index, slice):
            return list(islice(self, index.start, index.stop, index.step))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._held[index] if index in self._held else next(islice(self, index, None))


def _kb_objects(kb: KnowledgeBase) -> dict[int, object]:
    """The objects of the knowledge base a verdict refers to (itself, its lessons and
    their rules), by identity: a verdict pickles a reference to them, not a copy."""
    shared: list[object] = [kb]
    for lesson in kb.lessons.values():
        shared += [lesson, *lesson.rules]
    return {id(obj): obj for obj in shared}
