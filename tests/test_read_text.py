"""Plain-text training output: Keras and PyTorch prints, tracebacks, encodings."""

from __future__ import annotations

import math

import pytest
from conftest import TESTS, read_one

from troubleshoot.read import read_inputs
from troubleshoot.read.model import TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS
from troubleshoot.read.names import canonical
from troubleshoot.read.text_line import parse

REAL = TESTS / "fixtures" / "reallogs"
GENERATED = TESTS / "fixtures" / "generated"


def test_keras_epochs_with_nan():
    run = read_one(REAL / "keras-nan-01.log")
    assert run.format == "text" and run.context["framework"] == "keras"
    loss, val = run.series[TRAIN_LOSS], run.series[VAL_LOSS]
    assert loss.values[0] == 0.6242 and all(math.isnan(v) for v in loss.values[1:])
    assert val.values[0] == 0.5265 and run.series[VAL_ACC].values[0] == 0.747
    assert list(loss.lines) == [2, 4, 6, 8, 10, 12, 14]
    assert list(loss.steps) == sorted(loss.steps)


def test_keras_inf_and_terminate_on_nan():
    run = read_one(REAL / "keras-inf-01.log")
    assert list(run.series[TRAIN_LOSS].values) == [44.411, math.inf]
    (event,) = run.events
    assert event.kind == "keras-terminate-on-nan" and event.symptoms == ("loss-nan",)
    assert event.line == 3 and "Invalid loss" in event.text


@pytest.mark.parametrize(
    ("name", "signature", "symptom", "line"),
    [
        ("pytorch-oom-01.log", "pytorch-cuda-oom", "error-cuda-oom", 17),
        ("pytorch-truncated-01.log", "pillow-image-truncated", "error-image-truncated", 16),
        ("pytorch-nclasses-01.log", "pytorch-nll-kernel-assert", "error-label-out-of-range", 1),
    ],
)
def test_error_messages_in_real_output(name, signature, symptom, line):
    run = read_one(REAL / name)
    event = run.events[0]
    assert event.kind == signature and event.symptoms == (symptom,) and event.line == line
    assert run.context["framework"] == "pytorch"


def test_training_before_a_crash_is_kept():
    run = read_one(REAL / "pytorch-oom-01.log")
    assert list(run.series[TRAIN_LOSS].values) == [0.564, 0.417, 0.647, 0.66, 0.38]
    assert list(run.series[TRAIN_LOSS].steps) == [367, 368, 369, 370, 371]
    assert run.series["lr"].values[0] == 0.001 and "dice" in run.series


def test_real_keras_3_progress_bars():
    """Keras 3 writes colour codes, carriage returns and backspaces between updates."""
    run = read_one(GENERATED / "keras-progress.log")
    assert run.context["framework"] == "keras"
    assert len(run.series[TRAIN_LOSS]) == 6 and len(run.series[VAL_LOSS]) == 3
    assert list(run.series[VAL_LOSS].steps) == [6, 12, 18]  # epoch ends, 6 batches each


def test_keras_verbose_2_and_a_utf16_copy_read_the_same():
    plain = read_one(GENERATED / "keras-verbose2.log")
    wide = read_one(GENERATED / "keras-verbose2-utf16.log")
    for name in (TRAIN_LOSS, TRAIN_ACC, VAL_LOSS, VAL_ACC):
        assert list(plain.series[name].values) == list(wide.series[name].values)
    assert plain.series[TRAIN_LOSS].values[0] == 0.9336


def test_pytorch_tutorial_styles_and_real_torch_errors():
    cifar = read_one(GENERATED / "pytorch-prints.log")
    steps = cifar.series[TRAIN_LOSS].steps
    assert len(steps) == 60 and list(steps) == sorted(steps)  # epoch restarts its counter
    assert [e.kind for e in cifar.events] == ["pytorch-bn-single-sample"]
    tutorial = read_one(GENERATED / "pytorch-steps.log")
    assert list(tutorial.series[TRAIN_LOSS].steps) == list(range(1, 61))
    assert tutorial.events[0].kind == "pytorch-target-out-of-bounds"
    assert "Target 5 is out of bounds" in tutorial.events[0].text


def test_gbk_and_mixed_encodings():
    gbk = read_one(GENERATED / "text-gbk.log")
    assert len(gbk.series[TRAIN_LOSS]) == 30 and len(gbk.series[TRAIN_ACC]) == 30
    mixed = read_one(GENERATED / "text-mixed-encoding.log")
    assert len(mixed.series[TRAIN_LOSS]) == 30
    assert list(mixed.series[TRAIN_LOSS].steps) == [*range(1, 21), *range(31, 41)]


def test_restarted_keras_fit_is_a_second_run(tmp_path):
    text = (REAL / "keras-nan-01.log").read_text()
    log = tmp_path / "twice.log"
    log.write_text(text + text)
    runs = read_inputs([log])
    assert [r.source.rsplit("#", 1)[1] for r in runs] == ["run-1", "run-2"]


def test_keras_epochs_pasted_from_the_middle_keep_the_runs_steps(tmp_path):
    """Keras counts epochs from 1 and prints each epoch's batch total: the last three epochs
    of a thirty-epoch fit end at steps 28, 29 and 30 times the total, as in the whole log."""
    bar = "1563/1563 [==============================] - 9s 5ms/step - loss: {} - val_loss: {}\n"
    log = tmp_path / "pasted.log"
    log.write_text("".join(f"Epoch {e}/30\n" + bar.format(1.9, 4.3) for e in (28, 29, 30)))
    run = read_one(log)
    assert list(run.series[VAL_LOSS].steps) == [28 * 1563, 29 * 1563, 30 * 1563]


def test_epoch_and_batch_counter_that_never_restarts_is_a_global_step(tmp_path):
    """``[epoch, batch]`` whose batch goes on counting across epochs, with a validation
    summary per epoch: all points on one step axis, the summary at its epoch's last step."""
    log = tmp_path / "train.log"
    log.write_text(
        "[1,    10] loss: 2.2 acc: 0.2\n[1,    20] loss: 1.9 acc: 0.4\n"
        "Epoch 1 validation: val_loss: 1.8 val_acc: 0.45\n"
        "[2,    30] loss: 1.5 acc: 0.5\n[2,    40] loss: 1.2 acc: 0.6\n"
        "Epoch 2 validation: val_loss: 1.3 val_acc: 0.55\n"
    )
    run = read_one(log)
    assert list(run.series[TRAIN_LOSS].steps) == [10, 20, 30, 40]
    assert list(run.series[VAL_LOSS].steps) == [20, 40]
    assert run.series[VAL_LOSS].unit == run.series[TRAIN_LOSS].unit == "step"


def test_a_summary_naming_another_epoch_keeps_its_epoch(tmp_path):
    log = tmp_path / "train.log"
    log.write_text("[1,  100] loss: 2.2\n[1,  200] loss: 1.9\nepoch 5 val_loss 1.7\n")
    run = read_one(log)
    assert list(run.series[VAL_LOSS].steps) == [5] and run.series[VAL_LOSS].unit == "epoch"


def test_a_split_word_before_each_key_names_its_series(tmp_path):
    """ "Val Loss: x, Val Acc: y" is validation, and a line may name two splits."""
    log = tmp_path / "train.log"
    log.write_text("Epoch 1: Train Loss: 0.91, Val Loss: 0.95, Val Acc: 0.61\n")
    run = read_one(log)
    assert run.series[TRAIN_LOSS].values[0] == 0.91 and run.series[VAL_LOSS].values[0] == 0.95
    assert run.series[VAL_ACC].values[0] == 0.61 and TRAIN_ACC not in run.series


def test_epoch_lines_between_sparse_step_lines_stay_one_run(tmp_path):
    """Validation by epoch, training every 50 steps (so not in every epoch): each series
    keeps the unit it began in, and none seems to go back to a restart."""
    lines = []
    for epoch in range(1, 9):
        if epoch % 3 == 0:
            lines.append(f"Epoch [{epoch}/8], Step [{epoch * 17}], Loss: 2.31, Acc: 0.11")
        lines.append(f"Epoch [{epoch}/8] Val Loss: 2.35, Val Acc: 0.09")
    log = tmp_path / "train.log"
    log.write_text("\n".join(lines) + "\n")
    (run,) = read_inputs([log])
    assert list(run.series[VAL_LOSS].steps) == list(range(1, 9))
    assert run.series[VAL_LOSS].unit == "epoch"
    assert list(run.series[TRAIN_LOSS].steps) == [51, 102]


@pytest.mark.parametrize(
    ("line", "step", "metrics"),
    [
        ("[1,  2000] loss: 2.303", (1, 2000), {"loss": 2.303}),
        ("Epoch [1/5], Step [100/600], Loss: 0.2237", (1, 100), {"Loss": 0.2237}),
        ("Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.305", (1, 0), {"Loss": 2.305}),
        ("epoch 3 step 100 loss 0.123", (3, None), {"loss": 0.123}),
        ("Epoch 0:  45%|####5 | 423/938 [00:05<00:06, 80.1it/s, loss=0.234, v_num=0]",
         (0, 423), {"loss": 0.234}),
        ("{'loss': 0.5, 'learning_rate': 5e-05, 'epoch': 0.1}", (0.1, None),
         {"loss": 0.5, "learning_rate": 5e-05}),
        ("Iteration 100, loss = 0.5", (None, None), {"loss": 0.5}),
        ("Test set: Average loss: 0.0340, Accuracy: 9894/10000 (99%)", (None, None),
         {"loss": 0.034}),
    ],
)  # fmt: skip
def test_line_styles(line, step, metrics):
    parsed = parse(line)
    assert parsed is not None
    assert (parsed.epoch, parsed.batch) == step
    assert dict(parsed.metrics) == metrics


def test_lines_without_metrics_are_not_points():
    assert parse("Epoch 00001: val_loss improved from inf to 0.52, saving model") is None
    assert parse("Using 4 workers for the data loader") is None


@pytest.mark.parametrize(
    ("line", "where", "metrics"),
    [
        ("第1轮 训练损失: 2.0496, 验证损失: 2.0596, 准确率: 0.1802, 学习率: 0.001",
         (1, None, None), {"训练损失": 2.0496, "验证损失": 2.0596, "准确率": 0.1802,
                           "学习率": 0.001}),
        ("第3/10轮，第200步，损失：0.35", (3, 200, None), {"损失": 0.35}),
        ("第 3 个epoch 损失 0.2", (3, None, None), {"损失": 0.2}),
        ("【第1轮】训练损失＝0.81｜验证损失＝0.86", (1, None, None),
         {"训练损失": 0.81, "验证损失": 0.86}),
        ("损失值: 0.5, 准确率为: 0.8", (None, None, None), {"损失值": 0.5, "准确率": 0.8}),
        ("Epoch 2/20 - 损失: 1.6480 - 验证集准确率: 0.540", (2, None, None),
         {"损失": 1.648, "验证集准确率": 0.54}),
        ("迭代 100 次，损失 2.3", (None, None, 100), {"损失": 2.3}),
        ("第1轮训练损失:2.0", (1, None, None), {"训练损失": 2.0}),
    ],
)  # fmt: skip
def test_chinese_names_and_counters(line, where, metrics):
    """Scripts written in Chinese print Chinese names, a full-width colon and no spaces."""
    parsed = parse(line)
    assert parsed is not None
    assert (parsed.epoch, parsed.batch, parsed.step) == where
    assert dict(parsed.metrics) == metrics


@pytest.mark.parametrize(
    ("line", "series"),
    [
        ("第1轮 验证 损失: 0.5", {"val/loss"}),
        ("[验证] 损失: 0.7, 准确率: 0.6", {"val/loss", "val/acc"}),
        ("测试集: 平均损失: 0.0340, 准确率: 0.98", {"test/loss", "test/acc"}),
        ("训练平均损失: 0.3 验证平均损失: 0.4", {"train/loss", "val/loss"}),
        ("验证集上的准确率 = 0.7", {"val/acc"}),
        ("总损失=1.2 分类损失=0.7 回归损失=0.5", {"train/loss", "分类损失", "回归损失"}),
    ],
)  # fmt: skip
def test_chinese_names_map_onto_their_series(line, series):
    """A split word apart from its name, or up front for the line; 平均 (mean), 总 (total)
    and 上的 (on the) keep the name's series; another word makes a series of its own."""
    parsed = parse(line)
    assert parsed is not None
    assert {canonical(key, parsed.split or "train") for key, _ in parsed.metrics} == series


def test_a_step_counted_within_each_chinese_epoch_is_one_run(tmp_path):
    """第2轮，第100步 counts steps within the epoch, as [2, 100] does: the step going back
    at each new epoch is not a restart."""
    lines = [
        f"第{epoch}轮，第{step}步，损失：{3 / (epoch * 5 + step / 100):.4f}"
        for epoch in range(1, 6)
        for step in range(100, 1100, 100)
    ]
    log = tmp_path / "train.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (run,) = read_inputs([log])
    steps = list(run.series[TRAIN_LOSS].steps)
    assert len(steps) == 50 and steps == sorted(steps)


def test_chinese_words_that_are_not_metrics():
    assert parse("损失函数: CrossEntropyLoss, 优化器: SGD") is None
    assert parse("验证损失下降到 0.5 以下就停止") is None  # prose, not a printed metric


def test_a_chinese_gbk_log_is_training_output(tmp_path):
    """A Chinese user's script printing in GBK: its names map onto the usual series."""
    lines = [
        f"第{epoch}轮，训练损失：{2.0 / epoch:.4f}，验证损失：{0.5 + 0.05 * epoch:.4f}，"
        f"验证集准确率：{0.5 + 0.01 * epoch:.3f}，学习率：0.001"
        for epoch in range(1, 21)
    ]
    log = tmp_path / "训练.log"
    log.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    run = read_one(log)
    assert set(run.series) == {TRAIN_LOSS, VAL_LOSS, VAL_ACC, "lr"}
    assert run.series[VAL_LOSS].unit == "epoch" and list(run.series[VAL_LOSS].steps) == list(
        range(1, 21)
    )
    assert run.series[TRAIN_LOSS].values[1] == 1.0 and run.series[TRAIN_LOSS].lines[1] == 2


def test_logging_prefixes_are_not_metrics():
    """A logger's level ("INFO") is not the number inf, nor its source line a metric."""
    paddle = "[2024/05/01 10:00:00] ppcls INFO: [Train][Epoch 1/10][Iter: 10/100]lr: 0.1, loss: 2.3"
    assert dict(parse(paddle).metrics) == {"lr": 0.1, "loss": 2.3}
    logged = "2024-05-01 10:00:00 train.py[line:88] INFO: 第1轮 损失: 2.3"
    assert dict(parse(logged).metrics) == {"损失": 2.3}
