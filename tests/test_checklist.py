"""Never a dead end: every cause the knowledge base ties to what was observed is listed,
ranked, with the questions that tell the first ones apart; and the rankings an expert
expects for common cases (through the real command line)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from troubleshoot.consult.checklist import Status, ties
from troubleshoot.consult.consultation import Consultation, consult_facts
from troubleshoot.engine.open_world import rule_truth
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.vocab import build_facts

KB = cached_kb()


def diagnose_json(*args: str) -> dict:
    done = run_cli("diagnose", "-f", "json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("symptom", sorted(KB.symptoms))
def test_a_bare_symptom_lists_every_cause_still_possible(symptom):
    consultation = consult_facts(KB, build_facts(KB, [symptom]))
    listed = [c.id for c in consultation.checklist().candidates]
    facts = consultation.result.facts
    present = {s.id for s in facts.symptoms.values() if s.present}
    expected = {
        lesson.id
        for lesson in KB.diagnoses()
        if ties(lesson) & present and any(rule_truth(r, facts) is not False for r in lesson.rules)
    }
    assert expected <= set(listed)
    assert len(listed) == len(set(listed))
    fired = [d.id for d in consultation.result.diagnoses]
    assert listed[: len(fired)] == fired  # what the facts support comes first, in order


def test_the_checklist_leaves_out_what_a_known_fact_rules_out():
    consultation = consult_facts(
        KB, build_facts(KB, ["acc-at-chance"], {"class_balance": "balanced"})
    )
    assert "class-imbalance" not in [c.id for c in consultation.checklist().candidates]


def test_json_has_the_checklist_and_the_questions_that_tell_it_apart():
    out = diagnose_json("-s", "loss-flat-from-start", "-c", "activation=relu")
    checklist, questions = out["checklist"], out["questions"]
    fired = [d["id"] for d in out["diagnoses"]]
    assert [c["id"] for c in checklist[: len(fired)]] == fired
    assert [c["rank"] for c in checklist] == list(range(1, len(checklist) + 1))
    opened = [c for c in checklist if c["status"] == "open"]
    assert opened and all(c["score"] is None for c in opened)
    assert all(c["symptoms"] == ["loss-flat-from-start"] for c in checklist)
    beliefs = [c["belief"] for c in opened]
    assert beliefs == sorted(beliefs, reverse=True)
    assert 1 <= len(questions) <= 2
    top = {c["id"] for c in checklist[:5]}
    for q in questions:
        assert q["kind"] in ("symptom", "context") and q["gain"] > 0
        assert q["question"].endswith("?")
        assert q["tells_apart"] and set(q["tells_apart"]) <= top
    gains = [q["gain"] for q in questions]
    assert gains == sorted(gains, reverse=True)
    (run,) = out["runs"]
    assert run["checklist"] == checklist and run["questions"] == questions


def test_a_clear_leader_needs_no_question():
    out = diagnose_json("-s", "loss-87-3365")
    assert out["checklist"][0]["id"] == "softmax-overflow-87"
    assert out["questions"] == []


@pytest.mark.parametrize(
    ("lang", "heading", "open_mark"),
    [
        ("en", "Checklist", "also possible, not yet supported by the facts"),
        ("zh", "排查清单", "也有可能"),
    ],
)
def test_the_guide_shows_the_checklist(lang, heading, open_mark):
    done = run_cli(
        "diagnose", "-s", "acc-at-chance", "-c", "class_balance=balanced", "--lang", lang
    )
    assert done.returncode == 0, done.stderr
    guide = done.stdout
    section = guide[guide.index(heading) :]
    for lesson in ("mixed-label-batches", "no-activation-on-logits", "shuffle-each-epoch"):
        assert f"`{lesson}`" in section
    items = [line for line in section.splitlines() if "- [ ]" in line]
    assert len(items) >= 4 and all(line.startswith("- [ ] ") for line in items)
    assert all(line.count("- [ ]") == 1 for line in items)  # one cause a line
    done = run_cli("diagnose", "-s", "loss-flat-from-start", "--lang", lang)
    assert open_mark in done.stdout


def test_several_runs_merge_their_checklists():
    one = consult_facts(KB, build_facts(KB, ["loss-nan", "loss-diverging"]))
    two = consult_facts(KB, build_facts(KB, ["underfitting"]))
    both = Consultation(KB, [*one.runs, *two.runs])
    merged = both.checklist()
    ids = [c.id for c in merged.candidates]
    assert len(ids) == len(set(ids))
    assert set(ids) == {c.id for c in one.checklist().candidates} | {
        c.id for c in two.checklist().candidates
    }
    fired = [c for c in merged.candidates if c.status is Status.FIRED]
    assert [c.id for c in fired] == [d.id for d in both.result.diagnoses]
    assert merged.questions == []


# What an expert ranks first for common cases (the lessons' examples hold more of these).
def top(out: dict, n: int) -> list[str]:
    return [c["id"] for c in out["checklist"][:n]]


def test_underfitting_checks_the_models_size_before_bias_details():
    for extra in ((), ("-c", "framework=pytorch"), ("-c", "uses_batchnorm=false")):
        out = diagnose_json("-s", "underfitting", *extra)
        assert top(out, 1) == ["too-many-params-no-fit"], extra


def test_a_flat_start_with_relu_lists_dead_units_and_the_rate_near_the_top():
    out = diagnose_json("-s", "loss-flat-from-start", "-c", "activation=ReLU")
    assert {"dead-relu", "lr-too-large"} <= set(top(out, 3))


def test_a_loss_that_climbs_into_nan_lists_the_rate_second():
    out = diagnose_json("-s", "loss-nan", "-s", "loss-diverging")
    assert top(out, 2) == ["nan-exploding-gradient", "lr-too-large"]


def test_chance_accuracy_with_balanced_classes_reaches_the_articles_causes():
    out = diagnose_json("-s", "acc-at-chance", "-c", "class_balance=balanced")
    assert set(top(out, 4)) == {
        "no-activation-on-logits",
        "shuffle-each-epoch",
        "mixed-label-batches",
        "verify-labels",
    }
    assert all(c["status"] == "fired" for c in out["checklist"][:4])
