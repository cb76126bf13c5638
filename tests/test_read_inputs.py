"""The entry point: bad input is refused with a clear message; progress is reported."""

from __future__ import annotations

import math
import pickle

import pytest
from conftest import TESTS, english

from troubleshoot.read import UnreadableInput, read_inputs
from troubleshoot.read.names import canonical
from troubleshoot.read.values import to_float

REAL = TESTS / "fixtures" / "reallogs"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        (b"PK\x03\x04" + bytes(64), "zip archive"),
        (bytes(range(256)) * 4, "binary data"),
        (b"just some notes\nnothing to see here\n", "no training metrics"),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
        (pickle.dumps({"epoch": 3, "weights": list(range(200))}, protocol=4), "Python pickle"),
        (b"\x80\x99" + bytes(range(256)) * 4, "binary data"),  # 0x80 alone is no pickle
    ],
)
def test_unreadable_files_say_what_they_look_like(tmp_path, content, words):
    path = tmp_path / "input"
    path.write_bytes(content)
    with pytest.raises(UnreadableInput) as caught:
        read_inputs([path])
    message = "\n".join(english(caught.value.words))
    assert words in message and str(path) in message
    assert "accepted:" in message or "gzip" in words


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(UnreadableInput) as missing:
        read_inputs([tmp_path / "nope.log"])
    assert english(missing.value.words) == [f"{tmp_path / 'nope.log'}: no such file or folder"]
    with pytest.raises(UnreadableInput) as empty:
        read_inputs([tmp_path])
    assert "no training logs" in english(empty.value.words)[0]


def test_several_inputs_at_once_and_progress():
    calls: list[tuple[int, int]] = []
    names = ("caffe-nan-01.log", "keras-nan-01.log", "lightning-healthy-01.csv")
    paths = [REAL / name for name in names]
    runs = read_inputs(paths, progress=lambda done, total: calls.append((done, total)))
    assert [r.format for r in runs] == ["caffe-glog", "text", "lightning-csv"]
    total = sum(p.stat().st_size for p in paths)
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_one_unreadable_input_of_several_is_a_warning_not_a_loss(tmp_path):
    garbage = tmp_path / "weights.bin"
    garbage.write_bytes(bytes(range(256)) * 8)
    runs = read_inputs([garbage, REAL / "caffe-nan-01.log", tmp_path / "nope.log"])
    assert [r.format for r in runs] == ["caffe-glog"]
    notes = [w for w in english(runs[0].warnings) if w.startswith("not read: ")]
    assert len(notes) == 2 and "binary" in notes[0] and "no such file" in notes[1]
    with pytest.raises(UnreadableInput) as caught:
        read_inputs([garbage, tmp_path / "nope.log"])
    first, binary, missing, accepted = english(caught.value.words)
    assert first == "none of the inputs could be read:"
    assert "binary" in binary and "no such file" in missing and accepted.startswith("accepted:")


def test_absurd_values_are_kept_with_a_warning(tmp_path):
    table = tmp_path / "m.csv"
    table.write_text("step,loss\n0,1.0\n1,1e308\n-5,2.0\n")
    (run,) = read_inputs([table])
    assert list(run.series["train/loss"].values) == [1.0, 1e308]
    assert any("1e300" in w for w in english(run.warnings))
    assert any("negative or non-finite step" in w for w in english(run.warnings))


@pytest.mark.parametrize(
    ("text", "value"),
    [("nan", math.nan), ("-nan", math.nan), ("NaN", math.nan), ("1.#QNAN", math.nan),
     ("1.#INF", math.inf), ("-1.#INF", -math.inf), ("inf", math.inf), ("-inf", -math.inf),
     ("Infinity", math.inf), ("-nan(ind)", math.nan), ("0.5", 0.5), ("abc", None)],
)  # fmt: skip
def test_number_spellings(text, value):
    parsed = to_float(text)
    if value is None or math.isnan(value):
        assert parsed is value or math.isnan(parsed)
    else:
        assert parsed == value


@pytest.mark.parametrize(
    ("name", "expected"),
    [("val_loss", "val/loss"), ("Loss/train", "train/loss"), ("accuracy", "train/acc"),
     ("eval/loss", "val/loss"), ("epoch_learning_rate", "lr"), ("lr-Adam", "lr"),
     ("train_loss_step", "train/loss"), ("train_loss_epoch", "train_loss_epoch"),
     ("KL_Loss", "kl"), ("Dice", "dice"), ("validation/epoch_accuracy", "val/acc")],
)  # fmt: skip
def test_canonical_names(name, expected):
    assert canonical(name) == expected
