"""The real ``troubleshoot`` command in a child process, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import MINI_KB, TESTS, run_cli

from troubleshoot.knowledge.load import load_kb


def mini(*args: str):
    return run_cli(*args, "--kb", str(MINI_KB))


def test_diagnose_json_contract():
    done = mini("diagnose", "-s", "loss-nan", "-c", "loss=CTCLoss", "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["schema_version"] == 1
    assert [s["id"] for s in out["symptoms"]] == ["loss-nan"]
    assert out["context"] == [{"key": "loss", "value": "ctc", "provenance": {"origin": "given"}}]
    first = out["diagnoses"][0]
    assert first["id"] == "ctc" and first["rank"] == 1 and first["kind"] == "diagnosis"
    assert first["fired_rules"][0]["id"] == "ctc/ctc-nan"
    assert {"symptom": "loss-nan", "present": True} in first["fired_rules"][0]["matched_facts"]
    assert first["citations"][0]["source"] == "001" and first["citations"][0]["section"] == "8"
    assert out["guide"].startswith("# Troubleshooting guide")


def test_facts_file_and_command_line_combine(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("symptoms: [loss-nan-sudden]\ncontext: {uses_batchnorm: yes, batch_size: 8}\n")
    done = mini("diagnose", "--facts", str(facts), "-c", "framework=torch", "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["diagnoses"][0]["id"] == "small-bn"
    assert {c["key"]: c["value"] for c in out["context"]} == {
        "uses_batchnorm": True,
        "batch_size": 8,
        "framework": "pytorch",
    }


def test_unknown_ids_get_the_closest_valid_ones():
    done = mini("diagnose", "-s", "loss-nann")
    assert done.returncode == 2
    assert "unknown symptom 'loss-nann'" in done.stderr and "loss-nan" in done.stderr
    done = mini("diagnose", "-s", "loss-nan", "-c", "framwork=caffe")
    assert done.returncode == 2 and "Did you mean: framework?" in done.stderr
    done = mini("diagnose", "-s", "loss-nan", "-c", "batch_size=eight")
    assert done.returncode == 2 and "batch_size takes a whole number" in done.stderr


def test_unknown_context_names_close_matches_and_lists_what_is_valid(tmp_path):
    done = mini("diagnose", "-s", "loss-nan", "-c", "colour=red")
    assert done.returncode == 2
    assert "unknown context key 'colour'" in done.stderr
    assert "Valid keys: framework, task, architecture, loss, optimizer" in done.stderr
    assert "troubleshoot kb context" in done.stderr
    close = mini("diagnose", "-s", "loss-nan", "-c", "optimiser=adam")
    assert "Did you mean: optimizer?" in close.stderr and "Valid keys:" in close.stderr
    value = mini("diagnose", "-s", "loss-nan", "-c", "loss=ctcc")
    assert "loss takes one of softmax-cross-entropy, ctc, mse" in value.stderr
    assert "Did you mean: ctc?" in value.stderr and "troubleshoot kb context" in value.stderr
    number = mini("diagnose", "-s", "loss-nan", "-c", "learning_rate=fast")
    assert "learning_rate takes a number (e.g. 0.01 or 1e-3), not 'fast'" in number.stderr
    facts = tmp_path / "facts.yaml"
    facts.write_text("symptoms: [loss-nan]\ncontext: {colour: red}\n", encoding="utf-8")
    from_file = mini("diagnose", "--facts", str(facts))
    assert from_file.returncode == 2
    assert f"{facts}: unknown context key 'colour'" in from_file.stderr
    assert "Valid keys: framework" in from_file.stderr


def test_unknown_symptom_points_to_the_list():
    done = mini("diagnose", "-s", "loss-nann", "--absent", "overfiting")
    assert done.returncode == 2
    assert "Did you mean: loss-nan" in done.stderr
    assert "`troubleshoot kb symptoms` lists them all" in done.stderr


def test_bad_facts_file_is_a_clear_error(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(b"\xff\xfe garbage: [")
    done = mini("diagnose", "--facts", str(facts))
    assert done.returncode == 2 and f"{facts}: not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr


def test_output_file_in_html_and_chinese(tmp_path):
    target = tmp_path / "guide.html"
    done = mini("diagnose", "-s", "loss-nan", "--lang", "zh", "-f", "html", "-o", str(target))
    assert done.returncode == 0, done.stderr
    page = target.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<h1>故障排查指南</h1>" in page


def test_kb_list_and_show():
    listed = mini("kb", "list", "--kind", "diagnosis")
    assert listed.returncode == 0
    assert "ctc" in listed.stdout and "clip-practice" not in listed.stdout
    shown = mini("kb", "show", "ctc")
    assert shown.returncode == 0 and shown.stdout.startswith("# CTC without blank")
    missing = mini("kb", "show", "ctcc")
    assert missing.returncode == 2 and "Did you mean: ctc?" in missing.stderr


def test_kb_symptoms_lists_ids_titles_and_how_each_is_detected():
    listed = run_cli("kb", "symptoms")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split() for line in listed.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == sorted(load_kb().symptoms)
    (nan,) = [line for line in listed.stdout.splitlines() if line.startswith("loss-nan ")]
    assert "Loss becomes NaN" in nan and "metrics, log, question" in nan
    chinese = run_cli("kb", "symptoms", "--lang", "zh")
    assert "loss 变成 NaN" in chinese.stdout and "获取方式" in chinese.stdout


def test_kb_context_lists_keys_types_values_synonyms_and_questions():
    listed = mini("kb", "context")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    framework = next(line for line in lines if line.startswith("framework "))
    assert "choice" in framework and "caffe (caffe1, bvlc)" in framework
    assert "Which framework are you training with?" in framework
    assert any("pytorch (torch, lightning, pytorch-lightning)" in line for line in lines)
    batch = next(line for line in lines if line.startswith("batch_size "))
    assert "integer" in batch and "a whole number (samples)" in batch
    assert "true or false" in next(line for line in lines if line.startswith("uses_batchnorm "))
    real = run_cli("kb", "context").stdout.splitlines()[1:]
    keys = [line.split()[0] for line in real if not line.startswith(" ")]  # not a 2nd value
    assert keys == list(load_kb().context)
    chinese = mini("kb", "context", "--lang", "zh")
    assert "你用的是哪个训练框架?" in chinese.stdout and "整数 (个样本)" in chinese.stdout
    wrong = mini("kb", "context", "--lang", "fr")
    assert wrong.returncode == 2 and "'fr' is not one of" in wrong.stderr


def test_json_output_is_the_same_whatever_the_hash_seed():
    """experta hands a rule's bindings over in hash order; the output must not follow it."""
    args = ("-m", "troubleshoot", "diagnose", "-s", "loss-nan", "-f", "json")
    args += ("-c", "framework=caffe", "-c", "architecture=cnn", "-c", "uses_batchnorm=true")
    outputs = {
        subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1
    out = json.loads(outputs.pop())
    assert any(len(r["matched_facts"]) >= 3 for d in out["diagnoses"] for r in d["fired_rules"])


def test_the_summary_says_where_runs_it_leaves_out_are_listed(tmp_path):
    """The terminal lists 50 runs; the guide's table 100; the JSON every one. Past the
    guide's 100, "see the guide" would send the user to a list that stops short too."""
    one_run = (TESTS / "fixtures" / "reallogs" / "caffe-nan-01.log").read_text()
    for runs, said in ((60, "and 10 more runs (see the guide)"), (120, "lists the first 100")):
        log = tmp_path / f"{runs}.log"
        log.write_text(one_run * runs)  # the iteration going back starts each next run
        done = run_cli("diagnose", str(log), "--output", str(tmp_path / "guide.md"))
        assert done.returncode == 0, done.stderr
        assert said in done.stdout + done.stderr
    done = run_cli("diagnose", "--lang", "zh", str(log), "--output", str(tmp_path / "g.md"))
    assert "另有 70 次训练:指南的表格列出前 100 次" in done.stdout + done.stderr
