"""Chinese pages say everything in Chinese that is interface text: evidence, notes, context
values, source descriptions and lesson kinds (code, ids and proper names stay as they are)."""

from __future__ import annotations

import json
import re
from string import Formatter

import pytest
from conftest import REPO, TESTS, detected_facts, run_cli

from troubleshoot.facts import Evidence, Origin, Phrase, Provenance
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS, say

REAL = TESTS / "fixtures" / "reallogs"
CJK = re.compile(r"[\u4e00-\u9fff]")
PHRASES = sorted(k for k in STRINGS[Lang.EN] if k.startswith(("ev_", "note_")))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("key", PHRASES)
def test_each_phrase_reads_in_chinese_with_the_same_values(key):
    english, chinese = STRINGS[Lang.EN][key], STRINGS[Lang.ZH][key]
    assert fields(english) == fields(chinese)
    assert CJK.search(chinese)


def test_every_phrase_detection_uses_is_in_the_table():
    used = set()
    for path in (REPO / "troubleshoot" / "detect").glob("*.py"):
        used |= set(re.findall(r'"(ev_[a-z_]+)"', path.read_text(encoding="utf-8")))
    variants = {"ev_periodic_": ("nan", "spike"), "ev_plateau_": ("start", "chance")}
    variants["ev_slow_decrease_"] = ("start", "chance")
    used |= {prefix + end for prefix, ends in variants.items() for end in ends}
    assert used - set(PHRASES) == set()
    assert len(used) > 30


@pytest.mark.parametrize("log", sorted(p.name for p in REAL.glob("*.log")))
def test_what_detection_found_in_real_logs_is_said_in_both_languages(log):
    facts = detected_facts([REAL / log])
    evidence = [e for fact in facts for e in fact.provenance.evidence]
    assert evidence
    for item in evidence:
        if isinstance(item.detail, str):  # a log line, quoted as found
            assert item.series is None and item.line
            continue
        assert CJK.search(say(item.detail, Lang.ZH))
        assert not CJK.search(say(item.detail, Lang.EN).replace(item.source, ""))


def test_the_chinese_guide_has_no_english_interface_text():
    done = run_cli("diagnose", "-s", "loss-nan", "-c", "framework=pytorch", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    guide = done.stdout
    assert "`framework` = PyTorch (`pytorch`)" in guide
    assert "PyTorch 项目, *PyTorch 文档*" in guide and "中文博客转载" in guide
    for english in ("The PyTorch project", "Chinese blog", "translated into Chinese", "section"):
        assert english not in guide


def test_chinese_context_labels_notes_and_json_evidence(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("symptoms: [loss-nan-sudden]\ncontext: {task: classification}\n")
    log = REAL / "caffe-nan-01.log"
    done = run_cli("diagnose", str(log), "--facts", str(facts), "--lang", "zh", "-q")
    assert done.returncode == 0, done.stderr
    assert "`task` = 分类 (`classification`)" in done.stdout
    assert "来自 facts.yaml" in done.stdout and "from facts.yaml" not in done.stdout
    assert "first non-finite loss" not in done.stdout and "loss 第一次出现非有限值" in done.stdout
    done = run_cli("diagnose", str(log), "-f", "json", "--lang", "zh", "-q")
    (symptom,) = [s for s in json.loads(done.stdout)["symptoms"] if s["id"] == "loss-nan"]
    (evidence,) = symptom["provenance"]["evidence"]
    assert evidence["detail"].startswith("loss 第一次出现非有限值")
    assert evidence["detail_key"] == "ev_loss_nan" and evidence["detail_values"]["n"] == 4


def test_lesson_kinds_are_named_in_chinese():
    done = run_cli("kb", "show", "nan-exploding-gradient", "--lang", "zh")
    assert "· 诊断" in done.stdout and "diagnosis" not in done.stdout


def test_a_saved_phrase_comes_back_the_same():
    evidence = Evidence("a.log", Phrase.of("ev_loss_nan", bad=3, n=4), series="loss", step=80)
    provenance = Provenance(Origin.IMPLIED, (evidence,), Phrase.of("note_implied", symptom="x"))
    saved = json.loads(json.dumps(provenance.to_dict()))
    assert Evidence.from_dict(saved["evidence"][0]) == evidence
    assert say(Phrase.from_dict(saved["note"]), Lang.ZH) == "由 x 推出"


def test_reading_warnings_are_chinese_under_zh(tmp_path):
    """A damaged input's warning is worded in the reader's language (it is a Phrase), while
    the JSON contract keeps its English text."""
    log = tmp_path / "metrics.jsonl"
    log.write_text('{"loss": 0.9}\nnot json\n{"loss": 0.8}\n{"loss": 0.7}\n', encoding="utf-8")
    done = run_cli("diagnose", str(log), "--lang", "zh")
    assert "跳过了 1 行不是 JSON 的内容" in done.stderr and "not JSON" not in done.stderr
    done = run_cli("diagnose", str(log), "--format", "json")
    assert "1 line(s) that are not JSON were skipped" in done.stdout


ERRORS = sorted(k for k in STRINGS[Lang.EN] if k.startswith(("e_", "file_")))


@pytest.mark.parametrize("key", ERRORS)
def test_each_error_phrase_has_a_chinese_wording_with_the_same_values(key):
    """A unit the knowledge base words in both languages is the one difference: each
    wording takes its own."""
    english, chinese = STRINGS[Lang.EN][key], STRINGS[Lang.ZH][key]
    assert fields(english) - {"unit_en"} == fields(chinese) - {"unit_zh"}
    assert CJK.search(chinese) or key in ("e_in_file", "e_bad_answer")  # "{source}:{...}"


def test_every_error_phrase_raised_is_in_the_table():
    """Reading, vocabulary and file errors are raised as phrases of the pages' table."""
    used = set()
    for layer in ("read", "knowledge", "consult", "frontends"):
        for path in (REPO / "troubleshoot" / layer).rglob("*.py"):
            used |= set(re.findall(r'"(e_[a-z_]+)"', path.read_text(encoding="utf-8")))
    used |= {f"e_{p}" for p in ("bad_number", "several_numbers", "not_positive", "not_whole")}
    used |= {"e_a_number_in", "e_a_whole_number_in"}
    sniffed = (REPO / "troubleshoot" / "read" / "sniff.py").read_text(encoding="utf-8")
    used |= {f"file_{kind}" for kind in re.findall(r'\(b"[^"]*", "([a-z0-9]+)"\)', sniffed)}
    assert used - set(ERRORS) == set() and len(used) > 40


def test_an_error_inside_a_warning_is_worded_in_each_language_and_saved_whole():
    inner = Phrase.of("e_no_such_path", source="/runs/gone.log")
    warning = Phrase.of("w_not_read", problem=inner)
    assert say(warning, Lang.EN) == "not read: /runs/gone.log: no such file or folder"
    assert say(warning, Lang.ZH) == "未能读取:/runs/gone.log:没有这个文件或文件夹"
    assert Phrase.from_dict(json.loads(json.dumps(warning.to_dict()))) == warning
