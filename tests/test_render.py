"""Guides: observed facts with evidence, causes in order, steps with code, numbered sources."""

from __future__ import annotations

import json
import re

from conftest import MINI_KB, TESTS, run_cli

from troubleshoot.consult.consultation import consult_facts
from troubleshoot.facts import ContextFact, Evidence, FactSet, Origin, Provenance, SymptomFact
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.lang import Lang
from troubleshoot.render.guide import evidence_text, render_guide
from troubleshoot.render.html import html_page
from troubleshoot.render.pages import lesson_page, symptom_page

MINI = cached_kb(MINI_KB)
REAL = TESTS / "fixtures" / "reallogs"


def nan_facts() -> FactSet:
    evidence = Evidence(
        source="train.log", detail="first NaN", series="train/loss", step=80, value="nan", line=12
    )
    fs = FactSet()
    fs.add(SymptomFact("loss-nan", True, Provenance(Origin.DETECTED, (evidence,))))
    fs.add(SymptomFact("loss-diverging"))
    fs.add(ContextFact("framework", "pytorch"))
    return fs


def test_guide_lists_evidence_causes_steps_and_sources(mini_kb):
    guide = render_guide(consult_facts(MINI, nan_facts()), Lang.EN, full=True)
    assert "first NaN (`train.log`, `train/loss`, step 80, nan, line 12)" in guide
    assert "### 1. Exploding gradients" in guide
    assert "`exploding/grows-then-nan`" in guide
    # only the user's framework's code
    assert "PyTorch:" in guide and "Caffe:" not in guide
    assert "*(our addition, beyond the articles)*" in guide
    assert "Clip gradients (`clip-practice`)" in guide  # practice that supports it


def test_citation_numbers_resolve_to_the_source_list(mini_kb):
    fs = nan_facts()
    fs.add(ContextFact("loss", "ctc"))
    guide = render_guide(consult_facts(MINI, fs), Lang.EN)
    body, sources = guide.split("## Sources")
    used = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = re.findall(r"^(\d+)\. ", sources, re.M)
    assert used == {int(n) for n in listed} == set(range(1, len(listed) + 1))
    assert "`001` " in sources and ", Item 8: NaN with CTC loss" in sources


def test_chinese_guide(mini_kb):
    guide = render_guide(consult_facts(MINI, nan_facts()), Lang.ZH)
    assert guide.startswith("# 故障排查指南")
    assert "梯度爆炸" in guide and "学习率降低十倍。" in guide and "参考来源" in guide


def test_no_diagnosis_says_so_and_points_to_self_checks(mini_kb):
    fs = FactSet()
    fs.add(SymptomFact("overfitting"))
    guide = render_guide(consult_facts(MINI, fs), Lang.EN)
    assert "None of the knowledge base's rules fits" in guide
    assert "**Overfitting**: Look at the curve." in guide


def test_html_escapes_and_renders(mini_kb):
    page = html_page("# T\n\n<script>alert(1)</script>\n\n- a", "T", "zh")
    assert '<html lang="zh">' in page and "<h1>T</h1>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_reference_pages(mini_kb):
    page = lesson_page(mini_kb, mini_kb.lessons["small-bn"], "en")
    assert "`uses_batchnorm = true` and `batch_size < 16`" in page
    assert "not `loss-diverging`" in page
    assert "Group Normalization" in page  # outside reference in the source list
    symptom = symptom_page(mini_kb, mini_kb.symptoms["loss-nan"], "zh")
    assert "loss 为 NaN" in symptom and "CTC 缺少 blank" in symptom


def test_evidence_says_what_its_step_counts():
    """A Caffe log counts iterations and a log printed per epoch counts epochs: the
    evidence says which (``unit`` in the JSON), not "step" for all."""
    done = run_cli("diagnose", "--format", "json", str(REAL / "caffe-nan-01.log"))
    (symptom,) = [s for s in json.loads(done.stdout)["symptoms"] if s["id"] == "loss-nan"]
    first = symptom["provenance"]["evidence"][0]
    assert (first["step"], first["unit"]) == (80, "iteration")
    assert "`train/loss`, iteration 80, nan, line 8" in json.loads(done.stdout)["guide"]
    evidence = Evidence(source="a.log", detail="x", series="val/loss", step=5, unit="epoch")
    assert "`val/loss`, epoch 5" in evidence_text(evidence, Lang.EN)
    iteration = Evidence(source="a.log", detail="x", series="train/loss", step=5, unit="iteration")
    assert "`train/loss`, 迭代 5" in evidence_text(iteration, Lang.ZH)
