"""A NaN only evaluation shows: one the training loss hides (Hugging Face's Trainer logs 0
for a stretch of non-finite steps, and only the next evaluation's loss is nan), and one
that is only in evaluation (training goes on with ordinary losses)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from conftest import detected_facts
from typer.testing import CliRunner

from troubleshoot.detect.curves import Curve
from troubleshoot.detect.view import zeros_hiding_nan
from troubleshoot.frontends.cli import app

GENERATED = Path(__file__).parent / "fixtures" / "generated"
RUN = GENERATED / "hf-trainer-nan-no-grad-norm.log"
EVALUATION_ONLY = GENERATED / "keras-val-nan-inputs.log"


def test_the_zeros_before_a_nan_evaluation_are_cited_as_the_nan():
    facts = detected_facts([RUN])
    evaluation, zeros = facts.symptoms["loss-nan"].provenance.evidence
    assert (evaluation.series, evaluation.step, evaluation.line) == ("val/loss", 1, 23)
    assert zeros.detail.key == "ev_loss_nan_logged_zero"
    assert (zeros.series, zeros.step, zeros.value, zeros.line) == ("train/loss", 0.5455, 0.0, 12)


def test_the_zeros_are_not_judged_as_a_shape_of_the_loss():
    """Read as values, eleven zeros after a falling loss are a drop to zero."""
    facts = detected_facts([RUN])
    present = {i for i, f in facts.symptoms.items() if f.present}
    assert not present & {"loss-near-zero", "loss-plateau-then-drop"}
    assert "when" not in facts.context  # the zeros are the NaN: the weights did not survive


def test_training_that_goes_on_after_a_nan_evaluation_puts_the_nan_in_evaluation():
    facts = detected_facts([EVALUATION_ONLY])
    assert facts.symptoms["loss-nan"].present
    when = facts.context["when"]
    assert when.value == "at-evaluation" and when.provenance.note.key == "note_when_read"
    (evidence,) = when.provenance.evidence
    assert (evidence.series, evidence.line, evidence.value) == ("train/loss", 20, 0.085)
    assert dict(evidence.detail.values)["n"] == 10


def test_a_nan_only_in_evaluation_leads_to_the_data_not_to_the_updates():
    result = CliRunner().invoke(app, ["diagnose", "--format", "json", str(EVALUATION_ONLY)])
    ranked = [d["id"] for d in json.loads(result.stdout)["diagnoses"]]
    assert ranked[0] == "nan-bad-input" and "nan-exploding-gradient" not in ranked


def test_after_a_nan_evaluation_training_is_judged_and_evaluation_is_not(tmp_path):
    """Every evaluation prints loss nan and accuracy 0, while training sits at one loss for
    twenty epochs: the training curve says the model is stuck, and the accuracy of NaN
    evaluations says nothing (it is not a model far worse on validation than training)."""
    bar = "6706/6706 [====] - 20s 3ms/step - loss: {} - accuracy: 0.6430 - val_loss: nan - "
    lines = [
        f"Epoch {e}/20\n" + bar.format(0.5817 if e % 5 == 1 else 0.5816) + "val_accuracy: 0.0\n"
        for e in range(1, 21)
    ]
    log = tmp_path / "stuck.log"
    log.write_text("".join(lines))
    facts = detected_facts([log])
    present = {i for i, f in facts.symptoms.items() if f.present}
    assert {"loss-nan", "loss-flat-from-start"} <= present
    assert not present & {"val-far-below-train", "acc-at-chance"}
    assert facts.context["when"].value == "at-evaluation"


def curve(name: str, steps: list[float], values: list[float], lines: list[int]) -> Curve:
    return Curve(name, np.array(steps, float), np.array(values, float), np.array(lines))


def test_only_zeros_right_before_the_nan_evaluation_count():
    val = curve("val/loss", [4.0], [np.nan], [5])
    zeros = curve("train/loss", [1, 2, 3, 4], [2.0, 0.0, 0.0, 0.0], [1, 2, 3, 4])
    assert zeros_hiding_nan(zeros, val, 0) == 1
    ended_above = curve("train/loss", [1, 2, 3, 4], [2.0, 0.0, 0.0, 0.3], [1, 2, 3, 4])
    assert zeros_hiding_nan(ended_above, val, 0) is None
    assert zeros_hiding_nan(None, val, 0) is None
