"""``kb lint`` catches each kind of broken knowledge base, naming file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from conftest import MINI_KB, REPO, catalogue_lessons, catalogue_symptoms, run_cli

from troubleshoot.engine.lint import lint_path

NO_CATALOGUE = Path("/nonexistent")


def edit(kb: Path, name: str, change) -> Path:
    path = kb / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def errors(kb: Path) -> list[str]:
    return lint_path(kb, NO_CATALOGUE).errors


def test_the_test_kb_is_clean():
    assert errors(MINI_KB) == []


def test_schema_error_names_file_and_field(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d["title"].pop("zh"))
    (problem,) = errors(kb_copy)
    assert "lessons/ctc.yaml" in problem and "title.zh" in problem


def test_an_amount_phrase_needs_amounts(kb_copy):
    def change(data):
        rate = next(k for k in data["keys"] if k["key"] == "learning_rate")
        rate["phrases"] = {"en": ["{amount} learning rate"], "zh": []}

    edit(kb_copy, "context.yaml", change)
    (problem,) = errors(kb_copy)
    assert "'{amount} learning rate' has {amount} but the key no amounts" in problem


def test_unknown_field_is_an_error(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d.update(sevrity=3))
    assert any("sevrity" in e for e in errors(kb_copy))


def test_id_must_match_file_name(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d.update(id="ctc2"))
    assert any("does not match the file name" in e for e in errors(kb_copy))


def test_unknown_symptom_in_a_rule(kb_copy):
    edit(
        kb_copy, "lessons/ctc.yaml", lambda d: d["rules"][0]["all"].append({"symptom": "loss-nann"})
    )
    assert any("unknown symptom 'loss-nann'" in e and "rules.0" in e for e in errors(kb_copy))


def test_unknown_context_value(kb_copy):
    edit(
        kb_copy,
        "lessons/ctc.yaml",
        lambda d: d["rules"][0]["all"].__setitem__(1, {"context": {"loss": "ctcc"}}),
    )
    assert any("'ctcc' is not a value of 'loss'" in e for e in errors(kb_copy))


def test_unknown_source_section(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d.update(sources=["001 99"]))
    assert any("has no section '99'" in e for e in errors(kb_copy))


def test_step_without_citation(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d["steps"][0].pop("cite"))
    assert any("steps.0" in e and "cite" in e for e in errors(kb_copy))


def test_missing_chinese(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d["summary"].update(zh="CTC needs C+1."))
    assert any("summary.zh: has no Chinese text" in e for e in errors(kb_copy))


def test_diagnosis_without_confirm_or_fixed_when(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: (d.pop("confirm"), d.pop("fixed_when")))
    found = errors(kb_copy)
    assert any("ctc.yaml: confirm: a diagnosis needs" in e for e in found)
    assert any("ctc.yaml: fixed_when: a diagnosis needs" in e for e in found)


def test_ascii_space_between_chinese_characters(kb_copy):
    # what YAML folding leaves when a Chinese sentence is broken across two lines
    spaced = "别人的任务 并不是残留进程。"
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d["summary"].update(zh=spaced))
    assert any(
        "summary.zh: ASCII space between Chinese characters: '务 并'" in e for e in errors(kb_copy)
    )


def test_same_words_are_single_words_in_one_group_each(kb_copy):
    groups = [["loss", "损失"], ["loss", "cost"], ["上升"], ["going up", "上升"]]
    edit(kb_copy, "context.yaml", lambda d: d.update(same_words=groups))
    found = [e.split("same_words: ")[1] for e in errors(kb_copy) if "same_words" in e]
    assert found == [
        "'loss' is in two groups",
        "['上升'] needs at least two words",
        "'going up' is not one word",
        "'上升' is in two groups",
    ]


def test_unknown_related_lesson_and_supports_non_diagnosis(kb_copy):
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d.update(related=["nope"]))
    edit(kb_copy, "lessons/clip-practice.yaml", lambda d: d.update(supports=["clip-practice"]))
    found = errors(kb_copy)
    assert any("unknown lesson 'nope'" in e for e in found)
    assert any("'clip-practice' is not a diagnosis" in e for e in found)


def test_unreachable_rule(kb_copy):
    # a rule that requires a symptom and also forbids it can never fire
    edit(
        kb_copy,
        "lessons/ctc.yaml",
        lambda d: d["rules"][0].update(none=[{"symptom": "loss-nan"}]),
    )
    found = errors(kb_copy)
    assert any("ctc-nan): cannot fire" in e for e in found)


def test_failing_example(kb_copy):
    edit(
        kb_copy,
        "lessons/ctc.yaml",
        lambda d: d["examples"]["rank_first"][0].update(context={"loss": "mse"}),
    )
    assert any("examples.rank_first.0: should rank first" in e for e in errors(kb_copy))


def test_catalogue_coverage_reports_what_is_missing(kb_copy, tmp_path):
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    (catalogue / "lessons.yaml").write_text(
        yaml.safe_dump(
            {
                "lessons": [
                    {
                        "id": "ctc",
                        "kind": "diagnosis",
                        "source": ["001 8"],
                        "symptoms": ["loss-nan"],
                    },
                    {"id": "not-written", "kind": "practice", "source": ["004 1"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    (catalogue / "symptoms.yaml").write_text(
        yaml.safe_dump(
            {
                "symptoms": [{"id": "loss-nan", "via": ["metrics"]}],
                "context": {
                    "framework": ["caffe", "jax"],
                    "batch_size": "number",
                    "uses_batchnorm": [True, False],
                    "colour": ["red"],
                },
            }
        ),
        encoding="utf-8",
    )
    report = lint_path(kb_copy, catalogue)
    assert "lessons: 1/2" in report.coverage and "symptoms: 1/1" in report.coverage
    assert "context keys: 3/4" in report.coverage
    assert any("'not-written' is missing" in e for e in report.errors)
    assert any("via: catalogue says" in e for e in report.errors)
    assert any("framework: choices: catalogue lists 'jax'" in e for e in report.errors)
    assert any("batch_size: type: catalogue says 'number'" in e for e in report.errors)
    assert any("context key 'colour' is missing" in e for e in report.errors)
    assert not any("uses_batchnorm" in e for e in report.errors)


def test_a_kb_is_checked_against_the_catalogue_it_carries(kb_copy):
    """With no --catalogue, lint reads <kb>/catalogue/, wherever that kb is."""
    shutil.copytree(REPO / "kb" / "catalogue", kb_copy / "catalogue")
    edit(kb_copy, "catalogue/lessons.yaml", lambda d: d.update(lessons=d["lessons"][:3]))
    report = lint_path(kb_copy)
    assert "lessons: 0/3" in report.coverage
    assert f"symptoms: 5/{catalogue_symptoms()}" in report.coverage
    assert any("catalogue lesson 'lr-step-decay' is missing" in e for e in report.errors)


def test_cli_lint_exit_codes(kb_copy):
    clean = run_cli("kb", "lint", "--kb", str(kb_copy), "--catalogue", str(NO_CATALOGUE))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 problem(s)" in clean.stdout
    edit(kb_copy, "lessons/ctc.yaml", lambda d: d.update(related=["nope"]))
    broken = run_cli("kb", "lint", "--kb", str(kb_copy), "--catalogue", str(NO_CATALOGUE))
    assert broken.returncode == 1
    assert "unknown lesson 'nope'" in broken.stdout


def test_real_kb_is_clean_and_covers_the_shipped_catalogues():
    report = lint_path()
    assert report.errors == []
    n = catalogue_lessons()
    assert n >= 83  # ids are added, never removed: the catalogue only grows
    assert f"lessons: {n}/{n}" in report.coverage
    m = catalogue_symptoms()
    assert f"symptoms: {m}/{m}" in report.coverage
    assert "context keys: 16/16" in report.coverage
