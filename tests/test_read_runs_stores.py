"""TensorBoard event files and MLflow stores, written by the real libraries."""

from __future__ import annotations

import gzip
import math
import shutil

from conftest import TESTS, english

from troubleshoot.read import read_inputs
from troubleshoot.read.model import TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS

GENERATED = TESTS / "fixtures" / "generated"


def test_pytorch_summary_writer_run_folder():
    (run,) = read_inputs([GENERATED / "tb-pytorch"])
    assert run.format == "tensorboard"
    assert set(run.series) == {TRAIN_LOSS, VAL_LOSS, VAL_ACC, "lr"}  # the histogram is not
    assert list(run.series[TRAIN_LOSS].steps) == list(range(1, 61))


def test_an_event_file_given_directly_with_nan():
    (event_file,) = (GENERATED / "tb-pytorch-nan").iterdir()
    (run,) = read_inputs([event_file])
    assert any(math.isnan(v) for v in run.series[TRAIN_LOSS].values)


def test_keras_layout_train_and_validation_folders():
    (run,) = read_inputs([GENERATED / "tb-keras"])
    assert {TRAIN_LOSS, TRAIN_ACC, VAL_LOSS, VAL_ACC} == set(run.series)
    assert run.series[VAL_LOSS].unit == "epoch" and len(run.series[VAL_LOSS]) == 6
    assert run.series[TRAIN_LOSS].values[0] != run.series[VAL_LOSS].values[0]


def test_truncated_event_file_reads_up_to_the_damage(tmp_path):
    (event_file,) = (GENERATED / "tb-pytorch").iterdir()
    data = event_file.read_bytes()
    cut = tmp_path / "run" / event_file.name
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) * 2 // 3])
    (run,) = read_inputs([cut])
    assert 10 < len(run.series[TRAIN_LOSS]) < 60  # stops at the cut, with a warning


def test_gzipped_event_file(tmp_path):
    (event_file,) = (GENERATED / "tb-pytorch").iterdir()
    packed = tmp_path / "events.bin"
    packed.write_bytes(gzip.compress(event_file.read_bytes()))
    (run,) = read_inputs([packed])
    assert len(run.series[TRAIN_LOSS]) == 60


def test_mlflow_file_store_skips_deleted_runs():
    runs = read_inputs([GENERATED / "mlruns"])
    assert len(runs) == 2 and not any(r.warnings for r in runs)
    diverged = next(r for r in runs if r.context["learning_rate"] == 50.0)
    assert math.isnan(diverged.series[TRAIN_LOSS].values[-1])  # key "train/loss": a sub-folder
    assert diverged.context == {
        "learning_rate": 50.0,
        "batch_size": 32,
        "optimizer": "sgd-momentum",
    }


def test_one_mlflow_run_folder(tmp_path):
    run_dir = next(p.parent.parent for p in (GENERATED / "mlruns").rglob("val_acc"))
    (run,) = read_inputs([run_dir])
    assert len(run.series[VAL_ACC]) == 60


def test_mlflow_sqlite_database_gzipped():
    runs = read_inputs([GENERATED / "mlflow.db.gz"])
    assert [r.source.rsplit("#", 1)[1] for r in runs] == ["healthy", "diverged"]
    healthy, diverged = runs
    assert math.isnan(diverged.series[TRAIN_LOSS].values[-1])  # is_nan column
    assert healthy.series[TRAIN_LOSS].values[0] > healthy.series[TRAIN_LOSS].values[-1]


def test_mlflow_sqlite_infinity(tmp_path):
    import sqlite3

    db = tmp_path / "mlflow.db"
    db.write_bytes(gzip.decompress((GENERATED / "mlflow.db.gz").read_bytes()))
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE metrics SET value = 1.7976931348623157e308 WHERE step = 3")
    runs = read_inputs([db])
    assert math.inf in list(runs[0].series[TRAIN_LOSS].values)


def test_a_folder_of_everything(tmp_path):
    shutil.copytree(GENERATED / "tb-keras", tmp_path / "tb")
    shutil.copytree(GENERATED / "mlruns", tmp_path / "mlruns")
    shutil.copy(GENERATED / "keras-csvlogger.csv", tmp_path / "log.csv")
    (tmp_path / "model.ckpt").write_bytes(b"PK\x03\x04" + bytes(100))
    runs = read_inputs([tmp_path])
    assert sorted(r.format for r in runs) == ["keras-csv", "mlflow", "mlflow", "tensorboard"]
    assert any("model.ckpt" in w for r in runs for w in english(r.warnings))
