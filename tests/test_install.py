"""A plain (non-editable) install works on every Python >= 3.11 this machine has.

experta 1.9.4 pins frozendict 1.2, which breaks on Python >= 3.10; the compat module must
make the published packages work with nothing but ``pip install``. The wheel also has to
carry the knowledge base and the templates, which an editable install would hide.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, TESTS, catalogue_lessons

TB_RUN = TESTS / "fixtures" / "generated" / "tb-keras"  # train/ and validation/ event files


def _pythons() -> dict[str, str]:
    """Interpreters >= 3.11 found on PATH or in pyenv, by version, this one included."""
    candidates = [sys.executable]
    candidates += [shutil.which(f"python3.{minor}") or "" for minor in range(11, 16)]
    if pyenv := shutil.which("pyenv"):
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(
            str(p) for p in Path(root or "/nonexistent").glob("versions/3.*/bin/python3")
        )
    found: dict[str, str] = {}
    for exe in filter(None, candidates):
        done = subprocess.run(
            [exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        version = done.stdout.strip()
        if done.returncode == 0 and tuple(map(int, version.split("."))) >= (3, 11):
            found.setdefault(version, exe)
    return found


PYTHONS = _pythons()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("troubleshoot-*.whl")
    return built


@pytest.mark.parametrize("version", sorted(PYTHONS))
def test_wheel_installs_and_diagnoses_in_a_fresh_venv(version, wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([PYTHONS[version], "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k != "TROUBLESHOOT_KB"}
    done = subprocess.run(
        [str(venv / "bin" / "troubleshoot"), "diagnose", "-s", "loss-87-3365", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # far from the repository: the kb must come from the wheel
        env=env,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["diagnoses"][0]["id"] == "softmax-overflow-87"
    assert "87.3365" in out["guide"]
    events = subprocess.run(  # event files read with nothing but the plain install
        [str(venv / "bin" / "troubleshoot"), "diagnose", str(TB_RUN), "-f", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert events.returncode == 0, events.stderr
    (read,) = json.loads(events.stdout)["inputs"]
    assert read["format"] == "tensorboard" and read["series"]["val/loss"] == 6
    linted = subprocess.run(
        [str(venv / "bin" / "troubleshoot"), "kb", "lint"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert linted.returncode == 0, linted.stdout[-2000:]
    n = catalogue_lessons()
    assert f"coverage: lessons: {n}/{n}" in linted.stdout  # the catalogues ship in the wheel
