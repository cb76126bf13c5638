"""Runs of the broad development draw (benchmarks/devbroad.tar.xz) kept as fixtures: each
shows one thing the detectors once got wrong on runs they were not tuned on.

tests/fixtures/drawn/manifest.json gives each file's origin, the symptoms it must show
(``expected``) and those it must not (``absent``); a healthy run expects nothing at all.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import detected_facts

from troubleshoot.read.jsonl import nulls_as_nan

DRAWN = Path(__file__).parent / "fixtures" / "drawn"
MANIFEST = json.loads((DRAWN / "manifest.json").read_text(encoding="utf-8"))


def present(name: str) -> set[str]:
    facts = detected_facts([DRAWN / name])
    return {i for i, f in facts.symptoms.items() if f.present}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_drawn_run_shows_what_its_manifest_says(entry):
    found = present(entry["file"])
    assert set(entry["expected"]) <= found
    assert not set(entry["absent"]) & found
    if entry.get("healthy"):
        assert found == set()


def test_every_drawn_file_has_an_entry():
    files = {p.name for p in DRAWN.iterdir() if p.name != "manifest.json"}
    assert files == {e["file"] for e in MANIFEST}


def test_a_null_loss_is_nan_only_where_its_row_was_written_for_it():
    """Beside a number of its own split (or alone) a null loss is a non-finite one; in a row
    that logged another split only, it is a loss not logged there."""
    assert math.isnan(nulls_as_nan({"step": 3, "train_loss": None, "train_acc": 0.5})["train_loss"])
    assert math.isnan(nulls_as_nan({"step": 3, "loss": None, "_runtime": 4.0})["loss"])
    kept = nulls_as_nan({"_step": 6, "loss": None, "eval/loss": 0.5, "eval/accuracy": 0.8})
    assert kept["loss"] is None


def test_an_accuracy_that_never_changes_is_one_class_at_its_share():
    """Nothing in the file gives the class count or the shares: the unchanging validation
    accuracy is the evidence, cited at its last evaluation."""
    facts = detected_facts([DRAWN / "076-zero-init-tabular5-imbalanced-mlp-jsonl.jsonl"])
    (evidence,) = facts.symptoms["acc-at-chance"].provenance.evidence
    assert evidence.detail.key == "ev_acc_one_class"
    assert dict(evidence.detail.values)["n"] == 5
    assert (evidence.series, evidence.step, evidence.line) == ("val/acc", 395, 10)
    assert evidence.value == pytest.approx(0.493)


def test_an_accuracy_printed_in_percent_is_judged_as_a_fraction():
    facts = detected_facts([DRAWN / "197-relu-on-logits-waves4-lstm-print.log"])
    (evidence,) = facts.symptoms["acc-at-chance"].provenance.evidence
    assert (evidence.series, evidence.value) == ("test/acc", pytest.approx(0.27))  # "27%"


def test_a_loss_at_chance_is_read_from_the_validation_loss_when_training_logged_little():
    facts = detected_facts([DRAWN / "165-random-labels-waves2-lstm-hf-state-trainer_state.json"])
    (evidence,) = facts.symptoms["loss-flat-from-start"].provenance.evidence
    assert evidence.detail.key == "ev_flat_at_chance"
    assert evidence.series == "val/loss"


def test_no_class_count_is_read_from_the_accuracy_of_a_model_that_turned_nan():
    """0.1917 at every epoch is near 1/5, but the set has four classes: a NaN model gives
    every input one class, so its accuracy is a share, not chance."""
    facts = detected_facts([DRAWN / "065-nan-sample-waves4-transformer-lightning-csv"])
    assert "num_classes" not in facts.context


def test_a_gradient_norm_that_recovers_does_not_cut_the_run(tmp_path):
    """Run 162's gradient norm is nan to the end, so the zeros the Trainer logs after it
    are not judged. Where the norm comes back finite (a mixed-precision loss scaler
    skipping a step), nothing is cut: the same zeros then read as a loss near zero."""
    name = "162-lr-huge-waves4-transformer-hf-print.log"
    lines = (DRAWN / name).read_text(encoding="utf-8").splitlines(keepends=True)
    recovered = [lines[0], lines[1], *(s.replace("'nan'", "'0.5'") for s in lines[2:])]
    (tmp_path / name).write_text("".join(recovered), encoding="utf-8")
    facts = detected_facts([tmp_path / name])
    assert facts.symptoms["loss-near-zero"].present
