"""PyTorch's binary cross-entropy given a value outside [0, 1] (CPU check on the input or the
target, CUDA kernel assertion) reads as error-bce-out-of-range and leads, through the real
command, to the lesson that says to feed logits to BCEWithLogitsLoss and scale the targets; the
GPU's trailing 'device-side assert triggered' must not hand the lead to the label lesson."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

SYMPTOM, LESSON = "error-bce-out-of-range", "bce-needs-probabilities"
ROERICH = TESTS / "fixtures" / "reallogs" / "pytorch-bce-range-01.log"  # HSE-LAMBDA/roerich#3
# Megvii-BaseDetection/YOLOX#147: the kernel assertion, once per failing thread, then the error.
KERNEL = (
    "/pytorch/aten/src/ATen/native/cuda/Loss.cu:102: operator(): block: [205,0,0], thread: "
    "[15,0,0] Assertion `input_val >= zero && input_val <= one` failed.\n"
    "/pytorch/aten/src/ATen/native/cuda/Loss.cu:102: operator(): block: [205,0,0], thread: "
    "[16,0,0] Assertion `input_val >= zero && input_val <= one` failed.\n"
    "RuntimeError: CUDA error: device-side assert triggered\n"
)
# FrancoisPorcher/awesome-ai-tutorials#3: a 0/255 mask given as the target.
TARGET = (
    "    return torch._C._nn.binary_cross_entropy(input, target, weight, reduction_enum)\n"
    "RuntimeError: all elements of target should be between 0 and 1\n"
)


def diagnosis(path: Path) -> dict:
    done = run_cli("diagnose", str(path), "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_real_traceback_names_the_symptom_the_loss_and_the_lesson() -> None:
    out = diagnosis(ROERICH)
    (symptom,) = out["symptoms"]
    (evidence,) = symptom["provenance"]["evidence"]
    assert symptom["id"] == SYMPTOM and evidence["signature"] == "pytorch-bce-input-range"
    assert evidence["line"] == 13
    context = {c["key"]: c["value"] for c in out["context"]}
    assert context == {"framework": "pytorch", "loss": "binary-cross-entropy"}
    assert [d["id"] for d in out["diagnoses"]] == [LESSON]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "BCEWithLogitsLoss, which applies the sigmoid itself"), ("zh", "由它自己做 sigmoid")],
)
def test_the_guide_gives_the_fix_in_both_languages(lang: str, words: str) -> None:
    guide = run_cli("diagnose", str(ROERICH), "--lang", lang)
    assert guide.returncode == 0, guide.stderr
    assert f"`{LESSON}`" in guide.stdout and words in guide.stdout
    assert "torch.nn.BCEWithLogitsLoss()" in guide.stdout


@pytest.mark.parametrize(
    ("text", "signature"),
    [(KERNEL, "pytorch-bce-kernel-assert"), (TARGET, "pytorch-bce-target-range")],
    ids=["cuda-assert", "target"],
)
def test_the_gpu_and_target_variants_lead_to_the_same_lesson(
    tmp_path: Path, text: str, signature: str
) -> None:
    log = tmp_path / "pasted.txt"
    log.write_text(text, encoding="utf-8")
    out = diagnosis(log)
    found = {s["id"]: s["provenance"]["evidence"][0]["signature"] for s in out["symptoms"]}
    assert found[SYMPTOM] == signature
    assert out["diagnoses"][0]["id"] == LESSON
    assert "labels-start-at-zero" not in [d["id"] for d in out["diagnoses"]]


@pytest.mark.parametrize(
    "question",
    [
        "RuntimeError: all elements of input should be between 0 and 1",
        "my BCELoss raises all elements of input should be between 0 and 1",
        "BCELoss报错输入不在0到1之间,怎么办",
    ],
    ids=["pasted", "en", "zh"],
)
def test_asking_names_the_symptom_and_the_lesson(question: str) -> None:
    done = run_cli("ask", question, "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert SYMPTOM in [s["id"] for s in out["symptoms"] if s["present"]]
    assert out["diagnoses"][0]["id"] == LESSON
