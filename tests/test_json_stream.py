"""The JSON output written a run at a time is the contract's ``json.dumps`` to the byte.

``render/contract.json_text`` writes the top level, then one run after another, encoding
the part of a run that follows from its fact set once per fact set; the chat API still
builds the whole object (``to_json``). Both must say the same thing in the same bytes.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from troubleshoot.consult.consultation import Request, consult, consult_facts
from troubleshoot.facts import FactSet
from troubleshoot.knowledge.load import load_kb
from troubleshoot.lang import Lang
from troubleshoot.render.contract import json_text, to_json
from troubleshoot.render.guide import render_guide

CAFFE = Path(__file__).parent / "fixtures" / "caffenet-benchmark"


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.fixture(scope="module")
def many_runs(kb, tmp_path_factory):
    """Three of the real Caffe logs, twice over, one after another in one file: many runs
    (a log may hold more than one), each fact set seen at least twice."""
    logs = sorted(CAFFE.glob("*.log.gz"))[:3]
    path = tmp_path_factory.mktemp("runs") / "appended.log"
    path.write_bytes(b"".join(gzip.decompress(p.read_bytes()) for p in logs) * 2)
    return path, consult(kb, Request([path]))


def dumped(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("lang", [Lang.EN, Lang.ZH])
def test_pieces_are_the_whole_object_dumped(many_runs, lang):
    _, consultation = many_runs
    assert len(consultation.runs) >= 6
    assert len({run.facts.signature() for run in consultation.runs}) < len(consultation.runs)
    guide = render_guide(consultation, lang)
    pieces = list(json_text(consultation, guide, lang))
    assert len(pieces) > len(consultation.runs)  # a piece per run, not one whole string
    assert "".join(pieces) == dumped(to_json(consultation, guide, lang))


def test_a_query_comes_last_as_it_did(kb):
    facts = FactSet()
    consultation = consult_facts(kb, facts)
    query = {"in_scope": False, "runs": 0, "matches": []}
    payload = to_json(consultation, "guide\n", Lang.EN)
    payload["query"] = query
    assert "".join(json_text(consultation, "guide\n", Lang.EN, query)) == dumped(payload)


def test_no_runs_is_an_empty_list(kb):
    consultation = consult_facts(kb, FactSet())
    consultation.runs.clear()
    text = "".join(json_text(consultation, "", Lang.EN))
    assert json.loads(text)["runs"] == [] and text == dumped(to_json(consultation, "", Lang.EN))


def test_a_file_given_with_output_holds_what_stdout_shows(many_runs, tmp_path):
    path, consultation = many_runs
    log = tmp_path / path.name
    shutil.copy(path, log)
    shown = run_cli("diagnose", str(log), "--format", "json", "--quiet", cwd=tmp_path)
    out = tmp_path / "out.json"
    written = run_cli(
        "diagnose", str(log), "--format", "json", "--quiet", "-o", str(out), cwd=tmp_path
    )
    assert shown.returncode == 0 and written.returncode == 0, shown.stderr + written.stderr
    assert out.read_text(encoding="utf-8") == shown.stdout
    assert len(json.loads(shown.stdout)["runs"]) == len(consultation.runs)


@pytest.mark.parametrize(
    "value",
    [
        "\x1b[31mred\x1b[0m from a coloured log",  # rapidjson writes \u001B, json \u001b
        "a literal \\u001F in text",
        {1: "a key that is not a string"},
        "\ud800 (a lone surrogate)",
        {"loss": [float("nan"), float("inf"), -0.0, 1e16, 1e-07, 3.9063e-05]},
        10**40,
        ["\x7f\u2028\ufeff", "中文", [], {}],
    ],
)
def test_every_value_is_encoded_as_json_dumps_writes_it(value):
    """Values are written by rapidjson; whatever it would write otherwise goes to json."""
    from troubleshoot.render.contract import _encode

    assert _encode(value, 2) == json.dumps(value, ensure_ascii=False, indent=2).replace(
        "\n", "\n    "
    )
