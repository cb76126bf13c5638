"""Metric files of detection and OpenMMLab toolkits, from real runs (tests/fixtures/dialects,
provenance in its manifest.json): Ultralytics results.csv, detectron2 metrics.json and
mmengine's scalars.json."""

from __future__ import annotations

import gzip
import json
import math

from conftest import TESTS, read_one

from troubleshoot.read.model import TRAIN_LOSS, VAL_ACC, VAL_LOSS

REAL = TESTS / "fixtures" / "dialects"
BOOKKEEPING = {"time", "data_time", "rank_data_time", "eta_seconds", "memory", "epoch", "iter"}


def test_ultralytics_results_csv_padded_by_older_versions():
    run = read_one(REAL / "ultralytics-padded-01.csv")
    assert run.format == "ultralytics-csv" and run.context["framework"] == "pytorch"
    loss = run.series[TRAIN_LOSS]
    assert loss.unit == "epoch" and list(loss.steps) == list(range(25))  # 0-based then
    # first row: box 1.6878 + cls 3.3859 + dfl 2.143, the loss Ultralytics optimises
    assert math.isclose(loss.values[0], 1.6878 + 3.3859 + 2.143)
    assert math.isclose(run.series[VAL_LOSS].values[0], 2.335 + 2.822 + 3.3394)
    assert {"train/box_loss", "val/dfl_loss", "metrics/map50(b)", "lr"} <= set(run.series)


def test_ultralytics_results_csv_of_current_versions():
    run = read_one(REAL / "ultralytics-healthy-01.csv")
    assert run.format == "ultralytics-csv"
    assert run.series[TRAIN_LOSS].steps[0] == 1 and len(run.series[TRAIN_LOSS]) == 102
    assert "time" not in run.series  # seconds since the start, not a metric
    assert math.isclose(run.series["lr"].values[0], 3.334e-05)  # lr/pg0


def test_detectron2_metrics_json():
    run = read_one(REAL / "detectron2-metrics-01.json.gz")
    loss = run.series[TRAIN_LOSS]  # total_loss, the sum of detectron2's loss terms
    assert loss.unit == "iteration" and len(loss) == 200
    assert (loss.steps[0], loss.steps[-1]) == (19, 3999)
    assert math.isclose(loss.values[0], 2.725107299629599)
    assert not BOOKKEEPING & set(run.series)
    assert {"loss_cls", "loss_box_reg", "lr", "fast_rcnn/cls_accuracy"} <= set(run.series)


def test_mmengine_scalars_json_puts_validation_at_the_training_step():
    run = read_one(REAL / "mmengine-scalars-01.json")  # validation's "step" counts epochs
    assert run.source.endswith("mmengine-scalars-01.json")  # one run, not one per epoch
    assert run.context["framework"] == "pytorch"
    loss, top1 = run.series[TRAIN_LOSS], run.series["accuracy/top1"]
    assert list(top1.steps) == list(loss.steps) and loss.steps[:2].tolist() == [69, 138]
    assert math.isclose(top1.values[0], 43.13543701171875)  # mmpretrain writes percent
    assert set(run.series) == {TRAIN_LOSS, "lr", "accuracy/top1"}


def test_mmcv_log_json_modes_and_epochs(tmp_path):
    """mmcv 1.x (mmdetection 2.x) rows as its TextLoggerHook writes them: a header row,
    then ``mode``, ``epoch`` and ``iter`` (within the epoch) before the values. Built by
    hand: no real file of this kind was found to copy."""
    rows = [
        {"env_info": "sys.platform: linux", "config": "model = dict(...)", "seed": 0},
        {"mode": "train", "epoch": 1, "iter": 50, "lr": 0.02, "memory": 3000, "loss": 1.9},
        {"mode": "train", "epoch": 1, "iter": 100, "lr": 0.02, "loss": 1.5, "time": 0.4},
        {"mode": "val", "epoch": 1, "iter": 500, "lr": 0.02, "loss": 1.7, "bbox_mAP": 0.2},
        {"mode": "train", "epoch": 2, "iter": 50, "lr": 0.02, "loss": 1.2},
        {"mode": "train", "epoch": 2, "iter": 100, "lr": 0.02, "loss": 1.1},
    ]
    log = tmp_path / "20200101_000000.log.json"
    log.write_text("".join(json.dumps(row) + "\n" for row in rows))
    run = read_one(log)
    assert run.source == str(log)  # one run: the iteration restarting each epoch is no restart
    assert list(run.series[TRAIN_LOSS].steps) == [50, 100, 150, 200]
    assert list(run.series[VAL_LOSS].steps) == [100] and run.series[VAL_LOSS].values[0] == 1.7
    assert "seed" not in run.series and "memory" not in run.series


def test_hugging_face_trainer_state_json():
    run = read_one(REAL / "hf-trainer-state-01.json.gz")
    loss = run.series[TRAIN_LOSS]
    assert len(loss) == 430 and (loss.steps[0], loss.steps[-1]) == (500, 215000)
    assert (loss.values[0], loss.values[-1]) == (1.9963, 1.7423)
    assert "total_flos" not in run.series and len(run.series["grad_norm"]) == 430
    # the closing summary's run-average "train_loss" does not become the last loss point
    assert run.series["train_loss"].values[0] == 1.8040490566820844


def test_hugging_face_trainer_printed_dicts_with_an_evaluation():
    run = read_one(REAL / "hf-trainer-prints-01.log")  # sentence-transformers on Trainer
    assert list(run.series[TRAIN_LOSS].steps)[:3] == [0.38, 0.38, 0.39]
    assert run.series[TRAIN_LOSS].unit == "epoch"
    assert run.series[VAL_LOSS].values[0] == 1.2490781545639038  # eval_loss
    assert not {"eval_runtime", "eval_samples_per_second"} & set(run.series)
    run = read_one(REAL / "hf-trainer-prints-02.log")  # with grad_norm, padded by tqdm
    assert list(run.series["grad_norm"].values)[:2] == [37.657958984375, 17.54932403564453]
    assert list(run.series[TRAIN_LOSS].steps) == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5]


def test_lightning_progress_bars_between_validation_bars():
    run = read_one(REAL / "lightning-bar-01.log")
    assert list(run.series[TRAIN_LOSS].steps) == list(range(932, 941))
    assert set(run.series) == {TRAIN_LOSS, "train/acc"}  # v_num and it/s are not metrics
    run = read_one(REAL / "lightning-bar-02.log")  # bars before the first loss have none
    assert run.series[TRAIN_LOSS].values[-1] == 9.847 and run.series[TRAIN_LOSS].steps[-1] == 5


def test_every_file_here_has_its_provenance():
    listed = {entry["file"] for entry in json.loads((REAL / "manifest.json").read_text())}
    assert listed == {p.name for p in REAL.iterdir()} - {"manifest.json"}


def test_trainer_summary_print_keeps_its_run_average_apart(tmp_path):
    """The dicts the Trainer prints for hf-trainer-state-01's last row and closing summary
    (the same keys as its log_history, as Python prints them)."""
    state = json.loads(gzip.decompress((REAL / "hf-trainer-state-01.json.gz").read_bytes()))
    last, summary = state["log_history"][-2:]
    summary.pop("total_flos")  # the Trainer's progress callback drops it before printing
    printed = tmp_path / "train.log"
    printed.write_text(f"{last}\n{summary}\n")
    run = read_one(printed)
    assert list(run.series[TRAIN_LOSS].values) == [1.7423]  # not the average 1.804 after it
    assert run.series["train_loss"].values[0] == summary["train_loss"]


def test_ultralytics_classification_results_csv():
    run = read_one(REAL / "ultralytics-classify-01.csv")
    assert run.format == "ultralytics-csv"  # not a Keras CSVLogger, though it starts with epoch
    assert list(run.series[TRAIN_LOSS].values)[:2] == [1.19277, 0.60711]  # written as is
    assert list(run.series[VAL_ACC].values)[:2] == [0.76807, 0.9247]  # metrics/accuracy_top1
    assert run.series[VAL_LOSS].values[-1] == 0.1225


def test_hugging_face_dicts_with_numbers_printed_as_strings():
    """transformers 5 prints every float as a string ({'loss': '0.6413'}); read as numbers."""
    run = read_one(REAL / "hf-trainer-prints-v5.log")
    assert list(run.series[TRAIN_LOSS].values)[:2] == [0.6413, 0.6402]
    assert list(run.series[TRAIN_LOSS].steps)[:2] == [0.3846, 0.7692]
    assert run.series[VAL_LOSS].values[0] == 0.6348
