"""The package type-checks: mypy runs with the suite, so CI runs it with the README's command.

It also keeps every ``match`` over rule conditions exhaustive (see knowledge/conditions.py).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

pytest.importorskip("mypy", reason="mypy comes with the 'test' extra")


def test_mypy_passes_on_the_package():
    # The settings, and the files to check, are in pyproject.toml's [tool.mypy].
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
