"""Reading big inputs in a second process, so that judging one run overlaps reading the next.

A Caffe log of gigabytes is read at a few tens of MB/s in CPython, and each of its runs is
then judged (detection, the engine) by the same process: one core does both in turn while
the other idles. For inputs of ``ASIDE_FROM`` bytes or more, a child process
(``python -m troubleshoot.read.aside``) reads instead and sends each run, pickled, through
a pipe as soon as it is read; the caller takes them at most ``AHEAD`` messages behind, so
memory stays a few runs whatever the size of the log. The caller gets what ``read_here``
would give it, in the same order: the same runs, the same errors, and the warnings a reader
adds to a file's first run only at the file's end (``RunBuilder.finish``) land in that
run's own ``warnings`` list, as they would in one process. ``halves.py`` runs two such
children on the two halves of one big log.

A plain child process rather than ``multiprocessing``: spawning would import the caller's
main module again (a script without a ``__main__`` guard would start over), and forking a
process that has threads (a progress bar's) is unsafe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from troubleshoot.facts import Phrase
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.source import Progress

ASIDE_FROM = 32 << 20  # below this, starting a process (about 0.3 s) costs more than it saves
AHEAD = 8  # messages (runs or progress) read from the pipe before the caller takes them
_LENGTH = struct.Struct("<Q")  # each message: its length, then its pickle
_PIPE_SIZE = 1 << 20  # the most an unprivileged process may ask for by default
_WAIT = 0.01  # seconds between looks at a spool file that the child is still writing
_UNDELIVERABLE = 75  # the child's exit status when it cannot write its messages (EX_TEMPFAIL)
_PACKAGE_HOME = str(Path(__file__).resolve().parent.parent.parent)
Message = tuple[Any, ...]


def worth_it(paths: Sequence[Path]) -> bool:
    """Whether to read ``paths`` aside: big enough (files, and the files under folders),
    and a second core to read on."""
    return possible() and _total_size(paths, ASIDE_FROM) >= ASIDE_FROM


def possible() -> bool:
    """A second core, and a POSIX system (``os.pread`` for a spool file the child writes)."""
    return os.name == "posix" and _cores() > 1


def _total_size(paths: Sequence[Path], enough: int) -> int:
    """The bytes of the files given and of those under the folders given, counted until
    ``enough`` (a file that cannot be read counts for nothing: its reader will say why)."""
    size = 0
    for path in paths:
        for file in path.rglob("*") if path.is_dir() else [path]:
            with contextlib.suppress(OSError):
                size += file.stat().st_size if file.is_file() else 0
            if size >= enough:
                return size
    return size


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def read_aside(paths: Sequence[Path], progress: Progress | None = None) -> Iterator[RunData]:
    """``read_here(paths, progress)``, read by a child process."""
    child = Child([*map(str, paths)], spool=False)
    handed: list[list[Phrase]] = []  # each run's warnings list, in the order handed out
    try:
        for kind, *body in child.messages(paths):
            if kind == "run":
                handed.append(body[0].warnings)
                yield body[0]
            elif kind == "progress" and progress is not None:
                progress(*body)
            elif kind == "end":
                for index, warnings in body[0]:
                    handed[index][:] = warnings
    finally:
        child.stop()


class Child:
    """A child process reading for this one, and the messages it sends: through a pipe
    (``spool=False``: it waits while the caller is behind) or into a temporary file that
    the caller reads behind it (``spool=True``: it never waits, the disk holds the runs)."""

    def __init__(self, args: list[str], spool: bool) -> None:
        home = [_PACKAGE_HOME, *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(home)}
        # Closed by stop(), which the caller calls in a finally clause.
        self.spool = tempfile.TemporaryFile(prefix="troubleshoot-") if spool else None  # noqa: SIM115
        # A session of its own: the terminal's Ctrl-C reaches the caller only, which stops
        # the child (a child interrupted while it starts would print a traceback).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "troubleshoot.read.aside", str(os.getpid()), *args],
            stdin=subprocess.DEVNULL,
            stdout=self.spool or subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        self.inbox: queue.Queue[bytes | None] = queue.Queue(AHEAD)
        if self.process.stdout is not None:
            _widen(self.process.stdout)
            threading.Thread(target=self._take, args=(self.process.stdout,), daemon=True).start()

    def messages(self, paths: Sequence[Path]) -> Iterator[Message]:
        """The child's messages up to its last, ``end``; its errors raised as the reader's."""
        for message in self._spooled() if self.spool else iter(self.inbox.get, None):
            kind, *body = pickle.loads(message)
            if kind == "unreadable":
                raise UnreadableInput(*body[0])
            if kind == "failed":  # a bug: the child printed its traceback
                raise _failed(paths, body[0])
            yield (kind, *body)
            if kind == "end":
                return
        raise _failed(paths, Phrase.of("reader_ended", status=self.process.wait()))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.spool):
            if stream is not None:
                stream.close()

    def _take(self, pipe: IO[bytes]) -> None:
        """Move messages from the pipe to the inbox (blocking when it is full), then None.
        Only raw bytes: unpickling here would hold the lock the caller's thread computes
        under."""
        try:
            while header := pipe.read(_LENGTH.size):
                (size,) = _LENGTH.unpack(header)
                body = pipe.read(size)
                if len(body) < size:
                    break  # the child ended in the middle of a message
                self.inbox.put(body)
        except (OSError, ValueError, struct.error):
            pass  # the caller says the process ended early
        self.inbox.put(None)

    def _spooled(self) -> Iterator[bytes]:
        """The messages in the spool file, waiting for each until the child has ended."""
        assert self.spool is not None
        fd, offset = self.spool.fileno(), 0
        while True:
            header = self._pread(fd, _LENGTH.size, offset)
            if header is None:
                return
            (size,) = _LENGTH.unpack(header)
            body = self._pread(fd, size, offset + _LENGTH.size)
            if body is None:
                return
            offset += _LENGTH.size + size
            yield body

    def _pread(self, fd: int, size: int, offset: int) -> bytes | None:
        """``size`` bytes at ``offset`` once the child has written them; None if it ended
        without."""
        while True:
            ended = self.process.poll() is not None  # before reading: then all is written
            data = os.pread(fd, size, offset)
            if len(data) == size:
                return data
            if ended:
                return None
            time.sleep(_WAIT)


def _failed(paths: Sequence[Path], problem: Phrase | str) -> UnreadableInput:
    return UnreadableInput(
        Phrase.of("e_read_failed", source=", ".join(map(str, paths)), problem=problem)
    )


def _widen(pipe: IO[bytes]) -> None:
    """A pipe that holds a whole run (Linux; elsewhere the default size), so the child
    goes on reading while the caller's thread waits for its turn to take the message."""
    import fcntl  # POSIX only, as reading aside is (``possible``)

    with contextlib.suppress(AttributeError, OSError):  # F_SETPIPE_SZ is Linux's
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _send(out: IO[bytes], caller: int, *message: object) -> None:
    """Write one message; leave at once, quietly, when the caller is gone (a closed pipe,
    or a new parent: a spool file has no reader to close it) or the disk is full."""
    if os.getppid() != caller:
        os._exit(0)
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    try:
        out.write(_LENGTH.pack(len(data)))
        out.write(data)
        out.flush()
    except BrokenPipeError:
        os._exit(0)  # not an OSError raised into the reader, which would report it
    except OSError as exc:  # a full disk under the spool file: say so, not a traceback
        print(f"troubleshoot: cannot hand the runs over: {exc.strerror or exc}", file=sys.stderr)
        os._exit(_UNDELIVERABLE)


def main(args: list[str]) -> None:
    """The child: read, and send each run at once, pickled (a run is not changed after it
    is handed out, except for a file's first run's warnings, sent again at the end).
    ``CALLER --part START END PATH`` reads the bytes of one Caffe log from START to END
    (``-``: to its end, as far as it is written; ``halves.read_part``); ``CALLER PATH...``
    the paths given, as ``read_here`` does. CALLER is the reading process's parent."""
    from troubleshoot.read import halves
    from troubleshoot.read.inputs import read_here

    caller, *args = args
    send = partial(_send, sys.stdout.buffer, int(caller))
    sys.stdout = sys.stderr  # nothing else may write into the pipe
    sent: list[tuple[list[Phrase], list[Phrase]]] = []  # (warnings list, as sent)
    part = args[0] == "--part"
    source_warnings: list[Phrase] = []
    try:
        report = partial(send, "progress")
        runs = (
            halves.read_part(Path(args[3]), int(args[1]), _end(args[2]), source_warnings, report)
            if part
            else read_here(args, report)
        )
        for run in runs:
            send("run", run)
            sent.append((run.warnings, list(run.warnings)))
        if part and sent:  # the file's warnings: the caller puts them on the file's first run
            del sent[0][0][: len(source_warnings)]
        changed = [(i, now) for i, (now, then) in enumerate(sent) if now != then]
        send("end", changed, *([source_warnings] if part else []))
    except UnreadableInput as exc:
        send("unreadable", exc.words)
    except Exception as exc:
        traceback.print_exc()
        send("failed", f"{type(exc).__name__}: {exc}")


def _end(arg: str) -> int | None:
    return None if arg == "-" else int(arg)


if __name__ == "__main__":
    main(sys.argv[1:])
