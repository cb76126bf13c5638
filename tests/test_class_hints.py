"""The class count a run prints: its settings and the width of its model's last layer.

Real prints (tests/fixtures/dialects, provenance in its manifest.json): an MXNet argparse
Namespace, a Keras 3 model.summary(), PyTorch model reprs, a Lightning hparams.yaml. What
the user states wins over them, they win over the loss/accuracy inference, a width counts
only for a run known to classify, and code echoed in a traceback or typed at a prompt is
not a setting.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TESTS, read_one

from troubleshoot.detect import DEFAULT, detect
from troubleshoot.detect.view import view_of
from troubleshoot.facts import ContextFact, Phrase
from troubleshoot.read import read_inputs
from troubleshoot.read.hints import ClassHints, setting
from troubleshoot.read.model import RunData
from troubleshoot.render.i18n import say

REAL = TESTS / "fixtures" / "dialects"
KERAS = REAL / "keras3-summary-fit-01.log"
CORPUS = TESTS / "fixtures" / "corpus"


def class_fact(run: RunData, given: dict[str, object] | None = None) -> ContextFact | None:
    facts = detect(run, given).facts
    found = [f for f in facts if isinstance(f, ContextFact) and f.key == "num_classes"]
    return found[0] if found else None


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_a_keras_3_summary_gives_the_width_of_its_last_dense_layer():
    run = read_one(KERAS)
    fact = class_fact(run)
    assert fact is not None and fact.value == 10
    assert isinstance(fact.provenance.note, Phrase)
    assert fact.provenance.note.key == "note_from_output"
    (evidence,) = fact.provenance.evidence
    assert isinstance(evidence.detail, Phrase) and evidence.detail.key == "ev_classes_width"
    assert dict(evidence.detail.values) == {"layer": "dense_1", "kind": "Dense", "n": 10}
    assert evidence.source == str(KERAS) and evidence.line is not None
    printed = lines(KERAS)[evidence.line - 1]
    assert "dense_1 (Dense)" in printed and "(None, 10)" in printed
    assert "10 outputs from dense_1" in say(evidence.detail, "en")
    assert "最后一个 Dense 层 dense_1 有 10 个输出" in say(evidence.detail, "zh")
    assert "未给出类别数" in say(fact.provenance.note, "zh")


def test_an_argparse_namespace_gives_num_classes_with_its_line():
    path = REAL / "mxnet-namespace-01.log"
    run = read_one(path)
    fact = class_fact(run)
    assert fact is not None and fact.value == 10
    (evidence,) = fact.provenance.evidence
    assert isinstance(evidence.detail, Phrase) and evidence.detail.key == "ev_classes_setting"
    assert dict(evidence.detail.values) == {"name": "num_classes", "n": 10}
    assert evidence.line == 1 and "num_classes=10" in lines(path)[0]
    assert "num_classes = 10" in say(evidence.detail, "en")


def test_of_several_printed_models_the_first_ones_last_linear_layer_counts():
    """A continual-learning run prints its classifier head (fc2: 10 outputs), then its
    backbone (fc0: 50) and a generator: the backbone's width is not the class count."""
    path = REAL / "pytorch-model-repr-01.log"
    hints = ClassHints()
    found = [h for n, text in enumerate(lines(path), 1) if (h := hints.line(n, text))]
    found += [h for h in [hints.finish()] if h]
    first = found[0]
    assert (first.n, first.key, first.kind, first.setting) == (10, "fc2", "Linear", False)
    assert "(fc2): Linear(in_features=128, out_features=10" in lines(path)[first.line - 1]


def test_a_printed_model_before_training_lines_gives_the_count(tmp_path):
    """The model reprs above, then a classifier's epoch lines (from the Keras fixture)."""
    repr_lines = lines(REAL / "pytorch-model-repr-01.log")
    log = tmp_path / "train.log"
    log.write_text("\n".join(repr_lines + lines(KERAS)[11:]) + "\n", encoding="utf-8")
    fact = class_fact(read_one(log))
    assert fact is not None and fact.value == 10
    (evidence,) = fact.provenance.evidence
    assert "(fc2): Linear" in repr_lines[evidence.line - 1]


def test_lightning_hparams_yaml_beside_metrics_csv():
    folder = REAL / "lightning-hparams-01"
    (run,) = read_inputs([folder])
    assert run.format == "lightning-csv" and run.warnings == []  # hparams.yaml is not skipped
    fact = class_fact(run)
    assert fact is not None and fact.value == 11  # as logged (its class_names list has 10)
    (evidence,) = fact.provenance.evidence
    assert evidence.source == str(folder / "hparams.yaml")
    assert evidence.line is not None
    assert lines(folder / "hparams.yaml")[evidence.line - 1] == "num_classes: 11"


def test_what_the_user_states_wins_over_what_the_run_prints():
    run = read_one(KERAS)
    assert view_of(run, DEFAULT, {"num_classes": 5}).num_classes == 5
    assert class_fact(run, {"num_classes": 5}) is None  # the front end adds the stated one


def test_a_printed_setting_wins_over_the_initial_loss(tmp_path):
    """sigmoid-deep-text.log starts at ln 10, from which 10 classes are inferred; a printed
    setting is a statement, so it is used instead, and said to be printed."""
    log = tmp_path / "train.log"
    text = (CORPUS / "sigmoid-deep-text.log").read_text(encoding="utf-8")
    log.write_text("Namespace(batch_size=64, num_classes=12, lr=0.1)\n" + text, encoding="utf-8")
    fact = class_fact(read_one(log))
    assert fact is not None and fact.value == 12
    assert isinstance(fact.provenance.note, Phrase)
    assert fact.provenance.note.key == "note_from_output"


def test_a_run_not_known_to_classify_takes_no_count_from_its_prints(tmp_path):
    """Without accuracy or a stated task, neither the last layer's width nor a detection
    config's num_classes makes the loss a classifier's."""
    kept = [line.replace("accuracy: ", "x: ") for line in lines(KERAS)]
    log = tmp_path / "train.log"
    log.write_text("\n".join(["num_classes: 80", *kept]) + "\n", encoding="utf-8")
    run = read_one(log)
    assert run.class_hint is not None and run.class_hint.n == 80
    assert view_of(run, DEFAULT).num_classes is None
    assert class_fact(run) is None
    classifying = class_fact(run, {"task": "classification"})
    assert classifying is not None and classifying.value == 80


def test_code_in_a_traceback_or_at_a_prompt_is_not_a_setting(tmp_path):
    """A real session typed ``>>> num_classes = 4`` before its traceback; a traceback also
    echoes source lines, and its exception message may name the key."""
    session = (TESTS / "fixtures" / "reallogs" / "pytorch-traceback-unknown-01.log").read_text()
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 12, in <module>\n'
        "    num_classes = 4\n"
        "ValueError: num_classes = 4 does not match the labels\n"
    )
    log = tmp_path / "train.log"
    log.write_text("\n".join(lines(KERAS)[11:]) + "\n" + session + "\n" + traceback)
    run = read_one(log)
    assert run.class_hint is None
    assert class_fact(run) is None


@pytest.mark.parametrize(
    ("printed", "n"),
    [
        ("num_classes=10", 10),
        ("num_classes: 10", 10),
        ("n_classes 5", 5),
        ("--num-classes 100", 100),
        ("Namespace(lr=0.1, num_classes=10, seed=1)", 10),
        ("{'num_classes': 10, 'lr': 0.1}", 10),
        ('  "num_labels": 2,', 2),
        ("NUM_CLASSES: 80", 80),
        ("num_class=7", 7),
    ],
)
def test_printed_settings(printed, n):
    found = setting(3, printed)
    assert found is not None and (found.n, found.line, found.setting) == (n, 3, True)


@pytest.mark.parametrize(
    "printed",
    [
        "num_classes_per_batch=4",
        "max_num_classes=7",
        "num_classes=None",
        "num_classes: 10.5",
        "Assertion `t >= 0 && t < n_classes` failed.",
    ],
)
def test_unrelated_keys_and_values_are_no_setting(printed):
    assert setting(1, printed) is None
