"""Big inputs are read by a child process (``read/aside.py``) while this one judges the runs
already read, and a big Caffe log by two, one for each half (``read/halves.py``). What comes
out must be what reading in this process gives: the same runs in the same order, named the
same, the same errors, the same late warnings, the same JSON to the byte."""

from __future__ import annotations

import gzip
import io
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TESTS, english
from test_json_golden import diagnose_json, recorded

from troubleshoot.read import aside, halves
from troubleshoot.read.inputs import read_here
from troubleshoot.read.model import UnreadableInput

CAFFENET = TESTS / "fixtures" / "caffenet-benchmark"


def pickled(runs) -> list[list[bytes]]:
    """Each run's fields as bytes, so that NaN values compare equal (field by field: objects
    shared between fields are pickled once, and the child's copies share less)."""
    return [[pickle.dumps(getattr(run, f)) for f in run.__dataclass_fields__] for run in runs]


def test_the_child_hands_out_the_runs_read_here(many_runs):
    calls: list[tuple[int, int]] = []
    runs = list(aside.read_aside([many_runs], lambda done, total: calls.append((done, total))))
    assert len(runs) > 30
    assert pickled(runs) == pickled(list(read_here([many_runs])))
    assert calls[-1] == (many_runs.stat().st_size,) * 2


def test_warnings_found_at_the_end_reach_the_first_run_handed_out(many_runs, tmp_path):
    packed = gzip.compress(many_runs.read_bytes())
    damaged = tmp_path / "damaged.log.gz"
    damaged.write_bytes(packed[: len(packed) * 9 // 10])
    runs = aside.read_aside([damaged, tmp_path / "missing.log"])
    first = next(runs)
    assert first.warnings == []  # not known yet: the file is not read to its end
    rest = list(runs)
    assert pickled([first, *rest]) == pickled(list(read_here([damaged, tmp_path / "missing.log"])))
    said = english(first.warnings)
    assert "compressed data is damaged" in said[0]
    assert any("missing.log" in line for line in said[1:])


def test_an_unreadable_input_is_the_same_error(tmp_path):
    with pytest.raises(UnreadableInput) as here:
        list(read_here([tmp_path / "nothing.log"]))
    with pytest.raises(UnreadableInput) as there:
        list(aside.read_aside([tmp_path / "nothing.log"]))
    assert there.value.words == here.value.words


def readers() -> list[int]:
    """This process's children that read aside (Linux's /proc)."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    pids = [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]
    return [
        pid
        for pid in pids
        if b"troubleshoot.read.aside" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def test_stopping_early_stops_the_child(many_runs):
    runs = aside.read_aside([many_runs])
    next(runs)
    (child,) = readers()
    # Its own session: the terminal's Ctrl-C goes to this process alone, which stops it.
    assert os.getsid(child) != os.getsid(0)
    runs.close()
    assert readers() == []


def test_children_of_a_killed_caller_leave_quietly(many_runs, tmp_path):
    """Killed outright, the caller cannot stop its children: the one writing to a pipe
    finds it closed, the one writing to a file finds it has a new parent; both leave
    without a word (``subprocess.run`` returns once they have: they hold its stderr)."""
    script = f"""
import os, signal
from pathlib import Path
from troubleshoot.read import halves
halves.HALVES_FROM = 0
path = Path({str(many_runs)!r})
runs = halves.read_halves(path, halves.cut_point([path]))
next(runs)
os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    assert done.stderr == ""
    spool = tmp_path / "spool"
    with spool.open("wb") as out:  # told that its caller is a process that is not its parent
        orphan = subprocess.run(
            [sys.executable, "-m", "troubleshoot.read.aside", "1", str(many_runs)], stdout=out
        )
    assert orphan.returncode == 0 and spool.stat().st_size == 0


def test_a_child_that_dies_is_a_clear_error(many_runs):
    runs = aside.read_aside([many_runs])
    next(runs)
    (child,) = readers()
    os.kill(child, signal.SIGKILL)
    with pytest.raises(UnreadableInput) as failed:
        list(runs)
    assert english(failed.value.words) == [
        f"{many_runs}: reading failed (the process reading it stopped, exit status -9)"
    ]
    assert readers() == []


def test_only_big_inputs_are_read_aside(many_runs, monkeypatch):
    assert not aside.worth_it([many_runs])  # about 17 MB
    monkeypatch.setattr(aside, "ASIDE_FROM", many_runs.stat().st_size)
    assert aside.worth_it([many_runs])
    assert aside.worth_it([many_runs.parent])  # the files under a folder count


@pytest.mark.parametrize(
    "args",
    [
        ["tests/fixtures/caffenet-benchmark"],
        ["tests/fixtures/caffenet-benchmark", "--lang", "zh"],
        ["tests/fixtures/reallogs"],
        ["tests/fixtures/reallogs/caffe-nan-01.log"],
        ["tests/fixtures/excerpts"],
    ],
    ids=" ".join,
)
def test_diagnose_read_aside_prints_the_recorded_json(args, monkeypatch):
    monkeypatch.setattr(aside, "ASIDE_FROM", 0)
    assert aside.worth_it([Path(args[0])])
    assert diagnose_json(args) == recorded()[" ".join(args)]


def logs(*names: str) -> bytes:
    return b"".join(gzip.decompress((CAFFENET / name).read_bytes()) for name in names)


BIGGEST = "solvers__bad__caffenet128_lsuv_adagrad.log.gz"
SMALLEST = "solvers__bad__caffenet128_lsuv_adam_lr_001_09_0999_1e-8.log.gz"


def read_in_halves(path: Path, monkeypatch) -> list:
    monkeypatch.setattr(halves, "HALVES_FROM", 0)
    cut = halves.cut_point([path])
    assert cut is not None and 0 < cut < path.stat().st_size
    calls: list[tuple[int, int]] = []
    runs = list(halves.read_halves(path, cut, lambda done, total: calls.append((done, total))))
    assert calls[-1] == (path.stat().st_size,) * 2
    return runs


def test_two_halves_give_the_runs_of_one_process(many_runs, monkeypatch):
    """Cut at a job's first line after the middle: the second half's runs are numbered on
    from the first half's, lines are counted from the file's start."""
    runs = read_in_halves(many_runs, monkeypatch)
    assert pickled(runs) == pickled(list(read_here([many_runs])))


def test_a_first_half_of_one_run_is_named_as_one_of_several(tmp_path, monkeypatch):
    """The first half's reader names its only run after the file; the file holds more."""
    path = tmp_path / "two.log"
    path.write_bytes(logs(BIGGEST, SMALLEST))
    runs = read_in_halves(path, monkeypatch)
    assert [r.source for r in runs] == [f"{path}#run-1", f"{path}#run-2"]
    assert pickled(runs) == pickled(list(read_here([path])))


def test_warnings_naming_a_run_and_the_file_follow_it(many_runs, tmp_path, monkeypatch):
    """A warning that names its run (a huge value, in the second half) names it as in the
    file; one about the file (a line too long to keep, in the second half) goes to the
    file's first run; a last line without a line break warns its own run."""
    huge = logs(SMALLEST).replace(b", loss = ", b", loss = 1e301 (was ", 1)
    long_line = b"x" * (17 << 20) + b"\n"  # more than source.MAX_LINE
    path = tmp_path / "warned.log"
    path.write_bytes(many_runs.read_bytes() * 2 + huge + long_line + b"half a line")
    runs = read_in_halves(path, monkeypatch)
    said = english(runs[-1].warnings)
    assert f"{path}#run-{len(runs)}: train/loss has values of 1e300 or more (kept)" in said
    assert any("longer than" in line for line in english(runs[0].warnings))
    assert pickled(runs) == pickled(list(read_here([path])))


def test_only_a_big_plain_caffe_log_with_a_new_job_after_its_middle_is_cut(
    many_runs, tmp_path, monkeypatch
):
    assert halves.cut_point([many_runs]) is None  # smaller than HALVES_FROM
    monkeypatch.setattr(halves, "HALVES_FROM", 0)
    assert halves.cut_point([many_runs]) is not None
    one_job = tmp_path / "one.log"
    one_job.write_bytes(logs(BIGGEST))
    assert halves.cut_point([one_job]) is None
    packed = tmp_path / "many.log.gz"
    packed.write_bytes(gzip.compress(many_runs.read_bytes(), 1))
    assert halves.cut_point([packed]) is None  # a gzip stream cannot be entered midway
    assert halves.cut_point([many_runs, one_job]) is None  # several inputs: read aside


def test_diagnose_of_a_log_read_in_halves_prints_what_one_process_does(many_runs, monkeypatch):
    """The whole command, JSON to the byte: runs named and judged as when read in one
    process (in this process, through the command line)."""
    whole = diagnose_json([str(many_runs)])
    monkeypatch.setattr(halves, "HALVES_FROM", 0)
    assert halves.cut_point([many_runs]) is not None
    assert diagnose_json([str(many_runs)]) == whole


def test_a_spool_file_that_cannot_grow_is_a_clear_error(many_runs):
    """The second half's runs go to a temporary file; when it cannot grow (a full disk,
    here a limit on file size), the reading process says so in one line, and this one
    raises the reader's error: no traceback anywhere."""
    script = f"""
import resource, sys
from pathlib import Path
from troubleshoot.read import halves
from troubleshoot.read.model import UnreadableInput
from conftest import english
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, resource.RLIM_INFINITY))
halves.HALVES_FROM = 0
path = Path({str(many_runs)!r})
try:
    list(halves.read_halves(path, halves.cut_point([path])))
except UnreadableInput as exc:
    print(english(exc.words)[0])
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=TESTS, timeout=120
    )
    assert done.stdout.strip() == (
        f"{many_runs}: reading failed (the process reading it stopped, exit status 75)"
    )
    assert "cannot hand the runs over: File too large" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_cut_is_at_a_whole_line_where_a_job_starts():
    """Not inside the line the middle falls in, not in a line longer than a block, not at
    a line that only mentions the words."""
    solver = b"I0604 20:56:02.154641   844 solver.cpp:48] Initializing solver from parameters: \n"
    data = (
        b"x" * 5
        + solver  # the middle falls after the x's: the rest is not a whole line
        + b"W0604 mentions Initializing solver in passing\n"
        + b"y" * (3 << 20)
        + b" "
        + solver  # a long line holding the words
        + b"I0604 20:56:03.000000   844 net.cpp:1] some line\n"
    )
    at = len(data)
    data += solver + b"I0604 20:56:04.000000   844 solver.cpp:228] Iteration 0, loss = 6.9\n"
    assert halves._new_job(io.BytesIO(data), 5) == at
    assert halves._new_job(io.BytesIO(data), at + 1) is None
