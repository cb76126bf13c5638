"""The behaviours the issues name, on the real knowledge base through the real CLI."""

from __future__ import annotations

import json

from conftest import run_cli

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
    result = diagnose(build_facts(kb, ["metrics-constant-after-step"]))
    assert result.top() is not None and result.top().id == "training-stalls-constant"
    related = set(kb.lessons["training-stalls-constant"].related)
    assert {"dead-relu", "debug-info-zero-diff", "zero-init"} <= related
