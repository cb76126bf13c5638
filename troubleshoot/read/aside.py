"""Reading big inputs in a second process, so that judging one run overlaps reading the next.

A Caffe log of gigabytes is read at a few tens of MB/s in CPython, and each of its runs is
then judged (detection, the engine) by the same process: one core does both in turn while
the other idles. For inputs of ``ASIDE_FROM`` bytes or more, a child process
(``python -m troubleshoot.read.aside``) reads instead and sends each run, pickled, through
a pipe as soon as it is read; the caller takes them at most ``AHEAD`` messages behind, so
memory stays a few runs whatever the size of the log. The caller gets what ``read_here``
would give it, in the same order: the same runs, the same errors, and the warnings a reader
adds to a file's first run only at the file's end (``RunBuilder.finish``) land in that
run's own ``warnings`` list, as they would in one process.

A plain child process rather than ``multiprocessing``: spawning would import the caller's
main module again (a script without a ``__main__`` guard would start over), and forking a
process that has threads (a progress bar's) is unsafe.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from troubleshoot.facts import Phrase
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.source import Progress

ASIDE_FROM = 32 << 20  # below this, starting a process (about 0.3 s) costs more than it saves
AHEAD = 8  # messages (runs or progress) read from the pipe before the caller takes them
_LENGTH = struct.Struct("<Q")  # each message: its length, then its pickle
_PIPE_SIZE = 1 << 20  # the most an unprivileged process may ask for by default
_PACKAGE_HOME = str(Path(__file__).resolve().parent.parent.parent)


def worth_it(paths: Sequence[Path]) -> bool:
    """Whether to read ``paths`` aside: big enough (files, and the files under folders),
    and a second core to read on."""
    if _cores() < 2:
        return False
    size = 0
    for path in paths:
        for file in path.rglob("*") if path.is_dir() else [path]:
            try:
                size += file.stat().st_size if file.is_file() else 0
            except OSError:
                continue  # the reader will say what is wrong with it
            if size >= ASIDE_FROM:
                return True
    return False


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def read_aside(paths: Sequence[Path], progress: Progress | None = None) -> Iterator[RunData]:
    """``read_here(paths, progress)``, read by a child process."""
    home = [_PACKAGE_HOME, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(home)}
    child = subprocess.Popen(
        [sys.executable, "-m", "troubleshoot.read.aside", *map(str, paths)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    _widen(child.stdout)
    inbox: queue.Queue[bytes | None] = queue.Queue(AHEAD)
    taker = threading.Thread(target=_take, args=(child.stdout, inbox), daemon=True)
    taker.start()
    handed: list[list[Phrase]] = []  # each run's warnings list, in the order handed out
    try:
        while (message := inbox.get()) is not None:
            kind, *body = pickle.loads(message)
            if kind == "run":
                run: RunData = body[0]
                handed.append(run.warnings)
                yield run
            elif kind == "progress" and progress is not None:
                progress(*body)
            elif kind == "end":
                for index, warnings in body[0]:
                    handed[index][:] = warnings
                return
            elif kind == "unreadable":
                raise UnreadableInput(*body[0])
            elif kind == "failed":  # a bug: the child printed its traceback
                raise _failed(paths, body[0])
        raise _failed(paths, Phrase.of("reader_ended", status=child.wait()))
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def _failed(paths: Sequence[Path], problem: Phrase | str) -> UnreadableInput:
    return UnreadableInput(
        Phrase.of("e_read_failed", source=", ".join(map(str, paths)), problem=problem)
    )


def _take(pipe: IO[bytes], inbox: queue.Queue[bytes | None]) -> None:
    """Move messages from the pipe to the inbox (blocking when it is full), then None. Only
    raw bytes: unpickling here would hold the lock the caller's thread computes under."""
    try:
        while header := pipe.read(_LENGTH.size):
            (size,) = _LENGTH.unpack(header)
            inbox.put(pipe.read(size))
    except (OSError, ValueError, struct.error):
        pass  # the caller says the process ended early
    inbox.put(None)


def _widen(pipe: IO[bytes]) -> None:
    """A pipe that holds a whole run (Linux; elsewhere the default size), so the child
    goes on reading while the caller's thread waits for its turn to take the message."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _send(out: IO[bytes], *message: object) -> None:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    out.write(_LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def main(paths: list[str]) -> None:
    """The child: read, and send each run at once, pickled (a run is not changed after it
    is handed out, except for a file's first run's warnings, sent again at the end)."""
    from troubleshoot.read.inputs import read_here

    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the pipe
    sent: list[tuple[list[Phrase], list[Phrase]]] = []  # (warnings list, as sent)
    try:
        for run in read_here(paths, lambda done, total: _send(out, "progress", done, total)):
            _send(out, "run", run)
            sent.append((run.warnings, list(run.warnings)))
        _send(out, "end", [(i, now) for i, (now, then) in enumerate(sent) if now != then])
    except UnreadableInput as exc:
        _send(out, "unreadable", exc.words)
    except BrokenPipeError:
        return  # the caller stopped reading
    except Exception as exc:
        traceback.print_exc()
        _send(out, "failed", f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main(sys.argv[1:])
