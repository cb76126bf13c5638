"""The words people type for context values reach the vocabulary: framework class names,
any case, underscores or hyphens, "2k", "5万", "1,024", and named amounts ("small"), the
same on the command line, in a facts file and in the interview (one number parser)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import run_cli

from troubleshoot.consult.questions import Kind, Question
from troubleshoot.frontends.interview.answers import Reply, parse
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.vocab import squash
from troubleshoot.lang import Lang

KB = cached_kb()


def stated_context(*assignments: str) -> dict[str, object]:
    args = [a for assignment in assignments for a in ("-c", assignment)]
    done = run_cli("diagnose", "-s", "loss-nan", "-f", "json", *args)
    assert done.returncode == 0, done.stderr
    return {c["key"]: c["value"] for c in json.loads(done.stdout)["context"]}


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("cross_entropy", "softmax-cross-entropy"),
        ("CrossEntropyLoss", "softmax-cross-entropy"),
        ("nll", "softmax-cross-entropy"),
        ("NLLLoss", "softmax-cross-entropy"),
        ("bce", "binary-cross-entropy"),
        ("BCEWithLogitsLoss", "binary-cross-entropy"),
        ("binary_crossentropy", "binary-cross-entropy"),
        ("MSE", "mse"),
        ("MSELoss", "mse"),
        ("huber", "other"),
        ("SmoothL1Loss", "other"),
    ],
)
def test_loss_names_as_users_type_them(typed, value):
    assert stated_context(f"loss={typed}") == {"loss": value}


def test_numbers_as_users_type_them():
    context = stated_context("dataset_size=2k", "batch_size=1,024", "learning_rate=1e-3")
    assert context == {"dataset_size": 2000, "batch_size": 1024, "learning_rate": 0.001}
    assert stated_context("dataset_size=5万") == {"dataset_size": 50000}


@pytest.mark.parametrize("typed", ["small", "Small", "小"])
def test_a_small_dataset_reads_as_small_to_the_rules(typed):
    assert stated_context(f"dataset_size={typed}") == {"dataset_size": 1000}
    done = run_cli(
        "diagnose", "-s", "train-cannot-overfit", "-c", f"dataset_size={typed}", "-f", "json"
    )
    fired = json.loads(done.stdout)["diagnoses"][0]["fired_rules"]
    assert fired[0]["id"] == "too-many-params-no-fit/cannot-overfit-small-data"


def test_an_unknown_amount_names_the_words_accepted():
    done = run_cli("diagnose", "-s", "loss-nan", "-c", "dataset_size=lots")
    assert done.returncode != 0
    assert "small" in done.stderr and "lots" in done.stderr


def test_a_facts_file_reads_the_same_words(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "symptoms: [loss-flat-from-start]\n"
        "context: {loss: BCEWithLogitsLoss, dataset_size: 2k, batch_size: '1,024'}\n",
        encoding="utf-8",
    )
    done = run_cli("diagnose", "--facts", str(facts), "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    context = {c["key"]: c["value"] for c in out["context"]}
    assert context == {"loss": "binary-cross-entropy", "dataset_size": 2000, "batch_size": 1024}
    assert "no-activation-on-logits" in [d["id"] for d in out["diagnoses"]]


@pytest.mark.parametrize(("typed", "value"), [("small", 1000), ("2k", 2000), ("5万", 50000)])
def test_the_interview_reads_the_same_numbers(typed, value):
    question = Question(Kind.CONTEXT, "dataset_size")
    assert parse(KB, question, typed, Lang.EN) == Reply(value)


def test_no_two_values_of_a_key_share_a_word():
    for key in KB.context.values():
        words = Counter(
            word
            for choice in key.choices
            for word in {squash(w) for w in (str(choice.value), *choice.synonyms)}
        )
        assert [w for w, n in words.items() if n > 1] == [], key.key
