"""Every corpus run (real CPU training with injected faults) shows what its label says.

The runs are read from ``series.json.gz``, the exact points each run logged, so these
tests do not depend on the readers; benchmarks/make_corpus.py writes both it and the
user-format files next to it. A run that crashed has only its printed traceback to show:
its error events are the lines of its log that the readers' error recogniser
(``troubleshoot.read.errors.error_kind``) names.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import pytest

from troubleshoot.detect import detect
from troubleshoot.read import read_inputs
from troubleshoot.read.errors import error_kind
from troubleshoot.read.model import LogEvent, RunData, Series

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
PROBE_FIELDS = {
    "grad_norm": ("weight", "param-diff"),
    "weight_norm": ("weight", "param-data"),
    "act_mean_abs": ("out", "forward-data"),
}


@cache
def manifest() -> dict[str, dict]:
    return {m["run"]: m for m in json.loads((CORPUS / "manifest.json").read_text())}


@cache
def _logged() -> dict[str, dict]:
    return json.loads(gzip.decompress((CORPUS / "series.json.gz").read_bytes()))


def corpus_run(name: str) -> RunData:
    """One corpus run as RunData, with its per-layer probes and its context."""
    logged = _logged()[name]
    run = RunData(f"corpus/{name}", "corpus", context=dict(manifest()[name]["context"]))
    for series, points in logged["series"].items():
        target = run.get(series)
        for step, value in points:
            target.append(step, value)
    for row in logged["probes"]:
        for key, (blob, phase) in PROBE_FIELDS.items():
            if key in row:
                run.layers.series(row["layer"], blob, phase).append(row["step"], row[key])
        if "zero_fraction" in row:
            share = run.layers.zero_fraction.setdefault(
                row["layer"], Series(f"{row['layer']}/zero_fraction")
            )
            share.append(row["step"], row["zero_fraction"])
    run.events += _error_events(name)
    return run


def _error_events(name: str) -> list[LogEvent]:
    events = []
    for file in manifest()[name]["files"]:
        if file.endswith(".log"):
            with (CORPUS / file).open(encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if kind := error_kind(line):
                        events.append(LogEvent(kind, n, line.strip()))
    return events


def test_the_corpus_is_small_and_labelled():
    size = sum(p.stat().st_size for p in CORPUS.iterdir())
    assert size < 3_000_000
    runs = manifest()
    assert sum(m["healthy"] for m in runs.values()) >= 8
    assert all(m["healthy"] == (not m["expected"]) for m in runs.values())
    assert set(runs) == set(_logged())
    for m in runs.values():
        assert all((CORPUS / f).exists() for f in m["files"])


@pytest.mark.parametrize("name", sorted(manifest()))
def test_corpus_run_shows_its_labels_and_nothing_unexplained(name):
    label = manifest()[name]
    found = set(detect(corpus_run(name)).symptoms)
    assert set(label["expected"]) <= found
    assert found - set(label["expected"]) <= set(label["also"])


def _crashed() -> list[str]:
    return [n for n, m in manifest().items() if any(s.startswith("error-") for s in m["expected"])]


def test_the_corpus_has_a_run_that_crashed():
    assert "bn-last-batch-of-one-text" in _crashed()


@pytest.mark.parametrize("name", _crashed())
def test_a_crashed_run_read_from_its_log_shows_its_error(name):
    (log,) = [f for f in manifest()[name]["files"] if f.endswith(".log")]
    (run,) = read_inputs([CORPUS / log])
    assert set(manifest()[name]["expected"]) <= set(detect(run).symptoms)
