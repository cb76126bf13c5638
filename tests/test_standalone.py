"""A clone of the repository needs nothing beside it.

Users clone the repository alone; nothing the tests, the diagnosis or ``kb lint`` read may
live outside it. This copies the tracked files (``git ls-files``) into an empty folder and
runs the copy's own code and knowledge base there, with no ``TROUBLESHOOT_KB``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, catalogue_lessons, catalogue_symptoms

MARK = " [from the copy]"


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files only, in a folder with no siblings; one lesson title marked so the
    output shows whose knowledge base answered."""
    copy = tmp_path_factory.mktemp("alone") / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["repo"]
    lesson = copy / "kb" / "lessons" / "softmax-overflow-87.yaml"
    data = yaml.safe_load(lesson.read_text(encoding="utf-8"))
    data["title"]["en"] += MARK
    lesson.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return copy


def in_copy(copy: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m troubleshoot ARGS`` with the copy first on the path and as the cwd."""
    env = {k: v for k, v in os.environ.items() if k != "TROUBLESHOOT_KB"}
    env |= {"PYTHONPATH": str(copy), "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_copy_runs_its_own_code(alone):
    done = in_copy(alone, "-c", "import troubleshoot; print(troubleshoot.__file__)")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(alone)


def test_the_copy_diagnoses_the_bundled_example(alone):
    done = in_copy(alone, "-m", "troubleshoot", "diagnose", "examples/caffe-87.log", "-f", "json")
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)["diagnoses"][0]
    assert first["id"] == "softmax-overflow-87"
    assert first["title"].endswith(MARK)  # the copy's kb, not the installed one


def test_the_copy_lints_clean_against_its_own_catalogues(alone):
    done = in_copy(alone, "-m", "troubleshoot", "kb", "lint")
    assert done.returncode == 0, done.stdout[-3000:]
    n = catalogue_lessons()
    assert f"coverage: lessons: {n}/{n}" in done.stdout
    m = catalogue_symptoms()
    assert f"coverage: symptoms: {m}/{m}" in done.stdout
    assert "0 problem(s)" in done.stdout
