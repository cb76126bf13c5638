"""``diagnose --format json`` of every fixture, compared byte for byte with a recorded output.

The JSON is a contract (docs/json-output.md) and the guide inside it is the Markdown one, so
work that only makes diagnosis faster or lighter must not change a byte of it. The recorded
outputs (``golden/diagnose-json.jsonl.gz``) were written by the code before that work, with

    PYTHONPATH=$PWD python tests/test_json_golden.py

which rewrites them: rerun it only when a change of output is meant, and say so in the commit.
Each case runs in this process through the real command line (``CliRunner``), from the
repository root so that sources are the same relative paths.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from troubleshoot.frontends.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests") / "fixtures"
GOLDEN = ROOT / "tests" / "golden" / "diagnose-json.jsonl.gz"
# Folders of inputs (kb-mini is a knowledge base, not an input); files that describe them.
FOLDERS = ("caffenet-benchmark", "corpus", "dialects", "excerpts", "generated", "reallogs")
NOT_INPUTS = {"manifest.json", "README.md"}  # and the scripts that wrote a folder (*.py)


def cases() -> list[list[str]]:
    """The arguments of each case: every fixture alone, each folder whole (many runs in one
    output), and the Caffe folder in Chinese and as the full guide."""
    out: list[list[str]] = []
    for folder in FOLDERS:
        entries = sorted((ROOT / FIXTURES / folder).iterdir())
        out += [
            [str(FIXTURES / folder / e.name)]
            for e in entries
            if e.name not in NOT_INPUTS and e.suffix != ".py"
        ]
        out.append([str(FIXTURES / folder)])
    caffe = str(FIXTURES / "caffenet-benchmark")
    out += [[caffe, "--lang", "zh"], [caffe, "--full"]]
    return out


def diagnose_json(args: list[str]) -> str:
    """What ``troubleshoot diagnose ARGS --format json --quiet`` prints, after its exit code
    (a file with nothing to read is refused, and stays refused)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        done = CliRunner().invoke(app, ["diagnose", *args, "--format", "json", "--quiet"])
    finally:
        os.chdir(cwd)
    return f"exit {done.exit_code}\n{done.stdout}"


def recorded() -> dict[str, str]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as lines:
        return {" ".join(c["args"]): c["stdout"] for c in map(json.loads, lines)}


@pytest.fixture(scope="module")
def golden() -> dict[str, str]:
    return recorded()


def test_every_case_is_recorded(golden):
    assert sorted(golden) == sorted(" ".join(args) for args in cases())


@pytest.mark.parametrize("args", cases(), ids=" ".join)
def test_output_is_byte_identical(args, golden):
    assert diagnose_json(args) == golden[" ".join(args)], (
        "diagnose's JSON changed; if that is meant (an edit of kb/ moves scores and beliefs), "
        "re-record with: PYTHONPATH=$PWD python tests/test_json_golden.py"
    )


def record() -> None:
    GOLDEN.parent.mkdir(exist_ok=True)
    lines = [json.dumps({"args": a, "stdout": diagnose_json(a)}) + "\n" for a in cases()]
    # mtime 0: the same outputs give the same bytes, so a rerun shows no change in git.
    GOLDEN.write_bytes(gzip.compress("".join(lines).encode("utf-8"), 9, mtime=0))


if __name__ == "__main__":
    record()
