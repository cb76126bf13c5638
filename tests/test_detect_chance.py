"""Chance level without a stated class count, and healthy runs that converge.

A run that does not state ``num_classes`` still shows it when it sits at chance: its first
losses at ln K, or an accuracy stuck at 1/K with the initial loss near ln K. The inferred
count is a context fact of its own, with the observations it rests on. And a loss that
levels off far below chance (or far below where it started, close to the training loss)
has converged: no plateau, slow decrease or validation plateau is raised on it.
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import json
import math
from array import array
from pathlib import Path

import pytest
from conftest import run_cli
from test_detect_corpus import corpus_runs, manifest

from troubleshoot.detect import DEFAULT, detect
from troubleshoot.detect.classes import _only_integer
from troubleshoot.facts import ContextFact, Origin, Phrase
from troubleshoot.read import read_inputs
from troubleshoot.read.model import RunData
from troubleshoot.render.i18n import say

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
CAFFENET = Path(__file__).parent / "fixtures" / "caffenet-benchmark"
NO_GUARD = dataclasses.replace(DEFAULT, converged_chance_frac=0.0, converged_start_frac=0.0)
SHAPES_OF_A_STUCK_RUN = {"loss-plateau", "loss-slow-decrease", "val-loss-plateau"}


def inferred(run: RunData, given: dict[str, object] | None = None) -> ContextFact | None:
    facts = detect(run, given).facts
    found = [f for f in facts if isinstance(f, ContextFact) and f.key == "num_classes"]
    return found[0] if found and found[0].provenance.note else None


def test_the_first_losses_at_ln_10_give_ten_classes_and_say_so():
    (run,) = read_inputs([CORPUS / "sigmoid-deep-text.log"])
    assert "num_classes" not in run.context
    detection = detect(run)
    assert "acc-at-chance" in detection.symptoms
    fact = inferred(run)
    assert fact is not None and fact.value == 10
    assert fact.provenance.origin is Origin.DETECTED
    assert isinstance(fact.provenance.note, Phrase) and fact.provenance.note.key == "note_inferred"
    (evidence,) = fact.provenance.evidence
    assert (evidence.series, evidence.line) == ("train/loss", 1)
    assert isinstance(evidence.detail, Phrase) and evidence.detail.key == "ev_classes_from_loss"
    assert "ln 10 = 2.303" in say(evidence.detail, "en")
    assert "ln 10 = 2.303" in say(evidence.detail, "zh")
    assert "未给出类别数" in say(fact.provenance.note, "zh")


def test_an_accuracy_stuck_at_one_tenth_with_the_loss_near_ln_10_gives_ten_classes():
    """Shuffled labels: training memorises (train accuracy 1), validation stays at 0.09-0.13.
    The accuracy alone fits 8, 9 or 10 classes; the initial loss 2.33 picks 10."""
    (run,) = read_inputs([CORPUS / "shuffled-labels-lightning.csv"])
    fact = inferred(run)
    assert fact is not None and fact.value == 10
    keys = [e.detail.key for e in fact.provenance.evidence if isinstance(e.detail, Phrase)]
    assert keys == ["ev_classes_from_acc", "ev_classes_loss_agrees"]
    assert "acc-at-chance" in detect(run).symptoms


def test_a_stated_class_count_wins_over_what_the_run_suggests():
    (run,) = read_inputs([CORPUS / "sigmoid-deep-text.log"])
    assert inferred(run, {"num_classes": 100}) is None
    # At 1/10 accuracy a 100-class run is well above chance.
    assert "acc-at-chance" not in detect(run, {"num_classes": 100}).symptoms


@pytest.mark.parametrize("name", sorted(manifest()))
def test_a_class_count_read_off_a_corpus_run_is_its_true_one(name):
    """Healthy runs have fallen below ln 10 by their first display and infer nothing; where
    a count is inferred it is the manifest's."""
    for run in corpus_runs(name):
        fact = inferred(run)
        if fact is not None:
            assert fact.value == manifest()[name]["context"]["num_classes"]
        if manifest()[name]["healthy"]:
            assert fact is None


def test_a_large_class_count_is_not_read_off_the_loss():
    """ln 1000 and ln 1001 differ by 0.001: the loss cannot tell them apart."""
    assert _only_integer(math.log(1000), DEFAULT.classes_loss_tol) is None
    assert _only_integer(math.log(10) + 0.01, DEFAULT.classes_loss_tol) == 10
    assert _only_integer(math.log(2), DEFAULT.classes_loss_tol) == 2
    assert _only_integer(0.2, DEFAULT.classes_loss_tol) is None  # below ln 2


def test_a_many_class_run_stuck_at_twenty_percent_is_not_taken_for_five_classes(tmp_path):
    """Accuracy at 0.2 throughout fits 1/5, but the loss starts at ln 100, not ln 5."""
    rows = ["epoch,train_loss,val_acc"]
    rows += [f"{e},{4.6 - 0.05 * e:.4f},{0.2 + 0.004 * (-1) ** e:.4f}" for e in range(12)]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(rows) + "\n")
    (run,) = read_inputs([path])
    assert inferred(run) is None
    assert "acc-at-chance" not in detect(run).symptoms


# ---------------------------------------------------------------- convergence


def from_step(run: RunData, share: float) -> RunData:
    """The run from ``share`` of its steps on, counted from there: how a fine-tune or a
    resumed job looks, starting well below chance."""
    out = copy.deepcopy(run)
    top = max(max(s.steps) for s in out.series.values() if len(s))
    for series in out.series.values():
        kept = [
            (step - share * top, value, line)
            for step, value, line in zip(series.steps, series.values, series.lines, strict=True)
            if step >= share * top
        ]
        series.steps = array("d", [k[0] for k in kept])
        series.values = array("d", [k[1] for k in kept])
        series.lines = array("I", [k[2] for k in kept])
    return out


HEALTHY = sorted(n for n, m in manifest().items() if m["healthy"] and "context" in m)


@pytest.mark.parametrize("share", [0.2, 0.4])
@pytest.mark.parametrize("name", HEALTHY)
def test_a_healthy_run_that_starts_low_and_levels_off_has_converged(name, share):
    for run in corpus_runs(name):
        if not any(len(s) for s in run.series.values()):
            continue
        found = set(detect(from_step(run, share), manifest()[name]["context"]).symptoms)
        assert not found & SHAPES_OF_A_STUCK_RUN


def test_what_tells_a_converged_run_from_a_slow_one_is_its_level_against_chance():
    """healthy-1 from a fifth of its steps on: the loss falls 0.40 -> 0.25, slowly and then
    level, but ln 10 = 2.30 is nine times higher."""
    (run,) = corpus_runs("healthy-1-keras-csv")
    late = from_step(run, 0.2)
    given = {"num_classes": 10}
    assert not set(detect(late, given).symptoms) & SHAPES_OF_A_STUCK_RUN
    assert {"loss-plateau", "loss-slow-decrease"} <= set(
        detect(late, given, thresholds=NO_GUARD).symptoms
    )


def converging_run(tmp_path: Path, val_floor: float) -> RunData:
    """Validation loss settles at ``val_floor`` after ten epochs; training keeps falling to
    0.12 for thirty."""
    rows = ["epoch,train_loss,val_loss"]
    for e in range(30):
        train = 0.10 + 2.2 * math.exp(-e / 6)
        val = val_floor + (2.30 - val_floor) * math.exp(-e / 1.5) + 0.004 * (-1) ** e
        rows.append(f"{e},{train:.4f},{val:.4f}")
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(rows) + "\n")
    (run,) = read_inputs([path])
    return run


def test_a_validation_loss_that_levels_off_near_training_far_below_its_start_has_converged(
    tmp_path,
):
    run = converging_run(tmp_path, 0.15)
    for given in (None, {"num_classes": 10}):
        assert "val-loss-plateau" not in detect(run, given).symptoms
        assert "val-loss-plateau" in detect(run, given, thresholds=NO_GUARD).symptoms


def test_a_validation_loss_far_above_training_is_a_plateau_however_low(tmp_path):
    """0.5 is a fifth of ln 10, but four times the training loss: fitting more no longer
    generalises."""
    run = converging_run(tmp_path, 0.5)
    assert "val-loss-plateau" in detect(run, {"num_classes": 10}).symptoms


def test_a_caffe_net_definition_gives_its_class_count_with_the_line_that_states_it():
    """A real Caffe ImageNet run stuck at chance: the log prints the net, whose last
    InnerProduct before the loss (fc8) has num_output 1000."""
    name = "solvers__bad__caffenet_lsuv_adam_lr001_09_0999.prototxt_2016-01-24-12-40_"
    path = CAFFENET / f"{name}1453632014048021312.log.gz"
    (run,) = read_inputs([path])
    facts = detect(run).facts
    (fact,) = [f for f in facts if isinstance(f, ContextFact) and f.key == "num_classes"]
    assert fact.value == 1000
    assert isinstance(fact.provenance.note, Phrase)
    assert fact.provenance.note.key == "note_from_definition"
    (evidence,) = fact.provenance.evidence
    assert isinstance(evidence.detail, Phrase)
    assert dict(evidence.detail.values) == {"layer": "fc8", "n": 1000}
    with gzip.open(path, "rt") as log:
        stated = log.read().splitlines()[evidence.line - 1]
    assert stated.strip() == "num_output: 1000"
    assert "layer fc8" in say(evidence.detail, "en") and "层 fc8" in say(evidence.detail, "zh")
    (at_chance,) = [f for f in facts if getattr(f, "id", "") == "acc-at-chance"]
    assert dict(at_chance.provenance.evidence[0].detail.values)["n"] == 1000


def test_a_pasted_loss_at_ln_k_to_the_digit_is_read_as_k_classes(tmp_path):
    """Six displays of 2.3026 and nothing else: ten classes at chance, said with evidence;
    a loss near but not at ln 10 (2.31) says nothing about classes."""
    stuck = tmp_path / "stuck.txt"
    stuck.write_text("".join(f"epoch {e} train loss 2.3026\n" for e in range(1, 7)))
    near = tmp_path / "near.txt"
    near.write_text("".join(f"epoch {e} train loss 2.31\n" for e in range(1, 7)))
    done = run_cli("diagnose", str(stuck), "--format", "json")
    report = json.loads(done.stdout)
    assert "loss-flat-from-start" in {s["id"] for s in report["symptoms"]}
    assert {"key": "num_classes", "value": 10} in [
        {"key": c["key"], "value": c["value"]} for c in report["context"]
    ]
    report = json.loads(run_cli("diagnose", str(near), "--format", "json").stdout)
    assert "num_classes" not in {c["key"] for c in report["context"]}
