"""The drawn corpora the detection benchmark reports on (held-out, and the broad development
draw from the same generator) are whole and as broad as promised.

Only their shape is checked here; no detector runs on them outside benchmarks/detection.py.
"""

from __future__ import annotations

import json
import tarfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

MIN_BROAD_RUNS, MIN_BROAD_HEALTHY = 140, 25  # a draw of 200 settings keeps about 70%
BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
# Each archive with the runs and healthy runs it must hold at least.
ARCHIVES = {
    "heldout.tar.xz": (200, 30),
    "devbroad.tar.xz": (MIN_BROAD_RUNS, MIN_BROAD_HEALTHY),
    "devformer.tar.xz": (200, 30),  # the first held-out draw, development material now
    "devthird.tar.xz": (MIN_BROAD_RUNS, MIN_BROAD_HEALTHY),
}
CATALOGUE = Path(__file__).parent.parent / "kb" / "catalogue"


@pytest.fixture(scope="module", params=sorted(ARCHIVES))
def archive(request) -> tuple[list[dict], set[str], tuple[int, int]]:
    with tarfile.open(BENCHMARKS / request.param) as tar:
        names = set(tar.getnames())
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return json.load(stream), names, ARCHIVES[request.param]


def test_every_listed_file_is_in_the_archive(archive):
    manifest, names, _ = archive
    for run in manifest:
        for name in run["files"]:
            assert name in names or any(n.startswith(name + "/") for n in names), name


def test_enough_runs_and_healthy_runs(archive):
    manifest, _, (runs, healthy) = archive
    assert len(manifest) >= runs
    assert sum(run["healthy"] for run in manifest) >= healthy


def test_labels_name_known_symptoms_and_lessons(archive):
    manifest, _, _ = archive
    symptoms = {
        s["id"] for s in yaml.safe_load((CATALOGUE / "symptoms.yaml").read_text())["symptoms"]
    }
    lessons = {x["id"] for x in yaml.safe_load((CATALOGUE / "lessons.yaml").read_text())["lessons"]}
    for run in manifest:
        assert set(run["expected"]) | set(run["also"]) <= symptoms, run["run"]
        assert set(run["expected"]) <= set(run["judged"]), run["run"]
        assert set(run["lessons"]) <= lessons, run["run"]
        assert run["healthy"] == (not run["expected"] and not run["also"]), run["run"]


def test_breadth_of_libraries_tasks_and_models(archive):
    manifest, _, _ = archive
    formats = Counter(run["format"] for run in manifest)
    assert {
        "print",
        "jsonl",
        "tensorboard",
        "keras-csv",
        "keras-progress",
        "lightning-csv",
        "lightning-tb",
        "hf-state",
        "hf-print",
    } <= set(formats)
    settings = [run["setting"] for run in manifest]
    assert {"mlp", "cnn", "lstm", "transformer"} <= {s["model"] for s in settings}
    assert {"sgd", "sgdm", "adam", "adamw", "rmsprop"} <= {s["optimizer"] for s in settings}
    classes = {run["truth"]["num_classes"] for run in manifest}
    assert {0, 2, 5, 10, 100} <= classes  # 0: regression
