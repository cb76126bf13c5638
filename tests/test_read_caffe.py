"""The Caffe reader on real logs: values, lines, runs, context, errors and debug_info."""

from __future__ import annotations

import gzip
import json
import math
import pickle
from pathlib import Path

import pytest
from conftest import TESTS, english

from troubleshoot.read import read_inputs
from troubleshoot.read.caffe import CaffeReader
from troubleshoot.read.layers import CAP, FORWARD_DATA, PARAM_DIFF
from troubleshoot.read.model import TEST_ACC, TEST_LOSS, TRAIN_ACC, TRAIN_LOSS

REAL = TESTS / "fixtures" / "reallogs"
BENCH = TESTS / "fixtures" / "caffenet-benchmark"
BENCH_MANIFEST = json.loads((BENCH / "manifest.json").read_text(encoding="utf-8"))


def one(path: Path):
    runs = read_inputs([path])
    assert len(runs) == 1, [r.source for r in runs]
    return runs[0]


def test_nan_from_iteration_80_with_its_line():
    run = one(REAL / "caffe-nan-01.log")
    loss = run.series[TRAIN_LOSS]
    assert run.format == "caffe-glog" and loss.unit == "iteration"
    assert list(loss.steps) == [40, 80, 120, 160]
    assert loss.values[0] == 6.99261 and all(math.isnan(v) for v in loss.values[1:])
    assert loss.lines[1] == 8  # "Iteration 80, loss = nan" is line 8 of the file
    assert list(run.series["lr"].values) == [0.01] * 4


def test_minus_nan_and_test_outputs():
    run = one(REAL / "caffe-nan-03.log")
    assert math.isnan(run.series[TRAIN_LOSS].values[-1])
    assert run.series[TEST_ACC].values[0] == 0 and run.series[TEST_LOSS].values[0] == 2.48997
    assert run.series[TEST_LOSS].steps[0] == 0  # tested at iteration 0


def test_loss_weight_and_train_outputs():
    run = one(REAL / "caffe-87-01.log")
    assert list(run.series[TRAIN_LOSS].values) == [184.354, 1746.73, 1746.73]
    assert list(run.series["train-net/cross_entropy_loss"].values) == [9.21768, 87.3365, 87.3365]
    assert list(run.series[TRAIN_ACC].values) == [0, 1, 1]
    assert list(run.series["train-net/cross_entropy_loss"].lines) == [3, 7, 11]


def test_train_output_equal_to_the_loss_is_not_repeated():
    run = one(REAL / "caffe-flat-01.log")
    assert "train-net/loss" not in run.series  # same numbers as train/loss, up to rounding
    spikes = one(REAL / "caffe-spikes-01.log")  # smoothed loss differs from the output
    assert spikes.series["train-net/loss"].values[-2] != spikes.series[TRAIN_LOSS].values[-2]
    assert len(spikes.series["train-net/loss"]) == len(spikes.series[TRAIN_LOSS])


def test_old_test_scores_named_by_their_values():
    run = one(REAL / "caffe-overfit-01.log")
    assert run.series[TEST_ACC].values[0] == 0.00699999
    assert run.series[TEST_LOSS].values[0] == 15.3443
    assert any("Test score" in w for w in english(run.warnings))


def test_cuda_oom_event_keeps_line_and_text():
    run = one(REAL / "caffe-oom-01.log")
    (event,) = run.events
    assert event.kind == "caffe-cuda-out-of-memory" and event.line == 16
    assert "Check failed: error == cudaSuccess (2 vs. 0)  out of memory" in event.text
    assert run.context["framework"] == "caffe"


def test_debug_info_becomes_layer_statistics():
    run = one(REAL / "caffe-debuginfo-01.log")
    layers = run.layers
    assert layers.order[:3] == ["ip1", "relu1", "ip2"]
    assert layers.norms[("relu1", "rl1", FORWARD_DATA)].values[0] == 0
    assert layers.norms[("ip1", "ip1", FORWARD_DATA)].values[0] == 105.307
    assert layers.norms[("ip2", "1", PARAM_DIFF)].values[0] == 0.119131
    assert layers.norms[("conv1", "0", PARAM_DIFF)].lines[0] == 14


def test_debug_info_waits_for_its_iteration_and_stays_bounded(tmp_path):
    block = (REAL / "caffe-debuginfo-01.log").read_text()
    lines = []
    for it in range(3 * CAP):
        lines.append(block)
        lines.append(f"I0110 12:21:21.6 12515 solver.cpp:228] Iteration {it}, loss = 1.5\n")
    log = tmp_path / "debug.log"
    log.write_text("".join(lines))
    run = one(log)
    series = run.layers.norms[("ip1", "ip1", FORWARD_DATA)]
    assert series.steps[0] == 0 and series.steps[1] > 0  # the block before "Iteration 0"
    assert CAP // 2 <= len(series) <= CAP
    assert series.steps[-1] > 2 * CAP  # decimated evenly, not cut off


def test_every_caffenet_benchmark_case_is_collected():
    """The parametrised test below must not quietly run on fewer logs than were copied."""
    assert len(BENCH_MANIFEST) == 30
    assert {e["fixture"] for e in BENCH_MANIFEST} == {p.name for p in BENCH.glob("*.log.gz")}


@pytest.mark.parametrize("entry", BENCH_MANIFEST, ids=lambda e: e["file"][:40])
def test_caffenet_benchmark_logs_match_their_manifest(entry):
    runs = read_inputs([BENCH / entry["fixture"]])
    losses = [r.series[TRAIN_LOSS] for r in runs if TRAIN_LOSS in r.series]
    assert losses[0].values[0] == entry["first_loss"]
    assert losses[-1].values[-1] == entry["last_loss"]
    assert min(min(s.values) for s in losses) == entry["min_loss"]
    assert max(s.steps[-1] for s in losses) == entry["iterations"]
    if entry.get("last_test_accuracy") is not None:
        accuracy = [r.series[TEST_ACC] for r in runs if TEST_ACC in r.series]
        assert accuracy[-1].values[-1] == entry["last_test_accuracy"]
    context = runs[-1].context
    assert context["framework"] == "caffe" and context["architecture"] == "cnn"
    assert context["loss"] == "softmax-cross-entropy" and context["batch_size"] >= 1


def test_solver_and_net_become_context():
    adam = one(BENCH / "solvers__bad__caffenet128_lsuv_adam_lr_001_09_0999_1e-7.log.gz").context
    assert adam["optimizer"] == "adam" and adam["learning_rate"] == 0.01
    assert adam["batch_size"] == 128 and adam["num_classes"] == 1000
    assert adam["uses_batchnorm"] is False and adam["task"] == "classification"
    sgd = one(BENCH / "lr_policy__caffenet_lsuv_linear_3x_faster_BN.log.gz").context
    assert sgd["optimizer"] == "sgd-momentum" and sgd["uses_batchnorm"] is True
    rmsprop = one(BENCH / "solvers__caffenet128_RMS_Prop_linear_lr01_dec095.log.gz").context
    assert rmsprop["optimizer"] == "other"


def test_a_crashed_start_and_its_restart_are_two_runs():
    runs = read_inputs([BENCH / "architectures__SqueezeNet128_new_solver.log.gz"])
    assert not runs[0].series
    assert runs[0].events[0].symptoms == ("error-cuda-oom",)
    assert runs[0].source.endswith("#run-1") and runs[1].source.endswith("#run-2")
    assert runs[1].series[TRAIN_LOSS].steps[-1] == 170000


def test_step_going_back_starts_a_new_run(tmp_path):
    text = (REAL / "caffe-flat-01.log").read_text()
    log = tmp_path / "restarted.log"
    log.write_text(text + text)
    runs = read_inputs([log])
    assert len(runs) == 2
    assert list(runs[0].series[TRAIN_LOSS].steps) == list(runs[1].series[TRAIN_LOSS].steps)
    assert runs[1].series[TRAIN_LOSS].lines[0] > runs[0].series[TRAIN_LOSS].lines[-1]


def test_gzip_by_content_not_name(tmp_path):
    packed = tmp_path / "log.txt"  # no .gz: recognised by its magic bytes
    packed.write_bytes(gzip.compress((REAL / "caffe-nan-01.log").read_bytes()))
    run = one(packed)
    assert run.format == "caffe-glog" and len(run.series[TRAIN_LOSS]) == 4


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("-nan", "nan"), ("1.#QNAN", "nan"), ("-1.#IND", "nan"), ("1.#INF", "inf"),
     ("-1.#INF", "-inf"), ("inf", "inf"), ("-inf", "-inf"), ("NaN", "nan"),
     ("Infinity", "inf"), ("-nan(ind)", "nan")],
)  # fmt: skip
def test_every_spelling_of_nan_and_inf(tmp_path, spelling, expected):
    log = tmp_path / "win.log"
    log.write_text((REAL / "caffe-nan-01.log").read_text().replace("= nan", f"= {spelling}"))
    value = one(log).series[TRAIN_LOSS].values[-1]
    assert str(value) == expected


def test_half_written_last_line_is_ignored_with_a_warning(tmp_path):
    text = (REAL / "caffe-flat-01.log").read_text()
    log = tmp_path / "live.log"
    log.write_text(text + "I0124 14:16:01.1 32698 solver.cpp:236] Iteration 320, loss = 6.9")
    run = one(log)
    assert run.series[TRAIN_LOSS].steps[-1] == 300
    assert any("no line break" in w for w in english(run.warnings))


def test_gbk_bytes_in_a_caffe_log_decode(tmp_path):
    text = (REAL / "caffe-oom-01.log").read_bytes()
    log = tmp_path / "gbk.log"
    chinese = "I0505 18:10:10.1 24343 io.cpp:1] 读取 数据 /数据集/训练\n".encode("gbk")
    log.write_bytes(chinese + text)
    run = one(log)
    assert run.events[0].symptoms == ("error-cuda-oom",) and run.events[0].line == 17


CAFFE_LOGS = sorted(
    p
    for folder in ("reallogs", "excerpts", "caffenet-benchmark")
    for p in (TESTS / "fixtures" / folder).iterdir()
    if p.name.startswith("caffe") or p.suffix == ".gz"
)


@pytest.mark.parametrize("log", CAFFE_LOGS, ids=lambda p: p.name)
def test_the_display_read_as_one_match_reads_as_its_three_lines(log, tmp_path):
    """The loss, train net output and lr of one display are matched as one (the fast path)
    only when their lines end in a bare line feed; with CR LF every line is matched on its
    own. Both must give the same runs, line numbers included."""
    text = gzip.decompress(log.read_bytes()) if log.suffix == ".gz" else log.read_bytes()
    text = text.replace(b"\r\n", b"\n")
    path = tmp_path / "run.log"
    path.write_bytes(text)
    fast = [
        [pickle.dumps(getattr(r, f)) for f in r.__dataclass_fields__] for r in read_inputs([path])
    ]
    path.write_bytes(text.replace(b"\n", b"\r\n"))
    each = [
        [pickle.dumps(getattr(r, f)) for f in r.__dataclass_fields__] for r in read_inputs([path])
    ]
    assert fast == each


@pytest.mark.parametrize("log", CAFFE_LOGS, ids=lambda p: p.name)
def test_displays_added_at_once_read_as_one_by_one(log, monkeypatch):
    """A stretch of displays goes into the series at once where the reader's state allows
    (``CaffeReader._add_displays``); refused every time, each display is read on its own.
    Both must give the same runs, line numbers included."""
    at_once = [
        [pickle.dumps(getattr(r, f)) for f in r.__dataclass_fields__] for r in read_inputs([log])
    ]
    monkeypatch.setattr(CaffeReader, "_add_displays", lambda self, *displays: False)
    one_by_one = [
        [pickle.dumps(getattr(r, f)) for f in r.__dataclass_fields__] for r in read_inputs([log])
    ]
    assert at_once == one_by_one


def _with_line_after(tmp_path, number: int, added: str) -> Path:
    lines = (REAL / "caffe-flat-01.log").read_text().splitlines(keepends=True)
    log = tmp_path / "run.log"
    log.write_text("".join(lines[:number]) + added + "\n" + "".join(lines[number:]))
    return log


def test_a_new_job_between_two_displays_starts_a_new_run(tmp_path):
    """Displays are added together only across lines that change nothing: a job starting
    between them (the iteration going on, as after a resume) still parts the runs."""
    log = _with_line_after(
        tmp_path, 15, "I0124 14:15:10.0 32698 solver.cpp:48] Initializing solver from parameters:"
    )
    first, second = read_inputs([log])
    assert list(first.series[TRAIN_LOSS].steps) == [0, 20, 40]
    assert second.series[TRAIN_LOSS].steps[0] == 60 and second.series[TRAIN_LOSS].lines[0] == 17


def test_an_error_between_two_displays_keeps_its_line(tmp_path):
    error = (
        "F0124 14:15:10.0 32698 syncedmem.cpp:56] Check failed: error == cudaSuccess"
        " (2 vs. 0)  out of memory"
    )
    run = one(_with_line_after(tmp_path, 15, error))
    (event,) = run.events
    assert event.kind == "caffe-cuda-out-of-memory" and event.line == 16
    assert run.series[TRAIN_LOSS].lines[3] == 17  # Iteration 60, one line further down
