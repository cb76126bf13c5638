"""A NaN the training loss hides: Hugging Face's Trainer logs 0 for a stretch of
non-finite steps, and only the next evaluation's loss is nan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import detected_facts

from troubleshoot.detect.curves import Curve
from troubleshoot.detect.view import zeros_hiding_nan

RUN = Path(__file__).parent / "fixtures" / "generated" / "hf-trainer-nan-no-grad-norm.log"


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


def curve(name: str, steps: list[float], values: list[float], lines: list[int]) -> Curve:
    return Curve(name, np.array(steps, float), np.array(values, float), np.array(lines))


def test_only_zeros_right_before_the_nan_evaluation_count():
    val = curve("val/loss", [4.0], [np.nan], [5])
    zeros = curve("train/loss", [1, 2, 3, 4], [2.0, 0.0, 0.0, 0.0], [1, 2, 3, 4])
    assert zeros_hiding_nan(zeros, val, 0) == 1
    ended_above = curve("train/loss", [1, 2, 3, 4], [2.0, 0.0, 0.0, 0.3], [1, 2, 3, 4])
    assert zeros_hiding_nan(ended_above, val, 0) is None
    assert zeros_hiding_nan(None, val, 0) is None
