"""CSV, JSON Lines and JSON metric files, including per-layer statistics."""

from __future__ import annotations

import math

from conftest import TESTS, english, read_one

from troubleshoot.read import read_inputs
from troubleshoot.read.layers import FORWARD_DATA, PARAM_DIFF
from troubleshoot.read.model import TEST_LOSS, TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS

REAL = TESTS / "fixtures" / "reallogs"
GENERATED = TESTS / "fixtures" / "generated"


def test_real_lightning_metrics_with_sparse_rows():
    run = read_one(REAL / "lightning-healthy-01.csv")
    assert run.format == "lightning-csv" and run.context["framework"] == "pytorch"
    assert run.series[TRAIN_LOSS].steps[0] == 49
    assert run.series[TRAIN_LOSS].values[0] == 0.634955883026123
    assert list(run.series[VAL_ACC].steps)[:2] == [1718, 3437]
    assert run.series[VAL_ACC].lines[0] == 36
    assert len(run.series[VAL_LOSS]) == 6 and len(run.series[TEST_LOSS]) == 1


def test_lightning_trainer_csv_logger():
    runs = read_inputs([GENERATED / "lightning"])  # a folder: version_0/metrics.csv
    (run,) = runs
    assert run.source.endswith("version_0/metrics.csv")
    assert len(run.series["lr"]) > 0  # LearningRateMonitor's "lr-SGD"
    assert len(run.series[VAL_LOSS]) == 4 and run.series[TRAIN_LOSS].unit == "step"


def test_keras_csv_logger():
    run = read_one(GENERATED / "keras-csvlogger.csv")
    assert run.format == "keras-csv" and run.context["framework"] == "keras"
    loss = run.series[TRAIN_LOSS]
    assert loss.unit == "epoch" and list(loss.steps) == [0, 1, 2, 3, 4, 5]
    assert {TRAIN_ACC, VAL_ACC, VAL_LOSS} <= run.series.keys()
    assert loss.lines[0] == 2


def test_keras_na_cells_and_appended_runs(tmp_path):
    text = "epoch,loss,val_loss\n0,1.5,NA\n1,1.2,1.3\n2,nan,nan\n"
    log = tmp_path / "log.csv"
    log.write_text(text + "0,2.5,2.0\n1,2.0,1.9\n")  # CSVLogger(append=True), fit again
    first, second = read_inputs([log])
    assert list(first.series[VAL_LOSS].steps) == [1, 2]
    assert math.isnan(first.series[TRAIN_LOSS].values[-1])
    assert list(second.series[TRAIN_LOSS].values) == [2.5, 2.0]


def test_wandb_export_one_run_per_name():
    runs = read_inputs([GENERATED / "wandb-export.csv"])
    assert [r.source.rsplit("#", 1)[1] for r in runs] == ["calm-river-1", "bold-sky-2"]
    assert all(set(r.series) == {TRAIN_LOSS} for r in runs)  # __MIN/__MAX left out
    assert any(math.isnan(v) for v in runs[1].series[TRAIN_LOSS].values)


def test_per_layer_csv_and_jsonl_agree():
    csv_run, jsonl_run = read_one(GENERATED / "layers.csv"), read_one(GENERATED / "layers.jsonl")
    for run in (csv_run, jsonl_run):
        assert run.layers.order == ["fc1", "relu1", "fc2", "relu2", "fc3"]
        assert run.layers.zero_fraction["relu2"].values[-1] == 1.0  # dead for real
        assert len(run.layers.norms[("fc1", "weight", PARAM_DIFF)]) == 40
    a = csv_run.layers.norms[("fc3", "output", FORWARD_DATA)].values
    b = jsonl_run.layers.norms[("fc3", "output", FORWARD_DATA)].values
    assert list(a) == list(b)


def test_jsonl_nested_keys_and_nan():
    run = read_one(GENERATED / "metrics.jsonl")
    loss = run.series[TRAIN_LOSS]  # {"train": {"loss": ...}}
    assert len(loss) == 60 and math.isnan(loss.values[-1])


def test_json_array_and_trainer_state():
    history = read_one(GENERATED / "history.json")
    assert len(history.series[TRAIN_LOSS]) == 60 and not history.warnings
    state = read_one(GENERATED / "trainer_state.json")
    assert len(state.series[TRAIN_LOSS]) == 60 and state.series[TRAIN_LOSS].unit == "step"
    assert len(state.series[VAL_LOSS]) == 1


def test_truncated_json_array_keeps_the_rows_before_the_cut(tmp_path):
    text = (GENERATED / "history.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    run = read_one(cut)
    assert 10 < len(run.series[TRAIN_LOSS]) < 60
    assert any(
        "before its array is closed" in w or "stops parsing" in w for w in english(run.warnings)
    )


def test_semicolon_table_with_its_own_columns(tmp_path):
    table = tmp_path / "export.txt"
    table.write_text("iteration;Loss/Train;kl_div;note\n1;0.9;0.1;a\n2;0.8;-0.01;b\n")
    run = read_one(table)
    assert run.format == "csv"
    assert run.series[TRAIN_LOSS].unit == "iteration"
    assert list(run.series["kl"].values) == [0.1, -0.01]
    assert "note" not in run.series


def test_chinese_column_names(tmp_path):
    """A table written by a script in Chinese: 轮次 is the epoch, the rest map onto the usual
    series (names.py, rows.COUNTERS)."""
    table = tmp_path / "训练记录.csv"
    rows = ["轮次,训练损失,验证损失,验证集准确率,学习率"]
    rows += [f"{epoch},{2 / epoch:.4f},{0.5 + epoch / 100:.4f},0.8,0.001" for epoch in (1, 2, 3)]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (run,) = read_inputs([table])
    assert set(run.series) == {TRAIN_LOSS, VAL_LOSS, VAL_ACC, "lr"}
    assert run.series[VAL_LOSS].unit == "epoch" and list(run.series[VAL_LOSS].steps) == [1, 2, 3]


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    """Excel and pandas' ``utf-8-sig`` write a byte-order mark before the header: the first
    column is still the step counter, not a series named "\\ufeffstep"."""
    for header in ("step,loss", "步数,训练损失"):
        table = tmp_path / "metrics.csv"
        table.write_text(header + "\n100,2.3\n200,2.1\n300,1.9\n", encoding="utf-8-sig")
        (run,) = read_inputs([table])
        assert set(run.series) == {TRAIN_LOSS}
        assert list(run.series[TRAIN_LOSS].steps) == [100, 200, 300]
