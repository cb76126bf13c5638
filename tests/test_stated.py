"""Metrics stated in words ("training loss 0.01, validation loss 2.5", "训练准确率100%,测试
准确率80%"): kb/metrics.yaml's phrasings read them, and the detectors judge them as they
would a pasted log line."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO
from pydantic import ValidationError

from troubleshoot.consult.freetext import understand
from troubleshoot.consult.phrasing import normalise
from troubleshoot.consult.stated import stated_run, statements
from troubleshoot.detect import detect
from troubleshoot.facts import Origin
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.schema import StatedMetric
from troubleshoot.read.model import TRAIN_ACC, VAL_ACC, RunData

KB = cached_kb(REPO / "kb")
METRICS = yaml.safe_load((REPO / "kb" / "metrics.yaml").read_text(encoding="utf-8"))["metrics"]
EXAMPLES = [(m["series"], e["text"], e["value"]) for m in METRICS for e in m["examples"]]


@pytest.mark.parametrize(("series", "text", "value"), EXAMPLES)
def test_each_example_of_kb_metrics_states_its_value(series, text, value):
    said = {s.series: s.value for s in statements(KB, normalise(text))}
    assert said.get(series) == pytest.approx(value)


def test_a_phrase_reaching_over_another_number_does_not_join_two_statements():
    # "训练准确率一直在{n}" would otherwise run from 训练 to the 80 of the test accuracy.
    text = normalise("训练准确率100%,但是测试准确率一直在80%")
    said = {s.series: s.value for s in statements(KB, text)}
    assert said == {"train/acc": 1.0, "test/acc": pytest.approx(0.8)}


def test_losses_stated_far_apart_read_as_overfitting_cited_by_the_words():
    found = understand(KB, "my training loss is 0.01 but the validation loss is 2.5")
    fact = found.facts.symptoms["overfitting"]
    assert fact.present and fact.provenance.origin is Origin.DETECTED
    (evidence,) = fact.provenance.evidence
    assert (evidence.source, evidence.series, evidence.value) == ("question", "val/loss", 2.5)
    assert evidence.step is None  # the words state a value, at no step
    assert evidence.points == 1  # low confidence: one evaluation
    stated = [m for m in found.matches if m.source == "stated"]
    assert [(m.symptom, m.text) for m in stated] == [("overfitting", "validation loss is 2.5")]


def test_a_test_accuracy_stands_for_the_evaluation_when_no_validation_is_stated():
    found = understand(KB, "训练准确率100%,但是测试准确率一直在80%上下浮动,怎样才能提高")
    assert found.facts.symptoms["overfitting"].present
    assert [m.text for m in found.matches if m.source == "stated"] == ["测试准确率一直在80%"]


@pytest.mark.parametrize(
    "text",
    [
        "train accuracy 92%, validation accuracy 90%",  # a healthy gap
        "my training loss is 0.3 and validation loss 0.35",
        "validation loss 2.5",  # nothing to compare it with
    ],
)
def test_values_that_show_no_gap_give_no_stated_fact(text):
    assert not [m for m in understand(KB, text).matches if m.source == "stated"]


def test_one_statement_alone_is_not_a_run():
    assert stated_run(KB, normalise("validation loss 2.5"), "question") is None


def _accuracy_run(train: list[float], val: float) -> RunData:
    run = RunData(source="x.log", format="text")
    for i, value in enumerate(train):
        run.get(TRAIN_ACC).append(i, value, i + 1)
    run.get(VAL_ACC).append(len(train) - 1, val, len(train))
    return run


def test_an_epoch_accuracy_far_above_one_evaluation_is_overfitting_from_few_points():
    facts = detect(_accuracy_run([0.95], 0.7)).facts
    (fact,) = [f for f in facts if f.id == "overfitting"]
    assert fact.provenance.evidence[0].points == 1


@pytest.mark.parametrize(
    ("train", "val"),
    [
        ([0.95], 0.9),  # within few_acc_gap
        ([0.95], 0.2),  # validation kept too little of the gain: val-far-below-train's case
        ([0.5, 0.7, 0.8, 0.9, 0.95, 0.97], 0.7),  # batch accuracies logged every step
    ],
)
def test_no_overfitting_from_a_small_gap_a_collapse_or_batch_accuracies(train, val):
    assert "overfitting" not in {f.id for f in detect(_accuracy_run(train, val)).facts}


@pytest.mark.parametrize("phrase", ["training loss", "{n} training loss", "loss {n} {n}"])
def test_a_metric_phrase_needs_one_number_at_its_end(phrase):
    with pytest.raises(ValidationError, match="needs one"):
        StatedMetric.model_validate(
            {
                "series": "train/loss",
                "phrases": {"en": [phrase], "zh": ["训练loss{n}"]},
                "examples": [{"text": "training loss 1", "value": 1}],
            }
        )


def test_keras_metrics_pasted_without_their_progress_bar_are_stated_values():
    # The reader needs the bar or an epoch to place a line; the words alone still say it.
    found = understand(KB, "loss: 0.0100 - accuracy: 0.9900 - val_loss: 2.5000 - val_accuracy: 0.6")
    assert found.runs == 0
    assert found.facts.symptoms["overfitting"].present
