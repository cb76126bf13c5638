"""Every corpus run (real CPU training with injected faults) shows what its label says.

Each run is read from its files (the manifest's ``files``: a training log or metrics file,
and a per-layer statistics file where the run recorded one) through ``read_inputs`` and
judged by ``detect``, exactly as ``troubleshoot diagnose FILE...`` does: the symptoms of a
case are the union over the runs its files hold. The manifest's context (the class count)
is what the user would state with ``-c num_classes=10``, so it is passed as given context;
the files themselves do not carry it. benchmarks/make_corpus.py writes the files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest
from conftest import detected_facts

from troubleshoot.detect import DEFAULT, Thresholds, detect
from troubleshoot.read import read_inputs
from troubleshoot.read.model import RunData

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


@cache
def manifest() -> dict[str, dict]:
    return {m["run"]: m for m in json.loads((CORPUS / "manifest.json").read_text())}


def corpus_paths(name: str) -> list[Path]:
    return [CORPUS / file for file in manifest()[name]["files"]]


def given(name: str) -> dict[str, object]:
    """What a user would state about the run: the manifest's context."""
    return dict(manifest()[name]["context"])


def corpus_runs(name: str) -> list[RunData]:
    """The runs ``read_inputs`` finds in a corpus case's files."""
    return read_inputs(corpus_paths(name))


def corpus_run(name: str) -> RunData:
    """The run read from the case's first file (its training log or metrics file)."""
    return read_inputs([corpus_paths(name)[0]])[0]


def found_in(
    runs: list[RunData],
    stated: Mapping[str, object] | None = None,
    thresholds: Thresholds = DEFAULT,
) -> set[str]:
    """Symptoms detected in any of the runs, as ``detected_facts`` unites them."""
    return {s for run in runs for s in detect(run, stated, thresholds=thresholds).symptoms}


def diagnosed(paths: list[Path], stated: Mapping[str, object] | None = None) -> set[str]:
    """What the product finds in the files: ``detected_facts``, the path of ``diagnose``."""
    return set(detected_facts(paths, given=stated).present_symptoms())


def corpus_symptoms(name: str, thresholds: Thresholds = DEFAULT) -> set[str]:
    return found_in(corpus_runs(name), given(name), thresholds)


def test_the_corpus_is_small_and_labelled():
    size = sum(p.stat().st_size for p in CORPUS.iterdir())
    assert size < 3_000_000
    runs = manifest()
    assert sum(m["healthy"] for m in runs.values()) >= 8
    assert all(m["healthy"] == (not m["expected"]) for m in runs.values())
    for m in runs.values():
        assert all((CORPUS / f).exists() for f in m["files"])
    named = {f for m in runs.values() for f in m["files"]}
    assert {p.name for p in CORPUS.iterdir()} - named == {"manifest.json"}


# Labels the curves cannot show, and why; benchmarks/detection.py counts them as misses.
UNTOLD = {
    "label-leak-lightning": {
        "loss-near-zero": "the leaked label makes validation as perfect as training (1.00): "
        "from the curves that is an easy task fitted exactly, which the articles' check "
        "(a poor validation score confirms it) clears"
    }
}


@pytest.mark.parametrize("name", sorted(manifest()))
def test_corpus_run_shows_its_labels_and_nothing_unexplained(name):
    label = manifest()[name]
    found = diagnosed(corpus_paths(name), given(name))
    assert set(label["expected"]) - set(UNTOLD.get(name, {})) <= found
    assert found - set(label["expected"]) <= set(label["also"])


@pytest.mark.parametrize("name", sorted(manifest()))
def test_a_healthy_or_faulty_run_raises_no_alarm_outside_its_labels_without_context(name):
    """Without the class count nothing may be found that the label does not allow either;
    chance-level judgements just go quiet."""
    label = manifest()[name]
    found = diagnosed(corpus_paths(name))
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


def _at_chance() -> list[str]:
    return sorted(n for n, m in manifest().items() if "acc-at-chance" in m["expected"])


def test_the_corpus_has_runs_at_chance():
    assert len(_at_chance()) >= 5


@pytest.mark.parametrize("name", _at_chance())
def test_a_run_at_chance_is_found_without_its_class_count(name):
    """Nobody states the class count: the run shows it (its first losses at ln 10, or an
    accuracy stuck at 1/10 with the loss starting near ln 10)."""
    assert "acc-at-chance" in diagnosed(corpus_paths(name))
