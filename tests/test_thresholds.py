"""Detection's numbers have one source, thresholds.py: docs and knowledge base follow it.

The threshold table in docs/detection.md is generated from it, and a symptom's `detection`
text quotes its thresholds through placeholders that ``kb lint`` checks, so changing a
threshold cannot leave a stale number in either.
"""

from __future__ import annotations

import dataclasses
import re
import tokenize
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from test_lint import errors

from troubleshoot.detect import DEFAULT
from troubleshoot.detect.threshold_text import (
    TABLE_END,
    TABLE_START,
    fill,
    problems,
    table,
    thresholds_of,
)
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.knowledge.load import load_kb

DETECT = REPO / "troubleshoot" / "detect"
DOCS = REPO / "docs" / "detection.md"
FIELDS = [f.name for f in dataclasses.fields(Thresholds)]


def _docs_table(text: str) -> str:
    start, end = text.index(TABLE_START), text.index(TABLE_END) + len(TABLE_END)
    return text[start:end]


def test_docs_threshold_table_is_the_generated_one():
    assert _docs_table(DOCS.read_text(encoding="utf-8")) == table(), (
        "docs/detection.md's threshold table differs from thresholds.py; regenerate it with "
        "python -m troubleshoot.detect.threshold_text --write docs/detection.md"
    )


def test_a_changed_threshold_changes_the_table():
    changed = dataclasses.replace(DEFAULT, spike_factor=3.0)
    assert "| `spike_factor` | 3 |" in table(changed)
    assert table(changed) != table()


def test_every_threshold_is_read_by_a_detector():
    """No threshold is documented that no detector judges by."""
    code = "".join(
        p.read_text(encoding="utf-8")
        for p in DETECT.glob("*.py")
        if p.name not in ("thresholds.py", "threshold_text.py")
    )
    unread = [name for name in FIELDS if not re.search(rf"\bt\.{name}\b", code)]
    assert unread == []


def test_no_number_literal_is_left_in_the_detectors():
    """Numbers other than 0, 1 and 2 used arithmetically belong in thresholds.py. The rest
    are not judgements: evidence is capped at 3 items and event text at 200 characters, a
    Kendall tau of fewer than 3 values is 0 by definition, 1e-12 keeps a division away
    from zero, and 100 is what a percent is (an accuracy printed in percent)."""
    found: dict[str, int] = {}
    for path in DETECT.glob("*.py"):
        if path.name in ("thresholds.py", "threshold_text.py"):
            continue
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                if token.type == tokenize.NUMBER and float(token.string) not in (0, 1, 2):
                    found[token.string] = found.get(token.string, 0) + 1
    assert found == {"3": 4, "200": 1, "1e-12": 2, "100": 2}


def test_used_by_names_symptoms_of_the_knowledge_base():
    kb = load_kb()
    named = {s for f in dataclasses.fields(Thresholds) for s in f.metadata["used_by"]}
    assert named - kb.symptoms.keys() == set()


def test_every_symptom_detection_text_quotes_only_its_own_thresholds():
    kb = load_kb()
    for symptom in kb.symptoms.values():
        for field in (symptom.detection, symptom.basis):
            for lang in ("en", "zh"):
                text = field.get(lang) if field else ""
                assert "{" not in fill(text), (symptom.id, lang)
        if symptom.detection:
            for lang in ("en", "zh"):
                assert problems(symptom.id, symptom.detection.get(lang)) == [], symptom.id


def test_placeholders_show_the_thresholds_current_values():
    text = "at least {spike_factor}x, at most {spike_max_share%}, below -{kl_negative_tol}"
    assert fill(text) == "at least 2x, at most 5%, below -1e-4"
    changed = dataclasses.replace(DEFAULT, spike_factor=2.5, spike_max_share=0.1)
    assert fill(text, changed) == "at least 2.5x, at most 10%, below -1e-4"


def test_thresholds_of_a_symptom_are_those_declared_for_it():
    assert "spike_factor" in thresholds_of("loss-spikes")
    assert "diverge_factor" not in thresholds_of("loss-spikes")


def _set_detection(kb: Path, symptom: str, en: str, zh: str) -> Path:
    path = kb / "symptoms" / f"{symptom}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["detection"] = {"en": en, "zh": zh}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_lint_names_file_and_number_written_out_in_a_detection_text(kb_copy):
    path = _set_detection(
        kb_copy,
        "loss-diverging",
        "final level at least 2x the lowest, rise at least {diverge_min_rise%}",
        "最终水平至少是最低值的 {diverge_factor} 倍,上升至少 {diverge_min_rise%}",
    )
    (problem,) = errors(kb_copy)
    assert problem.startswith(f"{path}: detection.en: the number 2 is written out")
    # 2 is also late_scale_classes, another of loss-diverging's thresholds: both are named
    assert "write {late_scale_classes} or {diverge_factor}" in problem


def test_lint_rejects_a_threshold_of_another_symptom(kb_copy):
    path = _set_detection(
        kb_copy, "loss-diverging", "at least {spike_factor}x", "至少 {spike_factor} 倍"
    )
    problems_found = errors(kb_copy)
    assert len(problems_found) == 2
    assert all("{spike_factor} is not a threshold of loss-diverging" in p for p in problems_found)
    assert problems_found[0].startswith(f"{path}: detection.en")


@pytest.mark.parametrize(
    "text",
    [
        "a message `cudaSuccess (2 vs. 0)` in a code span",
        "``Assertion `t >= 0 && t < n_classes` failed``",
        "layer names such as fc0 or beta_1, and ln(num_classes)",
    ],
)
def test_digits_in_code_spans_and_names_are_not_numbers(text):
    assert problems("loss-nan", text) == []
