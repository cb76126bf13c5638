"""Diagnosing a log of many runs keeps memory flat: four times the runs, the same peak.

A long-lived Caffe log holds thousands of runs, and the JSON's top level (all runs as one)
is written before the runs, so each run's verdict waits for the last one. They wait on
disk (``consult/run_store.py``); kept as objects they cost 4 to 15 KB a run at the peak of
writing the output (more for runs with more evidence). Each log is diagnosed in a fresh
process under tracemalloc: a first log of the same runs warms the process up (imports,
the engine of every rule, the templates), then the peak of reading, diagnosing and
writing the guide and the JSON of the measured log is taken. The buffers that keep a
small consultation off the disk are set to a byte, so that what is measured is what a
log too big for them costs.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

CAFFE = REPO / "tests" / "fixtures" / "caffenet-benchmark"
SMALL = 110_000  # bytes
MEASURE = """
import json, sys, tracemalloc
from pathlib import Path
from troubleshoot.consult import run_store
from troubleshoot.consult.consultation import Request, consult
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.lang import Lang
from troubleshoot.render.guide import render_guide
from troubleshoot.render.output import OutputFormat, render_pieces

run_store.RUNS_IN_MEMORY = run_store.LIST_IN_MEMORY = 1
kb = cached_kb()

def diagnose(path):
    consultation = consult(kb, Request([Path(path)]))
    guide = render_guide(consultation, Lang.EN)
    written = sum(map(len, render_pieces(consultation, guide, OutputFormat.JSON, Lang.EN)))
    return len(consultation.runs), written

diagnose(sys.argv[1])
tracemalloc.start()
runs, written = diagnose(sys.argv[2])
print(json.dumps({"runs": runs, "written": written, "peak": tracemalloc.get_traced_memory()[1]}))
"""


def small_logs() -> list[bytes]:
    """The real Caffe logs of one run each, short enough to read many of in seconds."""
    logs = (gzip.decompress(p.read_bytes()) for p in sorted(CAFFE.glob("*.log.gz")))
    return [log for log in logs if len(log) < SMALL]


def repeated(folder: Path, times: int) -> Path:
    """The small logs, one after another, ``times`` over: a log of many runs."""
    path = folder / f"x{times}.log"
    path.write_bytes(b"".join(small_logs()) * times)
    return path


def peak(warm_up: Path, log: Path) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(warm_up), str(log)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], dict[str, int]]:
    folder = tmp_path_factory.mktemp("flat")
    warm_up = repeated(folder, 1)
    return peak(warm_up, repeated(folder, 2)), peak(warm_up, repeated(folder, 8))


def test_four_times_the_runs_cost_no_more_memory(measured):
    few, many = measured
    more_runs = many["runs"] - few["runs"]
    assert few["runs"] >= 30 and more_runs >= 3 * few["runs"]
    assert many["written"] > 3 * few["written"]  # the output did grow with the runs
    # Held as objects, these runs cost about 4.5 KB each at the peak (measured before
    # the store); now some caches of the reader and the engine still fill up, by less
    # than 0.5 KB a run. The longest run's points, read once, are the same in both logs.
    assert many["peak"] - few["peak"] < 2000 * more_runs, (few, many)
