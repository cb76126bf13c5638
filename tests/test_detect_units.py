"""Each detector on real training series: its threshold decides, just either side of it.

Every boundary below was measured on the corpus run named (benchmarks/make_corpus.py):
with the threshold set 1% past the run's own value on one side the symptom is found, on
the other side it is not. Together they pin each documented threshold to real data.
"""

from __future__ import annotations

import dataclasses

import pytest
from test_detect_corpus import corpus_run

from troubleshoot.detect import DEFAULT, detect
from troubleshoot.detect.curves import curve_of
from troubleshoot.facts import ContextFact, Origin, SymptomFact
from troubleshoot.read.model import LogEvent, RunData, Series

# (corpus run, symptom, threshold, value measured on the run, found when the threshold is
# below that value)
BOUNDARIES = [
    ("nan-sample-sudden-lightning", "loss-nan-sudden", "nan_sudden_max_rise", 1.0, False),
    ("nan-sample-sudden-lightning", "loss-nan-sudden", "nan_sudden_min_history", 22.5, True),
    ("nan-sample-periodic-text", "loss-nan-periodic", "periodic_min_episodes", 10.5, True),
    ("caffe-softmax-87-text", "loss-87-3365", "loss_87_min_count", 47.5, True),
    ("unnormalised-input-text", "loss-huge-initial", "huge_initial_factor", 50.3755, True),
    ("lr-high-regression-oscillating-jsonl", "loss-diverging", "diverge_factor", 2.6352, True),
    ("slow-sgd-keras", "loss-flat-from-start", "flat_min_fall", 0.05468, False),
    ("slow-sgd-keras", "loss-slow-decrease", "high_loss_frac", 0.92653, True),
    ("linear-underfit-jsonl", "loss-plateau", "plateau_flat", 0.0067629, False),
    ("small-init-deep-lightning", "loss-plateau-then-drop", "ptd_min_drop", 0.15679, True),
    ("label-leak-lightning", "loss-near-zero", "near_zero_within", 0.16667, False),
    ("lr-high-regression-oscillating-jsonl", "loss-oscillating", "osc_swing", 0.24213, True),
    ("spiky-batches-text", "loss-spikes", "spike_min_rise", 1.54383, True),
    ("lr-zero-after-keras", "metrics-constant-after-step", "const_min_points", 9.5, True),
    ("overfit-tiny-data-keras", "overfitting", "overfit_rise", 0.39432, True),
    ("noisy-labels-val-plateau-jsonl", "val-loss-plateau", "val_plateau_train_fall", 0.4479, True),
    ("val-shift-text", "val-acc-up-val-loss-up", "val_acc_min_gain", 0.128, True),
    ("overfit-val-acc-up-jsonl", "val-acc-up-val-loss-up", "val_acc_min_gain", 0.043, True),
    ("shuffled-labels-lightning", "val-far-below-train", "far_val_share", 0.023333, False),
    ("test-shift-jsonl", "val-much-better-than-test", "val_test_acc_gap", 0.215, True),
    ("linear-underfit-jsonl", "underfitting", "low_acc_gain", 0.298735, False),
    ("linear-underfit-jsonl", "acc-low-plateau", "acc_plateau_flat", 0.0010000169, False),
    ("shuffled-labels-lightning", "acc-at-chance", "at_chance_rel", 0.21, False),
    ("small-init-deep-lightning", "acc-jump", "jump_min_rise", 0.102455, True),
    ("sigmoid-deep-text", "grad-vanishing", "grad_vanish_ratio", 7.8203e-12, False),
    ("unnormalised-input-text", "grad-exploding", "grad_explode_abs", 810.773, True),
    ("healthy-7-jsonl", "dead-relu", "dead_relu_frac", 0.446411, True),
    ("unnormalised-input-text", "logits-huge", "logits_huge", 186.141, True),
    ("vae-kl-sign-jsonl", "kl-negative", "kl_negative_tol", 4274.208, True),
]


def _at(field: str, value: float):
    kind = type(getattr(DEFAULT, field))
    return dataclasses.replace(DEFAULT, **{field: kind(value)})


@pytest.mark.parametrize(("run", "symptom", "field", "measured", "below"), BOUNDARIES)
def test_threshold_decides_just_either_side(run, symptom, field, measured, below):
    data = corpus_run(run)
    integer = isinstance(getattr(DEFAULT, field), int)
    under, over = (
        (measured - 0.5, measured + 0.5) if integer else (measured * 0.99, measured * 1.01)
    )
    assert (symptom in detect(data, _at(field, under)).symptoms) is below
    assert (symptom in detect(data, _at(field, over)).symptoms) is not below


@pytest.mark.parametrize(("run", "symptom", "field", "measured", "below"), BOUNDARIES)
def test_the_default_is_on_the_documented_side(run, symptom, field, measured, below):
    expected = (getattr(DEFAULT, field) < measured) == below
    assert (symptom in detect(corpus_run(run)).symptoms) is expected


def test_detected_facts_carry_their_evidence():
    detection = detect(corpus_run("nan-sample-sudden-lightning"))
    facts = {f.id: f for f in detection.facts if isinstance(f, SymptomFact)}
    assert all(f.present and f.provenance.origin is Origin.DETECTED for f in facts.values())
    (nan,) = facts["loss-nan"].provenance.evidence
    assert (nan.series, nan.step, nan.value) == ("train/loss", 46, "nan")
    (layer,) = facts["nan-in-layer"].provenance.evidence
    assert layer.series == "fc0/weight/param-diff" and layer.step == 46


def test_grad_zero_names_every_layer_without_gradient():
    detection = detect(corpus_run("zero-init-jsonl"))
    (fact,) = [f for f in detection.facts if getattr(f, "id", "") == "grad-zero"]
    assert "fc0, fc2, fc4" in fact.provenance.evidence[0].detail


def test_resumed_run_keeps_the_later_points():
    run = corpus_run("healthy-8-text")
    curve, resumes = curve_of(run.series["train/loss"], DEFAULT.max_resumes)
    assert resumes == 1 and all(b > a for a, b in zip(curve.steps, curve.steps[1:], strict=False))
    detection = detect(run)
    assert detection.symptoms == []
    assert any("treated as resumed runs" in w for w in detection.warnings)


def test_steps_that_restart_every_epoch_are_read_in_file_order():
    series = Series("train/loss")
    for epoch in range(6):
        for batch in range(5):
            series.append(batch, 2.3 - 0.05 * (5 * epoch + batch))
    curve, resumes = curve_of(series, DEFAULT.max_resumes)
    assert resumes == 0 and list(curve.steps) == list(range(30))


def _slice(name: str, series: str, stop: int) -> RunData:
    run = corpus_run(name)
    short = RunData(source=run.source, format=run.format, context=run.context)
    source = run.series[series]
    for step, value in list(zip(source.steps, source.values, strict=True))[:stop]:
        short.get(series).append(step, value)
    return short


def test_short_series_raise_no_shape_alarm_but_say_why():
    detection = detect(_slice("sigmoid-deep-text", "train/loss", DEFAULT.min_points - 1))
    assert detection.symptoms == []
    assert any("loss-shape checks need" in w for w in detection.warnings)


def test_an_excerpt_from_late_in_a_run_is_not_judged_from_the_start():
    run = corpus_run("sigmoid-deep-text")
    late = RunData(source="late", format="corpus", context=run.context)
    loss = run.series["train/loss"]
    for step, value in list(zip(loss.steps, loss.values, strict=True))[20:]:
        late.get("train/loss").append(step, value)
    assert "loss-flat-from-start" in detect(run).symptoms
    assert "loss-flat-from-start" not in detect(late).symptoms


def test_negative_losses_skip_shape_checks():
    detection = detect(corpus_run("vae-kl-sign-jsonl"))
    assert detection.symptoms == ["kl-negative"]
    assert any("negative values" in w for w in detection.warnings)


def test_test_series_counts_as_validation_when_there_is_no_other():
    run = corpus_run("overfit-tiny-data-keras")
    renamed = RunData(source="caffe-like", format="corpus", context=run.context)
    for name, series in run.series.items():
        renamed.series[name.replace("val/", "test/")] = series
    assert "overfitting" in detect(renamed).symptoms


def test_log_events_become_error_symptoms_with_their_line():
    text = "RuntimeError: CUDA out of memory. Tried to allocate 100.00 MiB (GPU 0; 12.00 GiB total"
    run = RunData(source="pytorch-oom-01.log", format="text")
    run.events += [LogEvent("error-cuda-oom", 20, text), LogEvent("not-a-symptom", 3, "x")]
    (fact,) = detect(run).facts
    assert fact.id == "error-cuda-oom"
    assert fact.provenance.evidence[0].line == 20


def test_context_is_passed_on_as_detected_facts():
    run = corpus_run("healthy-0-text")
    run.context.update({"framework": "pytorch", "batch_size": 64})
    context = {f.key: f for f in detect(run).facts if isinstance(f, ContextFact)}
    assert context["num_classes"].value == 10 and context["batch_size"].value == 64
    assert context["framework"].provenance.origin is Origin.DETECTED


def test_without_a_class_count_low_accuracy_is_not_judged():
    run = corpus_run("linear-underfit-jsonl")
    run.context.clear()
    assert not {"acc-low-plateau", "underfitting"} & set(detect(run).symptoms)


def test_thresholds_are_frozen_and_overridable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.min_points = 3  # type: ignore[misc]
    assert dataclasses.replace(DEFAULT, min_points=3).min_points == 3
