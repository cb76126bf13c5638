"""The catalogue of error signatures (kb/errors/): every example a signature carries is a
message as a framework printed it, and reading it must yield that signature's facts and no
other's; a traceback no signature knows is still evidence; lint rejects a broken entry."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TESTS, detected_facts, read_one, run_cli

from troubleshoot.detect import detect
from troubleshoot.engine.lint import lint_path
from troubleshoot.facts import ContextFact, SymptomFact
from troubleshoot.knowledge.error_table import TABLE_END, TABLE_START, table
from troubleshoot.knowledge.load import load_kb
from troubleshoot.read.errors import UNRECOGNISED, recogniser

KB = load_kb(REPO / "kb")
EXAMPLES = [(sid, n, text) for sid, s in KB.errors.items() for n, text in enumerate(s.examples)]
REAL = TESTS / "fixtures" / "reallogs"


def test_the_catalogue_covers_the_three_stacks():
    per_file = Counter(path.stem for path in KB.error_files.values())
    assert len(KB.errors) >= 40
    assert per_file["pytorch"] >= 15 and per_file["tensorflow"] >= 10 and per_file["cuda"] >= 8


@pytest.mark.parametrize(("sid", "n", "text"), EXAMPLES, ids=[f"{s}-{n}" for s, n, _ in EXAMPLES])
def test_each_example_is_read_as_its_signature_alone(tmp_path, sid, n, text):
    signature = KB.errors[sid]
    assert [s.id for s in recogniser().matches(text)] == [sid]
    log = tmp_path / "pasted.txt"
    log.write_text(f"{text}\n", encoding="utf-8")
    run = read_one(log)
    assert [(e.kind, e.line) for e in run.events] == [(sid, 1)]
    facts = detect(run).facts
    symptoms = {f.id: f for f in facts if isinstance(f, SymptomFact)}
    assert set(symptoms) == set(signature.symptoms)
    for fact in symptoms.values():
        (evidence,) = fact.provenance.evidence
        assert evidence.line == 1 and evidence.signature == sid
        assert evidence.detail == text.strip()[:200]
    context = {f.key: f.value for f in facts if isinstance(f, ContextFact)}
    assert signature.context.items() <= context.items()


def test_a_traceback_no_signature_knows_is_still_evidence():
    """A real session from a PyTorch pull request: its exception is in no signature."""
    facts = detected_facts([REAL / "pytorch-traceback-unknown-01.log"])
    fact = facts.symptoms[UNRECOGNISED]
    (evidence,) = fact.provenance.evidence
    detail = "unrecognised error: RuntimeError: log_probs tensor must not be empty"
    assert evidence.detail == detail and evidence.line == 16


def test_a_traceback_a_signature_knows_yields_its_facts_only():
    facts = detected_facts([REAL / "pytorch-traceback-batchsize-01.log"])
    assert set(facts.present_symptoms()) == {"error-shape-mismatch"}
    assert facts.context["framework"].value == "pytorch"
    assert facts.symptoms["error-shape-mismatch"].provenance.evidence[0].line == 10


def test_the_guide_and_the_json_show_the_unrecognised_error():
    log = str(REAL / "pytorch-traceback-unknown-01.log")
    guide = run_cli("diagnose", log)
    assert guide.returncode == 0, guide.stderr
    assert "unrecognised error: RuntimeError: log_probs tensor must not be empty" in guide.stdout
    out = run_cli("diagnose", log, "--format", "json")
    (symptom,) = json.loads(out.stdout)["symptoms"]
    assert symptom["id"] == UNRECOGNISED
    (evidence,) = symptom["provenance"]["evidence"]
    assert evidence["line"] == 16 and evidence["signature"] == UNRECOGNISED


@pytest.mark.parametrize(
    ("text", "lesson"),
    [
        # milesial/Pytorch-UNet#258, as pasted there
        (
            "RuntimeError: CUDA error: device-side assert triggered\n",
            "labels-start-at-zero",
        ),
        ("RuntimeError: blank must be in label range\n", "ctc-blank-class"),
    ],
    ids=["device-assert", "ctc-blank"],
)
def test_a_pasted_message_leads_to_its_lesson(tmp_path, text, lesson):
    log = tmp_path / "pasted.txt"
    log.write_text(text, encoding="utf-8")
    done = run_cli("diagnose", str(log), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["diagnoses"][0]["id"] == lesson


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # TensorFlow names the exception first and prints the telling message below it.
        (
            'Traceback (most recent call last):\n  File "fit.py", line 3, in <module>\n'
            "tensorflow.python.framework.errors_impl.InvalidArgumentError: Graph execution "
            "error:\n\nReceived a label value of 10 which is outside the valid range of "
            "[0, 10).  Label values: 3 10\n",
            ["tensorflow-label-out-of-range"],
        ),
        # torchrun prefixes every line with the rank; pasted text may end without a newline.
        (
            '[rank0]: Traceback (most recent call last):\n[rank0]:   File "t.py", line 9, in '
            "<module>\n[rank0]: KeyError: 'lr'",
            [UNRECOGNISED],
        ),
        # Chained exceptions: each traceback is judged on its own.
        (
            'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\n'
            "ValueError: bad\n\nDuring handling of the above exception, another exception "
            'occurred:\n\nTraceback (most recent call last):\n  File "a.py", line 3, in '
            "<module>\nIndexError: Target 7 is out of bounds.\n",
            [UNRECOGNISED, "pytorch-target-out-of-bounds"],
        ),
    ],
    ids=["tensorflow-message-below", "rank-prefix-no-newline", "chained"],
)
def test_tracebacks(tmp_path, text, expected):
    log = tmp_path / "out.txt"
    log.write_text(text, encoding="utf-8")
    assert [e.kind for e in read_one(log).events] == expected


def test_the_docs_list_exactly_the_catalogue():
    text = (REPO / "docs" / "inputs.md").read_text(encoding="utf-8")
    shown = text[text.index(TABLE_START) : text.index(TABLE_END) + len(TABLE_END)]
    assert shown == table(KB), (
        "docs/inputs.md's error table differs from kb/errors/; regenerate it with "
        "python -m troubleshoot.knowledge.error_table --write docs/inputs.md"
    )
    assert all(f"`{sid}`" in shown for sid in KB.errors)


def _broken(tmp_path: Path, change) -> list[str]:
    """Lint errors of a copy of the knowledge base whose pytorch catalogue ``change`` edits."""
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "kb", kb)
    path = kb / "errors" / "pytorch.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change({s["id"]: s for s in data["signatures"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return [e for e in lint_path(kb).errors if "errors/pytorch.yaml" in e]


def test_lint_rejects_an_example_another_signature_claims(tmp_path):
    def steal(signatures):
        signatures["pytorch-scalar-type"]["examples"].append(
            "IndexError: Target 5 is out of bounds."
        )

    errors = _broken(tmp_path, steal)
    assert all("pytorch-scalar-type: examples.3: " in e for e in errors)
    assert [e.split("examples.3: ")[1] for e in errors] == [
        "holds none of the words ['expected scalar type']",
        "the pattern does not match it",
        "also matched by pytorch-target-out-of-bounds",
    ]


def test_lint_rejects_unknown_symptoms_bad_context_and_a_pattern_that_misses(tmp_path):
    def spoil(signatures):
        signatures["pytorch-matmul-shapes"]["symptoms"] = ["no-such-symptom", "loss-plateau"]
        signatures["pytorch-matmul-shapes"]["context"] = {"framework": "jax"}
        signatures["pytorch-bn-single-sample"]["pattern"] = "per channel when testing"

    errors = "\n".join(_broken(tmp_path, spoil))
    assert "unknown symptom 'no-such-symptom'" in errors
    assert "'loss-plateau' is not established via log" in errors
    assert "'jax' is not a value of 'framework'" in errors
    assert "pytorch-bn-single-sample: examples.0: the pattern does not match it" in errors
