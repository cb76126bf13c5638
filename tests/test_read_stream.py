"""A log of many runs is read run by run: each run is handed out (and can be judged and let
go) before the rest of the file is read, with the same names, warnings and results as
reading the whole file at once."""

from __future__ import annotations

import gzip

import numpy as np
from conftest import TESTS, english

from troubleshoot.consult.chart_copy import MAX_POINTS, run_chart
from troubleshoot.consult.gather import read_runs
from troubleshoot.read import iter_runs, read_inputs

CAFFENET = TESTS / "fixtures" / "caffenet-benchmark"
REAL = TESTS / "fixtures" / "reallogs"


def test_the_first_run_arrives_before_the_file_is_read(many_runs):
    calls: list[tuple[int, int]] = []
    runs = iter_runs([many_runs], progress=lambda done, total: calls.append((done, total)))
    first = next(runs)
    done, total = calls[-1]
    assert done < total / 4, (done, total)
    assert first.source == f"{many_runs}#run-1"
    assert first.context["framework"] == "caffe"
    runs.close()


def test_streamed_runs_are_those_of_each_log_read_alone(many_runs):
    """Every run is complete and named in order: the same runs as the logs read one by one."""
    runs = read_inputs([many_runs])
    assert [r.source for r in runs] == [f"{many_runs}#run-{k}" for k in range(1, len(runs) + 1)]
    alone = [run for log in sorted(CAFFENET.glob("*.log.gz")) for run in read_inputs([log])]
    assert len(runs) == len(alone)
    for streamed, single in zip(runs, alone, strict=True):
        assert streamed.context == single.context
        assert [e.kind for e in streamed.events] == [e.kind for e in single.events]
        assert streamed.series.keys() == single.series.keys()
        for name, series in single.series.items():
            assert streamed.series[name].steps == series.steps
            assert streamed.series[name].values.tobytes() == series.values.tobytes()


def test_a_run_closed_by_an_empty_restart_keeps_the_plain_name(tmp_path):
    """A new log header with nothing after it closes the run but adds none: one run, no #run-1."""
    log = tmp_path / "restarted.log"
    header = b"Log file created at: 2016/01/24 13:47:40\n"
    log.write_bytes((REAL / "caffe-nan-01.log").read_bytes() + header)
    (run,) = read_inputs([log])
    assert run.source == str(log)


def test_warnings_about_the_whole_file_reach_the_first_run_already_handed_out(many_runs, tmp_path):
    packed = gzip.compress(many_runs.read_bytes())
    damaged = tmp_path / "damaged.log.gz"
    damaged.write_bytes(packed[: len(packed) * 9 // 10])
    runs = read_runs([damaged], {})
    assert len(runs) > 2
    assert "compressed data is damaged" in english(runs[0].inputs[0].warnings)[0]


def test_gathered_runs_keep_counts_and_chart_sized_curves(many_runs):
    runs = read_inputs([many_runs])
    gathered = read_runs([many_runs], {}, charts=True)
    listed = [(i.source, i.format, i.points) for run in gathered for i in run.inputs]
    assert listed == [
        (r.source, r.format, {name: len(s) for name, s in r.series.items()}) for r in runs
    ]
    run = max(runs, key=lambda r: len(r.series.get("train/loss", ())))
    longest = run.series["train/loss"]
    assert len(longest) > MAX_POINTS
    (curve,) = (c for _, curves in run_chart(run).panels for c in curves if c.name == "train/loss")
    values = np.frombuffer(longest.values)
    step = -(-len(values) // MAX_POINTS)
    kept = values[::step][np.isfinite(values[::step])]
    assert list(curve.values) == list(kept) and len(curve.values) <= MAX_POINTS
    positive = values[np.isfinite(values) & (values > 0)]
    assert curve.positive == (positive.min(), positive.max())
    charts = [i.chart for run in gathered for i in run.inputs]
    assert [c.source for c in charts if c] == [r.source for r in runs]
