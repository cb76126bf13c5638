"""``troubleshoot diagnose FILE``: real logs in, symptoms with evidence and a report out."""

from __future__ import annotations

import json
import random

from conftest import REPO, TESTS, run_cli

REAL = TESTS / "fixtures" / "reallogs"


def test_bundled_example_log_is_explained_with_evidence():
    done = run_cli("diagnose", str(REPO / "examples" / "caffe-87.log"), "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["diagnoses"][0]["id"] == "softmax-overflow-87"
    (symptom,) = [s for s in out["symptoms"] if s["id"] == "loss-87-3365"]
    evidence = symptom["provenance"]["evidence"][0]
    assert symptom["provenance"]["origin"] == "detected"
    assert evidence["series"] and evidence["step"] == 100 and evidence["line"]
    assert out["inputs"][0]["format"] == "caffe-glog"
    # the terminal summary goes to stderr, so stdout stays valid JSON
    assert "Symptoms found" in done.stderr and "softmax-overflow-87" in done.stderr


def test_report_has_the_guide_and_annotated_charts(tmp_path):
    report = tmp_path / "report.html"
    done = run_cli("diagnose", str(REAL / "caffe-nan-01.log"), "-q", "--report", str(report))
    assert done.returncode == 0, done.stderr
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page and "Troubleshooting guide" in page
    assert "loss-nan at 80" in page  # the caption names each marker in words
    md = tmp_path / "report.md"
    done = run_cli("diagnose", str(REAL / "caffe-nan-01.log"), "-q", "--report", str(md))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report-run-1.svg").is_file()
    assert "![" in md.read_text(encoding="utf-8")


def test_garbage_and_empty_files_get_a_clear_error(tmp_path):
    garbage = tmp_path / "weights.bin"
    garbage.write_bytes(random.Random(7).randbytes(4096))
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    for path in (garbage, empty):
        done = run_cli("diagnose", str(path))
        assert done.returncode == 2, done.stdout
        assert "error:" in done.stderr and "Traceback" not in done.stderr


def test_garbage_beside_a_real_log_loses_nothing(tmp_path):
    garbage = tmp_path / "weights.bin"
    garbage.write_bytes(random.Random(7).randbytes(4096))
    done = run_cli("diagnose", str(garbage), str(REPO / "examples" / "caffe-87.log"), "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["diagnoses"][0]["id"] == "softmax-overflow-87"
    assert any("weights.bin" in w and "binary" in w for w in out["warnings"])


def test_gbk_encoded_log_is_read(tmp_path):
    text = (REAL / "caffe-nan-01.log").read_text(encoding="utf-8")
    gbk = tmp_path / "训练日志.log"
    gbk.write_bytes(("# 训练日志:学习率 0.01,损失变成 nan\n" + text).encode("gbk"))
    done = run_cli("diagnose", str(gbk), "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    ids = [s["id"] for s in json.loads(done.stdout)["symptoms"]]
    assert "loss-nan" in ids


CORPUS = TESTS / "fixtures" / "corpus"


def _symptoms(out: dict) -> dict[str, dict]:
    return {s["id"]: s for s in out["symptoms"]}


def test_a_class_count_is_inferred_from_the_run_and_a_stated_one_wins(tmp_path):
    """A Lightning metrics.csv does not say how many classes there are, but the run shows
    it: validation accuracy stuck near 0.1 while the loss starts at 2.33, near ln 10. The
    count is a detected context fact saying so; a count the user states wins."""
    csv = str(CORPUS / "shuffled-labels-lightning.csv")
    done = run_cli("diagnose", csv, "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    fact = _symptoms(out)["acc-at-chance"]
    assert fact["provenance"]["origin"] == "detected"
    assert "chance 1/10" in fact["provenance"]["evidence"][0]["detail"]
    (inferred,) = [c for c in out["context"] if c["key"] == "num_classes"]
    assert inferred["value"] == 10
    assert inferred["provenance"]["origin"] == "detected"
    assert inferred["provenance"]["note_key"] == "note_inferred"
    details = [e["detail"] for e in inferred["provenance"]["evidence"]]
    assert "about 1/10" in details[0] and "near ln 10" in details[1]

    done = run_cli("diagnose", csv, "-c", "num_classes=100", "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert "acc-at-chance" not in _symptoms(out)  # 0.12 is twelve times chance for 100
    (given,) = [c for c in out["context"] if c["key"] == "num_classes"]
    assert given["value"] == 100 and given["provenance"]["origin"] == "given"

    facts = tmp_path / "facts.yaml"
    facts.write_text("context:\n  num_classes: 10\n", encoding="utf-8")
    done = run_cli("diagnose", csv, "--facts", str(facts), "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    assert "acc-at-chance" in _symptoms(json.loads(done.stdout))
