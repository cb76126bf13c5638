"""Each detector on real training series: its threshold decides, just either side of it.

Every boundary below was measured on the corpus run named (benchmarks/make_corpus.py):
with the threshold set 1% past the run's own value on one side the symptom is found, on
the other side it is not. Together they pin each documented threshold to real data. The
runs are read from the corpus files by ``read_inputs``, given the manifest's context, as
``diagnose`` would be.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO, detected_facts
from test_detect_corpus import corpus_paths, corpus_run, corpus_runs, corpus_symptoms, given

from troubleshoot.consult.gather import read_runs
from troubleshoot.detect import DEFAULT, detect
from troubleshoot.detect.curves import curve_of
from troubleshoot.facts import ContextFact, Origin, SymptomFact
from troubleshoot.lang import Lang
from troubleshoot.read.model import LogEvent, RunData, Series
from troubleshoot.render.i18n import say

# (corpus run, symptom, threshold, value measured on the run, found when the threshold is
# below that value)
BOUNDARIES = [
    ("nan-sample-sudden-lightning", "loss-nan-sudden", "nan_sudden_max_rise", 1.0, False),
    ("nan-sample-sudden-lightning", "loss-nan-sudden", "nan_sudden_min_history", 22.5, True),
    ("nan-sample-periodic-text", "loss-nan-periodic", "periodic_min_episodes", 10.5, True),
    ("caffe-softmax-87-text", "loss-87-3365", "loss_87_min_count", 47.5, True),
    ("unnormalised-input-text", "loss-huge-initial", "huge_initial_factor", 50.3755, True),
    ("lr-high-regression-oscillating-jsonl", "loss-diverging", "diverge_factor", 2.6352, True),
    ("slow-sgd-keras", "loss-flat-from-start", "flat_min_fall", 0.059889, False),
    ("slow-sgd-keras", "loss-slow-decrease", "high_loss_frac", 0.92653, True),
    ("linear-underfit-jsonl", "loss-plateau", "plateau_flat", 0.0067629, False),
    ("small-init-deep-lightning", "loss-plateau-then-drop", "ptd_min_drop", 0.15679, True),
    # its validation accuracy ends at 1.00 (all of the gain over chance): a fit the
    # validation confirms, unless the bar is set above perfect
    ("label-leak-lightning", "loss-near-zero", "converged_acc_gain", 1.0, False),
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
    ("linear-underfit-jsonl", "acc-low-plateau", "acc_plateau_rise", 0.0041842, False),
    ("linear-underfit-jsonl", "underfitting", "acc_plateau_rise", 0.0091324, False),
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
    integer = isinstance(getattr(DEFAULT, field), int)
    under, over = (
        (measured - 0.5, measured + 0.5) if integer else (measured * 0.99, measured * 1.01)
    )
    assert (symptom in corpus_symptoms(run, _at(field, under))) is below
    assert (symptom in corpus_symptoms(run, _at(field, over))) is not below


@pytest.mark.parametrize(("run", "symptom", "field", "measured", "below"), BOUNDARIES)
def test_the_default_is_on_the_documented_side(run, symptom, field, measured, below):
    expected = (getattr(DEFAULT, field) < measured) == below
    assert (symptom in corpus_symptoms(run)) is expected


def test_detected_facts_carry_their_evidence():
    name = "nan-sample-sudden-lightning"
    facts = detected_facts(corpus_paths(name), given=given(name)).symptoms
    assert all(f.present and f.provenance.origin is Origin.DETECTED for f in facts.values())
    (nan,) = facts["loss-nan"].provenance.evidence
    assert (nan.series, nan.step, nan.value) == ("train/loss", 45, "nan")  # the CSV's step
    (layer,) = facts["nan-in-layer"].provenance.evidence
    # fc0's statistics all turn NaN at once: the first one of that row is cited
    assert layer.series.startswith("fc0/weight/") and layer.step == 46 and layer.line == 112


def test_grad_zero_names_every_layer_without_gradient():
    facts = detected_facts(corpus_paths("zero-init-jsonl"), given=given("zero-init-jsonl"))
    fact = facts.symptoms["grad-zero"]
    detail = fact.provenance.evidence[0].detail
    assert detail.key == "ev_grad_zero" and "fc0, fc2, fc4" in dict(detail.values)["layers"]


def test_resumed_run_keeps_the_later_points():
    """healthy-8-text was resumed from a checkpoint two epochs back. Its text reader makes
    the restarted job a run of its own (neither raises an alarm); a reader that hands over
    both as one series gets the later points in place of the earlier ones."""
    runs = corpus_runs("healthy-8-text")
    assert len(runs) == 2 and runs[1].series["train/loss"].steps[0] == 190
    assert not {s for run in runs for s in detect(run, given("healthy-8-text")).symptoms}
    joined = RunData(source="healthy-8-text", format="text")
    for run in runs:
        for name, series in run.series.items():
            target = joined.get(name, series.unit)
            for step, value in zip(series.steps, series.values, strict=True):
                target.append(step, value)
    curve, resumes = curve_of(joined.series["train/loss"], DEFAULT.max_resumes)
    assert resumes == 1 and all(b > a for a, b in zip(curve.steps, curve.steps[1:], strict=False))
    detection = detect(joined, given("healthy-8-text"))
    assert detection.symptoms == []
    assert any("treated as resumed runs" in w for w in worded(detection.warnings))


def test_steps_that_restart_every_epoch_are_read_in_file_order():
    series = Series("train/loss")
    for epoch in range(6):
        for batch in range(5):
            series.append(batch, 2.3 - 0.05 * (5 * epoch + batch))
    curve, resumes = curve_of(series, DEFAULT.max_resumes)
    assert resumes == 0 and list(curve.steps) == list(range(30))


def _slice(name: str, series: str, stop: int) -> RunData:
    run = corpus_run(name)
    short = RunData(source=run.source, format=run.format, context=dict(run.context))
    source = run.series[series]
    for step, value in list(zip(source.steps, source.values, strict=True))[:stop]:
        short.get(series).append(step, value)
    return short


def worded(notes, lang=Lang.EN):
    """Detection's notes as the pages word them."""
    return [say(note, lang) for note in notes]


def test_short_series_raise_no_shape_alarm_but_say_why():
    short = _slice("healthy-0-text", "train/loss", DEFAULT.min_points - 1)
    detection = detect(short, given("healthy-0-text"))
    assert detection.symptoms == []
    assert any("loss-shape checks need" in w for w in worded(detection.warnings))


def test_a_short_excerpt_at_chance_is_judged_with_low_confidence():
    """The stuck sigmoid net sits at ln 10 from its first displays: seven points show it,
    and the evidence says they were only seven."""
    short = _slice("sigmoid-deep-text", "train/loss", DEFAULT.min_points - 1)
    detection = detect(short, given("sigmoid-deep-text"))
    assert detection.symptoms == ["loss-flat-from-start"]
    (fact,) = detection.facts[:1]
    (evidence,) = fact.provenance.evidence
    assert (evidence.points, evidence.confidence) == (DEFAULT.min_points - 1, "low")
    full = detect(corpus_run("sigmoid-deep-text"), given("sigmoid-deep-text"))
    marked = [e for f in full.facts for e in f.provenance.evidence if e.confidence]
    assert "loss-flat-from-start" in full.symptoms and not marked


def test_an_excerpt_from_late_in_a_run_is_not_judged_from_the_start():
    run = corpus_run("sigmoid-deep-text")
    late = RunData(source="late", format="corpus", context=run.context)
    loss = run.series["train/loss"]
    for step, value in list(zip(loss.steps, loss.values, strict=True))[20:]:
        late.get("train/loss").append(step, value)
    stated = given("sigmoid-deep-text")
    assert "loss-flat-from-start" in detect(run, stated).symptoms
    assert "loss-flat-from-start" not in detect(late, stated).symptoms


def test_negative_losses_skip_shape_checks():
    detection = detect(corpus_run("vae-kl-sign-jsonl"), given("vae-kl-sign-jsonl"))
    assert detection.symptoms == ["kl-negative"]
    assert any("negative values" in w for w in worded(detection.warnings))


def test_test_series_counts_as_validation_when_there_is_no_other():
    run = corpus_run("overfit-tiny-data-keras")
    renamed = RunData(source="caffe-like", format="corpus", context=run.context)
    for name, series in run.series.items():
        renamed.series[name.replace("val/", "test/")] = series
    assert "overfitting" in detect(renamed, given("overfit-tiny-data-keras")).symptoms


def test_log_events_become_their_signatures_facts_with_their_line():
    text = "RuntimeError: CUDA out of memory. Tried to allocate 100.00 MiB (GPU 0; 12.00 GiB total"
    run = RunData(source="pytorch-oom-01.log", format="text", context={"framework": "keras"})
    oom = LogEvent("pytorch-cuda-oom", 20, text, ("error-cuda-oom",), (("framework", "pytorch"),))
    run.events += [oom, LogEvent("no-mapping", 3, "x")]
    symptom, context = detect(run).facts
    assert isinstance(symptom, SymptomFact) and symptom.id == "error-cuda-oom"
    (evidence,) = symptom.provenance.evidence
    assert evidence.line == 20 and evidence.signature == "pytorch-cuda-oom"
    assert evidence.detail == text
    # The message's own word beats what the reader guessed from the rest of the log.
    assert isinstance(context, ContextFact) and context.value == "pytorch"
    assert context.provenance.evidence[0].line == 20


def test_context_the_run_shows_is_passed_on_as_detected_facts_and_given_context_is_not():
    run = corpus_run("healthy-0-text")
    run.context.update({"framework": "pytorch", "batch_size": 64})
    context = {
        f.key: f for f in detect(run, {"num_classes": 10}).facts if isinstance(f, ContextFact)
    }
    assert context["batch_size"].value == 64 and "num_classes" not in context
    assert context["framework"].provenance.origin is Origin.DETECTED


def test_without_a_class_count_low_accuracy_is_not_judged():
    run = corpus_run("linear-underfit-jsonl")
    assert "num_classes" not in run.context
    assert {"acc-low-plateau", "underfitting"} <= set(detect(run, {"num_classes": 10}).symptoms)
    assert not {"acc-low-plateau", "underfitting"} & set(detect(run).symptoms)


def test_given_context_fills_in_only_what_the_run_does_not_say():
    run = corpus_run("linear-underfit-jsonl")
    run.context["num_classes"] = 2  # the run says two classes: 0.6 accuracy is not low
    assert not {"acc-low-plateau", "underfitting"} & set(detect(run, {"num_classes": 10}).symptoms)


def test_thresholds_are_frozen_and_overridable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.min_points = 3  # type: ignore[misc]
    assert dataclasses.replace(DEFAULT, min_points=3).min_points == 3


def test_short_series_warning_counts_the_points_the_json_counts():
    """caffe-87.log's train/loss has 3 points (--format json says so); two are 87.3365, which
    the shape checks set aside as NaN. The warning gives the same total and what was set
    aside, not "1 finite points"."""
    (run,) = read_runs([REPO / "examples" / "caffe-87.log"], {})
    (read,) = run.inputs
    notes = worded(read.detection_warnings)
    (warning,) = [w for w in notes if "loss-shape checks need" in w]
    assert read.points["train/loss"] == 3
    assert f"train/loss has 3 points, 1 usable; loss-shape checks need {DEFAULT.min_points} (" in (
        warning
    )
    assert "2 loss value(s) at 87.3365, Caffe's NaN in disguise, left out of those checks" in notes
    assert "有 2 个 loss 值为 87.3365(Caffe 中伪装的 NaN),未参与这些检查" in worded(
        read.detection_warnings, Lang.ZH
    )


def test_resume_warning_says_how_many_points_were_replaced():
    """The series' length (what --format json counts) minus the replaced points is what the
    detectors judge, so warnings that count points add up to the JSON's count."""
    series = Series("train/loss")
    for step in [*range(0, 100, 10), *range(50, 120, 10)]:
        series.append(step, 1.0)
    run = RunData(source="resumed", format="text")
    run.series["train/loss"] = series
    (warning,) = worded(detect(run).warnings)
    assert warning.endswith("(5 of its 17 points replaced)")


def test_a_loss_that_reaches_zero_and_rises_is_judged_without_a_crash():
    """A ratio to a lowest level of 0 has no meaning: the run is judged, not divided by 0."""
    run = RunData(source="perfect-then-worse", format="text")
    series = run.get("train/loss")
    for step in range(40):
        series.append(step, max(0.0, 1.0 - step / 10) if step < 20 else (step - 19) * 0.1)
    found = detect(run).symptoms
    assert "loss-diverging" not in found
