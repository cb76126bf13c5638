"""`troubleshoot scan` over real folders of fixture runs: one row per run and symptom, the
same findings as `diagnose` of each run alone, a damaged file as a row with its error, a
second scan that skips what did not change, both table formats, URLs through fsspec, and
the same scan on a Dask cluster."""

from __future__ import annotations

import csv
import json
import os
import shutil
from functools import partial
from pathlib import Path

import fsspec
import pyarrow.parquet as pq
import pytest
from conftest import TESTS, run_cli

from troubleshoot.consult import fleet
from troubleshoot.lang import Lang
from troubleshoot.render import table_out
from troubleshoot.render.i18n import say_lines

REAL = TESTS / "fixtures" / "reallogs"
CORPUS = TESTS / "fixtures" / "corpus"
CORPUS_RUNS = ["caffe-softmax-87-text.log", "dead-relu-jsonl.jsonl", "dead-relu-jsonl.layers.csv"]
BROKEN = "broken.log"
EXPLAIN = partial(say_lines, lang=Lang.EN)


@pytest.fixture
def fleet_dir(tmp_path: Path) -> Path:
    """A folder of runs: the real logs, a run of two files, a run folder, a damaged file."""
    root = tmp_path / "fleet"
    shutil.copytree(REAL, root, ignore=shutil.ignore_patterns("manifest.json"))
    for name in CORPUS_RUNS:
        shutil.copy(CORPUS / name, root / name)
    (root / "run-folder").mkdir()
    shutil.copy(CORPUS / "vae-kl-sign-jsonl.jsonl", root / "run-folder" / "metrics.jsonl")
    (root / BROKEN).write_bytes(b"\x00\x01\x02 not a log \xff\xfe")
    return root


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _by_source(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["source"], []).append(row)
    return grouped


def test_scan_writes_a_row_per_run_and_symptom_as_diagnose_finds_them(fleet_dir: Path):
    out = fleet_dir.parent / "runs.csv"
    done = run_cli("scan", str(fleet_dir), "--output", str(out))
    assert done.returncode == 0, done.stderr
    grouped = _by_source(_csv_rows(out))
    runs = {p.name for p in REAL.iterdir() if p.name != "manifest.json"}
    expected = runs | {"caffe-softmax-87-text.log", "dead-relu-jsonl", "run-folder", BROKEN}
    assert {Path(s).name for s in grouped} == expected
    (broken,) = grouped[str(fleet_dir / BROKEN)]
    assert "binary data" in broken["error"] and not broken["symptom"]
    # Every run's row against `diagnose` of that run alone, by the real command.
    for name in ["caffe-nan-01.log", "pytorch-oom-01.log", "dead-relu-jsonl", "run-folder"]:
        rows = grouped[str(fleet_dir / name)]
        given = fleet_dir / name
        paths = [given] if given.exists() else sorted(fleet_dir.glob(name + ".*"))
        alone = run_cli("diagnose", *map(str, paths), "--format", "json", "--quiet")
        assert alone.returncode == 0, alone.stderr
        verdict = json.loads(alone.stdout)
        present = {s["id"] for s in verdict["symptoms"] if s["present"]}
        assert {r["symptom"] for r in rows if r["symptom"]} == present, name
        top = [(d["id"], d["score"]) for d in verdict["diagnoses"][: table_out.TOP_LESSONS]]
        first = rows[0]
        table_top = [
            (first[f"lesson_{n}"], float(first[f"score_{n}"])) for n in range(1, len(top) + 1)
        ]
        assert table_top == [(i, pytest.approx(s, abs=1e-4)) for i, s in top], name
        assert all(not r["error"] for r in rows)
        assert (out.parent / first["guide"]).read_text(encoding="utf-8").startswith("#")
    summary = done.stdout
    assert "loss-nan" in summary and "binary data" in summary
    worst = summary.split("\n## ")[2]  # the worst runs first, linked to their guides
    assert "[guide](guides/" in worst


def test_a_second_scan_diagnoses_only_what_changed(fleet_dir: Path, tmp_path: Path):
    state = fleet.ScanState.load(tmp_path / "state.json", "kb-1")
    runs = fleet.find_runs([str(fleet_dir)])
    job = fleet.ScanJob(table_out.describe, EXPLAIN)
    first = fleet.scan(runs, job, state)
    assert not any(r.reused for r in first)
    changed = fleet_dir / "caffe-nan-01.log"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = fleet.scan(runs, job, fleet.ScanState.load(tmp_path / "state.json", "kb-1"))
    assert [r.label for r in again if not r.reused] == [str(changed)]
    assert [r.data for r in again] == [r.data for r in first]
    # Another knowledge base judges anew.
    other = fleet.scan(runs, job, fleet.ScanState.load(tmp_path / "state.json", "kb-2"))
    assert not any(r.reused for r in other)


def test_the_command_skips_unchanged_runs_and_force_redoes_them(fleet_dir: Path):
    out = fleet_dir.parent / "runs.parquet"
    first = run_cli("scan", str(fleet_dir), "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert "(0 unchanged" in first.stdout
    table = pq.read_table(out).to_pylist()
    again = run_cli("scan", str(fleet_dir), "-o", str(out))
    total = len(fleet.find_runs([str(fleet_dir)]))
    assert f"({total} unchanged" in again.stdout
    forced = run_cli("scan", str(fleet_dir), "-o", str(out), "--force")
    assert "(0 unchanged" in forced.stdout
    assert pq.read_table(out).to_pylist() == table and len(table) > total
    # Words in another language are not what the state holds: every run is redone.
    chinese = run_cli("scan", str(fleet_dir), "-o", str(out), "--lang", "zh")
    assert "其中0个" in chinese.stdout


def test_parquet_and_csv_hold_the_same_rows(fleet_dir: Path, tmp_path: Path):
    results = fleet.scan(
        fleet.find_runs([str(fleet_dir)]), fleet.ScanJob(table_out.describe, EXPLAIN)
    )
    rows = table_out.rows(results, {})
    table_out.write_table(rows, tmp_path / "runs.parquet")
    table_out.write_table(rows, tmp_path / "runs.csv")
    parquet = pq.read_table(tmp_path / "runs.parquet")
    assert parquet.column_names == table_out.COLUMNS
    assert parquet.schema.field("score_1").type == "double"
    from_csv = _csv_rows(tmp_path / "runs.csv")
    assert len(from_csv) == parquet.num_rows == len(rows)
    for a, b in zip(parquet.to_pylist(), from_csv, strict=True):
        assert {k: "" if v is None else str(v) for k, v in a.items()} == b


def test_a_list_of_paths_on_stdin_and_an_html_report(fleet_dir: Path):
    listed = f"# two runs\n{fleet_dir / 'caffe-nan-01.log'}\n\n{fleet_dir / BROKEN}\n"
    out, report = fleet_dir.parent / "runs.csv", fleet_dir.parent / "report.html"
    done = run_cli("scan", "-", "-o", str(out), "--report", str(report), input=listed)
    assert done.returncode == 0, done.stderr
    assert {r["source"] for r in _csv_rows(out)} == {
        str(fleet_dir / "caffe-nan-01.log"),
        str(fleet_dir / BROKEN),
    }
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or "<html" in page
    assert 'href="guides/' in page


def test_globs_and_urls_through_fsspec(fleet_dir: Path):
    memory = fsspec.filesystem("memory")
    memory.pipe("/scan-test/a.log", (REAL / "caffe-87-01.log").read_bytes())
    memory.pipe("/scan-test/b/metrics.jsonl", (CORPUS / "vae-kl-sign-jsonl.jsonl").read_bytes())
    memory.pipe("/scan-test/bad.log", b"\x00\x01\x02")
    try:
        targets = ["memory://scan-test", f"file://{fleet_dir}/pytorch-*.log"]
        results = fleet.scan(fleet.find_runs(targets), fleet.ScanJob(table_out.describe, EXPLAIN))
    finally:
        memory.rm("/scan-test", recursive=True)
    found = {r.label: r for r in results}
    pytorch = sorted(str(p) for p in fleet_dir.glob("pytorch-*.log"))
    in_memory = [
        "memory:///scan-test/a.log",
        "memory:///scan-test/b",
        "memory:///scan-test/bad.log",
    ]
    assert sorted(found) == sorted([*in_memory, *pytorch])
    (run,) = found["memory:///scan-test/a.log"].data["runs"]
    assert run["run"] == "memory:///scan-test/a.log"  # not the temporary copy
    assert [s[0] for s in run["symptoms"]] == ["loss-87-3365"]
    assert "memory:///scan-test/a.log" in run["symptoms"][0][1]
    assert "troubleshoot-scan-" not in json.dumps([r.data for r in results])
    (kl,) = found["memory:///scan-test/b"].data["runs"]
    assert "kl-negative" in [s[0] for s in kl["symptoms"]]
    assert found["memory:///scan-test/bad.log"].error


def test_a_target_that_does_not_exist_is_refused(tmp_path: Path):
    done = run_cli("scan", str(tmp_path / "nowhere"), "-o", str(tmp_path / "runs.csv"))
    assert done.returncode == 2 and "no such file or folder" in done.stderr


def test_a_dask_cluster_scan_matches_the_local_one(fleet_dir: Path):
    distributed = pytest.importorskip("distributed")
    runs = fleet.find_runs([str(fleet_dir)])
    job = fleet.ScanJob(table_out.describe, EXPLAIN)
    here = fleet.scan(runs, job)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        there = fleet.scan(runs, job, client=client)
    assert [(r.label, r.data, r.error) for r in there] == [(r.label, r.data, r.error) for r in here]
    assert any(r.error for r in there) and sum(r.error is None for r in there) >= 10
    assert os.path.basename(next(r.label for r in there if r.error)) == BROKEN


def test_the_command_on_a_local_cluster_of_processes_writes_the_same_table(fleet_dir: Path):
    pytest.importorskip("distributed")
    here, there = fleet_dir.parent / "here.csv", fleet_dir.parent / "there.csv"
    assert run_cli("scan", str(fleet_dir), "-o", str(here), "--no-guides").returncode == 0
    done = run_cli("scan", str(fleet_dir), "-o", str(there), "--no-guides", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert _csv_rows(there) == _csv_rows(here)
    assert "INFO" not in done.stderr  # Dask's own logging stays out of the output


def test_equally_bad_runs_are_listed_in_the_order_they_were_read():
    """Ties in the worst runs (same top score, as many symptoms) keep the log's order:
    run-2 before run-10, which sorting by name as text had reversed."""
    runs = [
        {
            "run": f"x.log#run-{n}",
            "symptoms": [["loss-nan", ""]],
            "lessons": [["lr-too-large", 0.6]],
        }
        for n in (1, 2, 10, 11)
    ]
    result = fleet.RunResult(label="x.log", fingerprint="", data={"runs": runs})
    report = table_out.summary([result], {})
    listed = [line.split("|")[1].strip() for line in report.splitlines() if "#run-" in line]
    assert listed == [run["run"] for run in runs]
