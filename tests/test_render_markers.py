"""Chart markers land on the run whose evidence they show, never on a run named alike."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from conftest import TESTS, run_cli

from troubleshoot.detect import detect
from troubleshoot.facts import Evidence, FactSet, Origin, Provenance, SymptomFact
from troubleshoot.read import read_inputs
from troubleshoot.render.charts import markers_for

REAL = TESTS / "fixtures" / "reallogs"
GENERATED = TESTS / "fixtures" / "generated"
BENCHMARK = TESTS / "fixtures" / "caffenet-benchmark"


def marked(*paths: Path) -> dict[str, list[str]]:
    """Each run read from ``paths``, with the markers its chart would draw."""
    runs = read_inputs(paths)
    facts = FactSet()
    for run in runs:
        facts.extend(detect(run).facts)
    return {run.source: [m.label for m in markers_for(run.source, facts)] for run in runs}


def two_run_caffe_log(path: Path) -> Path:
    """Real Caffe lines: a run that goes NaN, then a new solver and a healthy run."""
    with gzip.open(BENCHMARK / "solvers__bad__caffenet128_lsuv_adagrad.log.gz", "rt") as log:
        next(log)
        new_solver = next(log)  # "... solver.cpp:47] Initializing solver from parameters:"
    assert "Initializing solver" in new_solver
    nan_run = (REAL / "caffe-nan-01.log").read_text(encoding="utf-8")
    healthy = (REAL / "caffe-healthy-01.log").read_text(encoding="utf-8")
    path.write_text(nan_run + new_solver + healthy, encoding="utf-8")
    return path


def test_a_multi_run_caffe_log_marks_only_the_run_that_went_nan(tmp_path):
    log = two_run_caffe_log(tmp_path / "train.log")
    runs = marked(log)
    assert runs == {f"{log}#run-1": ["loss-nan"], f"{log}#run-2": []}


def test_the_report_caption_of_the_healthy_run_lists_no_marker(tmp_path):
    log = two_run_caffe_log(tmp_path / "train.log")
    report = tmp_path / "report.md"
    done = run_cli("diagnose", str(log), "-q", "--report", str(report))
    assert done.returncode == 0, done.stderr
    text = report.read_text(encoding="utf-8")
    assert f"{log}#run-1. Marked steps: loss-nan at 80\n" in text
    assert f"{log}#run-2. Marked steps: -\n" in text


def test_a_file_named_like_another_does_not_take_its_markers():
    evidence = Evidence("train.log", "first NaN", series="train/loss", step=80, value="nan")
    facts = FactSet()
    facts.add(SymptomFact("loss-nan", True, Provenance(Origin.DETECTED, (evidence,))))
    assert [m.label for m in markers_for("train.log", facts)] == ["loss-nan"]
    assert markers_for("train.log.old", facts) == []
    assert markers_for("train.log#run-2", facts) == []


def test_tensorboard_run_folders_keep_their_own_markers(tmp_path):
    # "lr50" is a prefix of "lr50-retry": the NaN must stay on the first folder's chart.
    shutil.copytree(GENERATED / "tb-pytorch-nan", tmp_path / "runs" / "lr50")
    shutil.copytree(GENERATED / "tb-pytorch", tmp_path / "runs" / "lr50-retry")
    runs = marked(tmp_path / "runs")
    nan_run, healthy = str(tmp_path / "runs" / "lr50"), str(tmp_path / "runs" / "lr50-retry")
    assert runs.keys() == {nan_run, healthy}
    assert "loss-nan" in runs[nan_run]
    assert runs[healthy] == []


def test_mlflow_file_store_runs_keep_their_own_markers():
    runs = marked(GENERATED / "mlruns")
    assert len(runs) == 2
    assert sorted(bool(labels) for labels in runs.values()) == [False, True]
    assert any("loss-nan" in labels for labels in runs.values())


def test_mlflow_database_runs_keep_their_own_markers():
    db = GENERATED / "mlflow.db.gz"
    runs = marked(db)
    assert runs.keys() == {f"{db}#healthy", f"{db}#diverged"}
    assert "loss-nan" in runs[f"{db}#diverged"]
    assert runs[f"{db}#healthy"] == []
