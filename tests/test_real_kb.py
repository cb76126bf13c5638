"""The behaviours the issues name, on the real knowledge base through the real CLI."""

from __future__ import annotations

import json

import pytest
from conftest import TESTS, detected_facts, run_cli

from troubleshoot.engine.diagnose import diagnose
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.vocab import build_facts


def diagnose_json(*args: str) -> dict:
    done = run_cli("diagnose", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_87_3365_ranks_softmax_overflow_first_with_rule_and_citations():
    out = diagnose_json("--symptom", "loss-87-3365")
    first = out["diagnoses"][0]
    assert first["id"] == "softmax-overflow-87"
    assert first["fired_rules"] and first["fired_rules"][0]["id"].startswith("softmax-overflow-87/")
    assert {(c["source"], c["section"]) for c in first["citations"]} >= {("000", "ext2")}
    assert "87.3365" in out["guide"]


def test_ctc_loss_puts_the_blank_class_above_lessons_without_ctc():
    kb = cached_kb()
    out = diagnose_json("--symptom", "loss-nan", "--context", "loss=ctc")
    ranked = [d["id"] for d in out["diagnoses"]]
    assert ranked[0] == "ctc-blank-class"

    def mentions_ctc(lesson_id: str) -> bool:
        return any("ctc" in str(rule.model_dump()) for rule in kb.lessons[lesson_id].rules)

    assert all(mentions_ctc(i) for i in ranked[: ranked.index("ctc-blank-class") + 1])


def test_chinese_guide_is_chinese():
    done = run_cli("diagnose", "-s", "loss-nan", "-c", "framework=caffe", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# 故障排查指南") and "参考来源" in done.stdout


def test_reader_question_is_routed_to_frozen_network_lessons():
    kb = cached_kb()
    result = diagnose(build_facts(kb, ["metrics-constant-after-step"]), kb)
    assert result.top() is not None and result.top().id == "training-stalls-constant"
    related = set(kb.lessons["training-stalls-constant"].related)
    assert {"dead-relu", "debug-info-zero-diff", "zero-init"} <= related


# What a senior engineer would put first for each real log (tests/fixtures/reallogs): the
# symptoms come from the file alone, nothing is given.
FITTING_FIRST = {
    "caffe-87-01.log": {"softmax-overflow-87"},
    "caffe-debuginfo-01.log": {"debug-info-zero-activation", "dead-relu"},
    "caffe-flat-01.log": {"zero-init", "dead-relu", "no-activation-on-logits"},
    "caffe-nan-01.log": {"nan-exploding-gradient"},
    "caffe-nan-03.log": {"nan-exploding-gradient"},
    "caffe-oom-01.log": {"cuda-oom-stale-process"},
    "caffe-overfit-01.log": {"verify-labels"},
    "caffe-spikes-01.log": {"gradient-clipping", "nan-exploding-gradient"},
    "keras-inf-01.log": {"nan-exploding-gradient"},
    "keras-nan-01.log": {"nan-exploding-gradient"},
    "pytorch-nclasses-01.log": {"labels-start-at-zero"},
    "pytorch-oom-01.log": {"cuda-oom-stale-process"},
    "pytorch-truncated-01.log": {"truncated-image"},
    "pytorch-bce-range-01.log": {"bce-needs-probabilities"},
    "rocm-memory-fault-01.log": {"gpu-illegal-access"},
    "caffe-healthy-01.log": set(),
    "lightning-healthy-01.csv": set(),
}


@pytest.mark.parametrize("name", sorted(FITTING_FIRST))
def test_real_log_ranks_a_fitting_lesson_first(name):
    kb = cached_kb()
    ranked = diagnose(detected_facts([TESTS / "fixtures" / "reallogs" / name]), kb).diagnoses
    if not FITTING_FIRST[name]:
        assert ranked == []  # a healthy run: no problem, no cause
    else:
        assert ranked and ranked[0].id in FITTING_FIRST[name], [d.id for d in ranked[:3]]
