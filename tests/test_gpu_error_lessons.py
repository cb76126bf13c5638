"""A pasted log that ends in a real GPU-side error message (copied from the error catalogue's
examples) gets the lesson that explains it among the first causes, with its first check; the
same holds for AMD GPUs, whose ROCm stack words the fault its own way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

TRAINING = "epoch 3 step 1200 loss 0.8312\nepoch 3 step 1300 loss 0.8127\n"
TRACEBACK = 'Traceback (most recent call last):\n  File "train.py", line 88, in <module>\n'
ROCM_FAULT = TESTS / "fixtures" / "reallogs" / "rocm-memory-fault-01.log"

CASES = [
    pytest.param(
        "    loss.backward()\nRuntimeError: CUDA error: an illegal memory access was encountered",
        "gpu-illegal-access",
        "CUDA_LAUNCH_BLOCKING=1",
        id="illegal-access",
    ),
    pytest.param(  # PyTorch built for ROCm, as in ROCm/legacy-rocm-build#5742
        "    r.copy_(weight, non_blocking=non_blocking)\ntorch.AcceleratorError: HIP error: an "
        "illegal memory access was encountered\nSearch for `hipErrorIllegalAddress' in "
        "https://rocm.docs.amd.com/projects/HIP/en/latest/index.html for more information.",
        "gpu-illegal-access",
        "AMD_SERIALIZE_KERNEL=3",
        id="hip-illegal-access",
    ),
    pytest.param(
        "    model.cuda()\nRuntimeError: cuda runtime error (35) : CUDA driver version is "
        "insufficient for CUDA runtime version at /opt/conda/conda-bld/pytorch_1524586445097"
        "/work/aten/src/THC/THCGeneral.cpp:70",
        "cuda-driver-mismatch",
        "torch.version.cuda",
        id="driver-insufficient",
    ),
    pytest.param(
        "    out = self.fc(x)\nRuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when "
        "calling `cublasSgemm( handle, opa, opb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc)`",
        "cudnn-cublas-failure",
        "memory.used",
        id="cublas",
    ),
    pytest.param(
        "    dist.all_reduce(t)\ntorch.distributed.DistBackendError: NCCL error in: "
        "../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1333, unhandled system error "
        "(run with NCCL_DEBUG=INFO for details), NCCL version 2.18.1",
        "nccl-failure",
        "NCCL_DEBUG=INFO",
        id="nccl",
    ),
]


@pytest.mark.parametrize(("message", "lesson", "check"), CASES)
def test_a_pasted_log_gets_the_lesson_in_the_top_three(
    tmp_path: Path, message: str, lesson: str, check: str
) -> None:
    log = tmp_path / "train.log"
    log.write_text(TRAINING + TRACEBACK + message + "\n", encoding="utf-8")
    done = run_cli("diagnose", str(log), "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    top = [d["id"] for d in json.loads(done.stdout)["diagnoses"][:3]]
    assert lesson in top, top
    guide = run_cli("diagnose", str(log))
    assert guide.returncode == 0, guide.stderr
    assert f"`{lesson}`" in guide.stdout
    assert check in guide.stdout


def test_a_stated_nccl_error_gets_its_lesson_in_chinese_too() -> None:
    done = run_cli("diagnose", "-s", "error-nccl", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "`nccl-failure`" in done.stdout
    assert "共享内存" in done.stdout and "NCCL_DEBUG=INFO" in done.stdout


def test_rocm_s_memory_fault_reads_as_the_gpu_fault_with_rocm_s_switch() -> None:
    """pytorch/pytorch#109929: ROCm's runtime prints its fault line and aborts, no traceback."""
    done = run_cli("diagnose", str(ROCM_FAULT), "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    (symptom,) = out["symptoms"]
    (evidence,) = symptom["provenance"]["evidence"]
    assert symptom["id"] == "error-gpu-fault"
    assert evidence["signature"] == "rocm-memory-access-fault"
    assert out["diagnoses"][0]["id"] == "gpu-illegal-access"
    for lang, word in (("en", "AMD GPU"), ("zh", "AMD GPU(ROCm)上改设")):
        guide = run_cli("diagnose", str(ROCM_FAULT), "--lang", lang)
        assert guide.returncode == 0, guide.stderr
        assert "AMD_SERIALIZE_KERNEL=3 python -X faulthandler" in guide.stdout
        assert word in guide.stdout


@pytest.mark.parametrize(
    "question",
    [
        ROCM_FAULT.read_text(encoding="utf-8"),
        "my ROCm training aborts with Memory access fault by GPU node-2",
        "AMD显卡训练时报Memory access fault,然后core dumped",
    ],
    ids=["pasted", "en", "zh"],
)
def test_asking_about_rocm_s_memory_fault_names_the_symptom_and_lesson(question: str) -> None:
    done = run_cli("ask", question, "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert "error-gpu-fault" in [s["id"] for s in out["symptoms"] if s["present"]]
    assert out["diagnoses"][0]["id"] == "gpu-illegal-access"
