"""Corrections to lessons that were wrong (issue 10, "Guides that are right"), pinned so they
cannot come back.

Each test checks one corrected claim: a number a lesson states is recomputed, a ranking is
diagnosed, shipped code is run on stand-ins, and wording that misled is checked to be gone.
The facts were checked against the frameworks' own sources, cited in the lessons: Caffe's
softmax_layer.cpp and softmax_loss_layer.cpp, PyTorch's notes/faq.rst and notes/cuda.rst,
the Keras transfer-learning guide, and TensorFlow's clip_ops.py.
"""

from __future__ import annotations

import ast
import re
import sys
import types

import numpy as np
import pytest

from troubleshoot.engine.diagnose import diagnose
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.schema import Lesson, Step
from troubleshoot.knowledge.vocab import build_facts

KB = cached_kb()
CORRECTED = [
    "softmax-overflow-87",
    "nan-bad-input",
    "nan-exploding-gradient",
    "cuda-oom-stale-process",
    "framework-port-diff",
    "gradient-clipping",
]
FLT_MIN = np.finfo(np.float32).tiny


def lesson(lesson_id: str) -> Lesson:
    return KB.lessons[lesson_id]


def ranked(symptoms: list[str], context: dict[str, object] | None = None) -> list[str]:
    return [d.id for d in diagnose(build_facts(KB, symptoms, context), KB).diagnoses]


def snippets(x: Lesson) -> list[Step]:
    return [*x.steps, *([x.confirm] if x.confirm else [])]


def step_saying(x: Lesson, words: str) -> Step:
    (step,) = [s for s in x.steps if words in s.text.en]
    return step


# ---------------------------------------------------------------- 87.3365


def caffe_softmax_loss(logits: np.ndarray, label: int) -> float:
    """Caffe's SoftmaxWithLoss for one sample, in float32 as Caffe computes it."""
    z = logits.astype(np.float32)
    e = np.exp(z - z.max())  # Softmax subtracts the largest input first
    p = e / e.sum()
    return float(-np.log(max(p[label], FLT_MIN)))


def stable_cross_entropy(logits: np.ndarray, label: int) -> float:
    """What PyTorch's cross_entropy and Keras with from_logits=True compute: log-softmax."""
    z = logits.astype(np.float64)
    return float(np.log(np.exp(z - z.max()).sum()) + z.max() - z[label])


@pytest.mark.parametrize("gap", [5.0, 50.0, 86.0, 88.0, 200.0, 5000.0])
def test_caffe_reports_the_logit_gap_capped_at_87_3365_and_stable_losses_the_gap(gap):
    logits = np.array([0.0, -gap, -gap / 2])  # the true class (1) lies `gap` below the top
    stable = stable_cross_entropy(logits, 1)
    assert gap <= stable <= gap + np.log(len(logits))  # "about the logit gap", finite
    assert caffe_softmax_loss(logits, 1) == pytest.approx(min(stable, 87.3365), abs=1e-3)


def test_caffe_gpu_clamp_turns_a_nan_probability_into_87_3365():
    """The .cu kernel clamps with CUDA's max (fmaxf: a NaN argument yields the other one), the
    CPU code with std::max (a NaN first argument is returned)."""
    nan = np.float32(np.nan)
    assert round(float(-np.log(np.fmax(nan, FLT_MIN))), 4) == 87.3365  # GPU

    def std_max(a: np.float32, b: np.float32) -> np.float32:
        return b if a < b else a

    assert np.isnan(-np.log(std_max(nan, FLT_MIN)))  # CPU
    x = lesson("softmax-overflow-87")
    assert "NaN" in x.explanation.en and "GPU" in x.explanation.en and "CPU" in x.explanation.en


def test_softmax_lesson_says_underflow_not_overflow():
    x = lesson("softmax-overflow-87")
    assert round(float(-np.log(FLT_MIN)), 4) == 87.3365
    assert "overflow" not in x.title.en.lower() and "溢出" not in x.title.zh
    assert "underflow" in x.title.en and "下溢" in x.title.zh
    assert "subtracts" in x.explanation.en and "never overflows" in x.explanation.en
    assert "减去" in x.explanation.zh and "不会溢出" in x.explanation.zh
    assert "caffe-softmax-source" in {c.ref() for c in x.sources}


def test_softmax_caveat_says_stable_losses_report_a_large_finite_loss():
    caveat = lesson("softmax-overflow-87").caveats
    assert caveat is not None
    assert "large finite loss" in caveat.en and "logit gap" in caveat.en
    assert "NaN or inf rather than 87.3365" not in caveat.en
    assert "有限" in caveat.zh and "表现为 NaN 或 inf" not in caveat.zh
    # The numbers it quotes: float16's largest value and -ln of Keras's default epsilon 1e-7.
    assert "65504" in caveat.en and "65504" in caveat.zh
    assert float(np.finfo(np.float16).max) == 65504
    assert "16.12" in caveat.en and "16.12" in caveat.zh
    assert round(float(-np.log(1e-7)), 2) == 16.12


def test_huge_logits_and_nan_rank_softmax_first_only_outside_stable_frameworks():
    for framework in ("pytorch", "tensorflow", "keras"):
        order = ranked(["loss-nan", "logits-huge"], {"framework": framework})
        assert order[:1] != ["softmax-overflow-87"], framework
    assert ranked(["loss-nan", "logits-huge"], {"framework": "caffe"})[0] == "softmax-overflow-87"


def test_softmax_bn_step_gives_the_keras_guidance_with_its_citation():
    step = step_saying(lesson("softmax-overflow-87"), "BatchNorm")
    assert "keras-transfer-learning" in {c.ref() for c in step.cite}
    assert "inference mode" in step.text.en and "推理模式" in step.text.zh
    assert "bn-use-global-stats" in step.text.en and "bn-use-global-stats" in step.text.zh
    assert "training=False" in step.code["keras"]


# ---------------------------------------------------------------- article 002, Caffe section


def test_bare_87_3365_puts_label_and_rate_lessons_beside_softmax():
    order = ranked(["loss-87-3365"])
    assert order[0] == "softmax-overflow-87"
    assert set(order[1:3]) == {"labels-start-at-zero", "lr-too-large"}


@pytest.mark.parametrize(
    "lesson_id",
    [
        "softmax-overflow-87",
        "labels-start-at-zero",
        "lr-too-large",
        "nan-exploding-gradient",
        "nan-faulty-loss",
        "nan-bad-input",
        "caffe-pool-stride-gt-kernel",
    ],
)
def test_article_002_caffe_section_is_cited_where_it_applies(lesson_id):
    assert "002 caffe.1" in {c.ref() for c in lesson(lesson_id).sources}


# ---------------------------------------------------------------- NaN lessons


def test_bad_input_says_a_periodic_nan_needs_skipped_steps_or_restarts():
    x = lesson("nan-bad-input")
    for text in (x.summary.en, x.explanation.en):
        assert "skipped" in text and "checkpoint" in text
    assert "GradScaler" in x.explanation.en and "LossScaleOptimizer" in x.explanation.en
    assert "GradScaler" in x.explanation.zh and "检查点" in x.explanation.zh
    assert "failure is periodic" not in x.explanation.en
    periodic = next(r for r in x.rules if r.id == "nan-at-same-point")
    assert "skipped" in periodic.because.en and "跳过" in periodic.because.zh


def test_exploding_gradient_zh_speaks_of_loss_weight_not_layer_weights():
    x = lesson("nan-exploding-gradient")
    zh = [x.summary.zh, x.explanation.zh, *(s.text.zh for s in x.steps)]
    assert not any("那一层的权重" in t or "降低它的权重" in t for t in zh)
    assert "loss_weight" in x.summary.zh and "loss_weight" in x.summary.en
    assert "loss_weight" in step_saying(x, "several losses").text.zh


# ---------------------------------------------------------------- CUDA out of memory

SHELL_LINE = re.compile(
    r"^\s*(sudo\s+)?(nvidia-smi|kill|pkill|ps|watch|fuser|lsof|export)\b|^\s*[A-Z_]+=\S+\s+\S",
    re.M,
)


def test_shell_commands_sit_under_shell_in_every_lesson():
    misplaced = [
        (x.id, i, key)
        for x in KB.lessons.values()
        for i, step in enumerate(snippets(x))
        for key, code in step.code.items()
        if key != "shell" and SHELL_LINE.search(code)
    ]
    assert misplaced == []


def test_caffe_only_commands_are_not_shown_to_every_framework():
    """``shell`` is shown whatever the framework; a command that reads a Caffe log or a
    prototxt belongs under ``caffe``, where only Caffe users see it."""
    misplaced = [
        (x.id, i)
        for x in KB.lessons.values()
        for i, step in enumerate(snippets(x))
        if re.search(r"caffe|prototxt|debug_info", step.code.get("shell", ""), re.I)
    ]
    assert misplaced == []


def test_oom_memory_growth_is_not_offered_as_a_smaller_batch():
    x = lesson("cuda-oom-stale-process")
    for step in x.steps:
        if "set_memory_growth" in "".join(step.code.values()):
            assert "batch" not in step.text.en and "share" in step.text.en


def test_oom_lists_pytorch_own_causes_with_their_sources():
    x = lesson("cuda-oom-stale-process")
    loop = step_saying(x, "loss.item()")
    assert "total += loss " in loop.wrong["pytorch"] and "loss.item()" in loop.code["pytorch"]
    assert "inference_mode" in loop.code["pytorch"]
    assert "pytorch-faq" in {c.ref() for c in loop.cite}
    summary = step_saying(x, "memory_summary")
    assert "expandable_segments:True" in summary.code["shell"]
    assert "pytorch-cuda-memory" in {c.ref() for c in summary.cite}
    assert "PID namespace" in x.explanation.en and "PID 命名空间" in x.explanation.zh
    assert "gives its GPU memory back" in x.explanation.en and "has not exited" in x.explanation.en
    assert "nvidia-docker-179" in {c.ref() for c in step_saying(x, "nvidia-smi").cite}


# ---------------------------------------------------------------- porting between frameworks


def _names_in(code: str) -> dict[str, object]:
    """Definitions and imports of a snippet, without the statements that need a real model."""
    tree = ast.parse(code)
    tree.body = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.Import)]
    names: dict[str, object] = {}
    exec(compile(tree, "<snippet>", "exec"), names)
    return names


class FakeTensor:
    """Stands in for torch.Tensor: records whether it was copied."""

    def __init__(self, copied: bool = False) -> None:
        self.copied = copied

    def detach(self) -> FakeTensor:
        return self

    def float(self) -> FakeTensor:
        return self

    def clone(self) -> FakeTensor:
        return FakeTensor(copied=True)


def test_port_hook_records_every_tensor_of_a_tuple_output_as_a_copy(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(Tensor=FakeTensor))
    step = step_saying(lesson("framework-port-diff"), "Put both models in inference mode")
    names = _names_in(step.code["pytorch"])
    names["outputs"] = {}
    lstm_output = (FakeTensor(), (FakeTensor(), FakeTensor()))  # output, (h, c)
    names["keep"]("lstm")(None, (), lstm_output)
    names["keep"]("fc")(None, (), FakeTensor())
    recorded = names["outputs"]
    assert sorted(recorded) == ["fc[0]", "lstm[0]", "lstm[1]", "lstm[2]"]
    assert all(t.copied for t in recorded.values())


def test_port_caffe_rewrite_gives_in_place_layers_their_own_tops(monkeypatch):
    """conv1 -> BatchNorm, Scale, ReLU all in place -> pool1: after the rewrite the conv1 blob
    keeps the convolution's output and each in-place layer writes a blob of its own."""
    spec = [
        ("conv1", ["data"], ["conv1"]),
        ("bn1", ["conv1"], ["conv1"]),
        ("scale1", ["conv1"], ["conv1"]),
        ("relu1", ["conv1"], ["conv1"]),
        ("pool1", ["conv1"], ["pool1"]),
    ]
    net = types.SimpleNamespace(layer=[])
    written: dict[str, str] = {}

    class File:
        def __init__(self, name: str) -> None:
            self.name = name

        def read(self) -> str:
            return ""

        def write(self, text: str) -> None:
            written[self.name] = text

    def merge(_text: str, message: types.SimpleNamespace) -> None:
        message.layer = [
            types.SimpleNamespace(name=n, bottom=list(b), top=list(t)) for n, b, t in spec
        ]

    caffe_pb2 = types.SimpleNamespace(NetParameter=lambda: net)
    text_format = types.SimpleNamespace(Merge=merge, MessageToString=lambda m: "rewritten")
    proto = types.SimpleNamespace(caffe_pb2=caffe_pb2)
    protobuf = types.SimpleNamespace(text_format=text_format)
    for name, module in {
        "caffe": types.SimpleNamespace(proto=proto),
        "caffe.proto": proto,
        "caffe.proto.caffe_pb2": caffe_pb2,
        "google": types.SimpleNamespace(protobuf=protobuf),
        "google.protobuf": protobuf,
        "google.protobuf.text_format": text_format,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)

    step = step_saying(lesson("framework-port-diff"), "computed in place")
    exec(step.code["caffe"], {"open": lambda name, mode="r": File(name)})
    wiring = [(layer.name, layer.bottom, layer.top) for layer in net.layer]
    assert wiring == [
        ("conv1", ["data"], ["conv1"]),
        ("bn1", ["conv1"], ["bn1_out"]),
        ("scale1", ["bn1_out"], ["scale1_out"]),
        ("relu1", ["scale1_out"], ["relu1_out"]),
        ("pool1", ["relu1_out"], ["pool1"]),
    ]
    assert written == {"deploy_noinplace.prototxt": "rewritten"}
    steps = lesson("framework-port-diff").steps
    compare = step_saying(lesson("framework-port-diff"), "Put both models in inference mode")
    assert "deploy_noinplace.prototxt" in compare.code["caffe"]
    assert steps.index(step) < steps.index(compare)  # the file exists before it is read


# ---------------------------------------------------------------- gradient clipping


def test_clip_by_value_is_not_called_tensorflow_1():
    caveat = lesson("gradient-clipping").caveats
    assert caveat is not None
    assert "TensorFlow 1" not in caveat.en and "TensorFlow 1" not in caveat.zh
    assert "tf.clip_by_value, which is still part of TensorFlow 2" in caveat.en
    assert "TensorFlow 2 中依然可用" in caveat.zh


# ---------------------------------------------------------------- every corrected lesson


@pytest.mark.parametrize("lesson_id", CORRECTED)
def test_corrected_lessons_say_how_to_confirm_and_when_it_is_fixed(lesson_id):
    x = lesson(lesson_id)
    assert x.confirm is not None and x.confirm.code
    assert x.confirm.shows.en and x.confirm.shows.zh
    assert x.fixed_when is not None and x.fixed_when.en and x.fixed_when.zh


@pytest.mark.parametrize("lesson_id", CORRECTED)
def test_corrected_lessons_python_snippets_parse(lesson_id):
    for step in snippets(lesson(lesson_id)):
        for key, code in [*step.code.items(), *step.wrong.items()]:
            if key in ("pytorch", "tensorflow", "keras") or "import " in code:
                ast.parse(code)
