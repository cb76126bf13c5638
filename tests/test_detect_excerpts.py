"""Short excerpts of real logs, as people paste them into a forum: 5 to 20 lines.

Each excerpt in tests/fixtures/excerpts/ is cut from a real log of tests/fixtures/ (its
manifest says which lines; the first test checks them byte for byte). A faulty excerpt must
show its symptom, marked as judged from few points; a healthy one must show nothing, except
where the manifest records a limit (then the test is an expected failure that says why).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import detected_facts, run_cli
from test_detect_corpus import corpus_runs, given

from troubleshoot.detect import DEFAULT, detect
from troubleshoot.facts import LOW, Evidence
from troubleshoot.lang import Lang
from troubleshoot.read.model import RunData
from troubleshoot.render.guide import evidence_text

FIXTURES = Path(__file__).parent / "fixtures"
EXCERPTS = FIXTURES / "excerpts"
MANIFEST = json.loads((EXCERPTS / "manifest.json").read_text(encoding="utf-8"))
FAULTY = [m for m in MANIFEST if m["expected"]]
HEALTHY = [m for m in MANIFEST if m["healthy"]]


def _source_lines(cut_from: str) -> list[bytes]:
    path = FIXTURES.parent.parent / cut_from
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.split(b"\n")


def test_every_excerpt_is_in_the_manifest():
    files = {p.name for p in EXCERPTS.iterdir()} - {"manifest.json"}
    assert files == {m["file"] for m in MANIFEST}
    assert FAULTY and HEALTHY


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda m: m["file"])
def test_each_excerpt_is_the_lines_its_manifest_names(entry):
    rows = _source_lines(entry["cut_from"])
    cut = b"".join(b"\n".join(rows[a - 1 : b]) + b"\n" for a, b in entry["lines"])
    text = (EXCERPTS / entry["file"]).read_bytes()
    assert text == cut
    assert 5 <= text.count(b"\n") <= 20


def _symptoms(entry: dict) -> dict:
    facts = detected_facts([EXCERPTS / entry["file"]], entry["given"])
    return {s.id: s for s in facts.symptoms.values() if s.present}


@pytest.mark.parametrize("entry", FAULTY, ids=lambda m: m["file"])
def test_a_faulty_excerpt_shows_its_symptom_from_few_points(entry):
    found = _symptoms(entry)
    assert set(entry["expected"]) <= set(found)
    for symptom in entry["expected"]:
        for evidence in found[symptom].provenance.evidence:
            assert evidence.confidence == LOW
            assert evidence.points is not None and evidence.points < DEFAULT.min_points


def _healthy_case(entry: dict):
    limit = entry.get("limit")
    marks = [pytest.mark.xfail(strict=True, reason=limit)] if limit else []
    return pytest.param(entry, id=entry["file"], marks=marks)


@pytest.mark.parametrize("entry", [_healthy_case(m) for m in HEALTHY])
def test_a_healthy_excerpt_shows_nothing(entry):
    assert _symptoms(entry) == {}


def test_the_at_chance_limit_is_at_least_marked_as_seen_from_few_points():
    """A healthy ImageNet run sits at ln(1000) for its first displays too: the reading is
    not hidden, it says how little it rests on."""
    (entry,) = [m for m in HEALTHY if m["file"] == "caffenet-healthy-at-chance-01.log"]
    found = _symptoms(entry)
    assert set(found) == {"loss-flat-from-start"}
    (evidence,) = found["loss-flat-from-start"].provenance.evidence
    assert (evidence.points, evidence.confidence) == (6, LOW)


def test_the_guide_words_the_confidence_in_both_languages():
    evidence = Evidence("x.log", "loss", series="train/loss", step=80, points=5, confidence=LOW)
    assert evidence_text(evidence, Lang.EN).endswith(", from 5 points only)")
    assert evidence_text(evidence, Lang.ZH).endswith(", 仅凭 5 个点)")
    assert "points only" not in evidence_text(Evidence("x.log", "loss"), Lang.EN)


def test_the_json_gives_points_and_confidence():
    result = run_cli(
        "diagnose",
        str(EXCERPTS / "caffe-growing-02.log"),
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    (symptom,) = json.loads(result.stdout)["symptoms"]
    (evidence,) = symptom["provenance"]["evidence"]
    assert symptom["id"] == "loss-diverging"
    assert (evidence["points"], evidence["confidence"]) == (5, "low")
    assert evidence["detail_key"] == "ev_growing"


def test_a_real_excerpt_with_one_evaluation_is_marked():
    """caffe-overfit-01.log is itself a 16-line excerpt: one test evaluation, at 0.7%
    accuracy with a test loss of 15.3, against a training loss of 0.0026."""
    facts = detected_facts([FIXTURES / "reallogs" / "caffe-overfit-01.log"])
    (evidence,) = facts.symptoms["val-far-below-train"].provenance.evidence
    assert (evidence.points, evidence.confidence) == (1, LOW)


def _three_evaluations(name: str, first: int) -> RunData:
    """Three evaluations of a corpus run and the training losses logged over them."""
    (run,) = corpus_runs(name)
    val, train = run.series["val/loss"], run.series["train/loss"]
    since = val.steps[first - 1] if first else float("-inf")
    until = val.steps[first + 2]
    cut = RunData(source=name, format=run.format)
    for step, value in zip(
        val.steps[first : first + 3], val.values[first : first + 3], strict=True
    ):
        cut.get("val/loss").append(step, value)
    for step, value in zip(train.steps, train.values, strict=True):
        if since < step <= until:
            cut.get("train/loss").append(step, value)
    return cut


def test_three_evaluations_rising_far_above_training_read_as_overfitting():
    """val-shift-text (overfitting is visible in it, its manifest says): validation loss
    3.68, 4.60, 4.99 over its second to fourth evaluations while the training loss is 0.45:
    overfitting, from three evaluations only."""
    detection = detect(_three_evaluations("val-shift-text", 1), given("val-shift-text"))
    (fact,) = [f for f in detection.facts if getattr(f, "id", None) == "overfitting"]
    (evidence,) = fact.provenance.evidence
    assert (evidence.points, evidence.confidence) == (3, LOW)


def test_three_evaluations_of_a_healthy_run_are_not_overfitting():
    """healthy-4-text's validation loss rises 0.369 -> 0.380 -> 0.396 late in the run,
    while its training loss stays at 0.7 of it: noise, not overfitting."""
    late = _three_evaluations("healthy-4-text", 5)
    assert list(late.series["val/loss"].values) == pytest.approx([0.369, 0.380, 0.396], abs=1e-3)
    assert "overfitting" not in detect(late, given("healthy-4-text")).symptoms


def test_one_point_is_said_in_the_singular():
    log = Path(__file__).parent / "fixtures" / "reallogs" / "caffe-overfit-01.log"
    done = run_cli("diagnose", str(log))
    assert "from one point only" in done.stdout and "from 1 points" not in done.stdout


def test_one_pasted_line_far_apart_reads_as_overfitting(tmp_path):
    """A single Keras epoch: training loss 0.0312 against validation loss 2.841, too few
    points to see a rise but a model fitting its training data far better than new data."""
    log = tmp_path / "epoch.log"
    log.write_text(
        "Epoch 30/30\n63/63 [==============================] - 2s 30ms/step - loss: 0.0312 - "
        "accuracy: 0.9921 - val_loss: 2.8410 - val_accuracy: 0.4125\n"
    )
    (evidence,) = detected_facts([log]).symptoms["overfitting"].provenance.evidence
    assert (evidence.series, evidence.value, evidence.line) == ("val/loss", 2.841, 2)
    assert (evidence.points, evidence.confidence) == (1, LOW)


def test_one_pasted_line_of_a_healthy_run_is_not_overfitting(tmp_path):
    log = tmp_path / "epoch.log"
    log.write_text(
        "Epoch 12/30\n63/63 [==============================] - 2s 30ms/step - loss: 0.3100 - "
        "accuracy: 0.8921 - val_loss: 0.3521 - val_accuracy: 0.8712\n"
    )
    assert "overfitting" not in detected_facts([log]).symptoms
