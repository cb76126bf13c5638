"""A command imports only what it uses: reading no file must not load the readers and numpy,
and ``--help`` not even the knowledge base's models (docs/benchmarks/startup.md has the
times; no timing is asserted here, only which modules a real run imported)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY_FOR_STATED_FACTS = [
    "numpy",
    "matplotlib",
    "charset_normalizer",
    "markdown_it",
    "troubleshoot.read.inputs",
    "troubleshoot.detect.run",
]
# The question planner (consult/select.py) is loaded: every diagnosis lists its checklist
# with the questions that tell the first causes apart.


def imported(*args: str) -> set[str]:
    """The modules a real ``troubleshoot ARGS`` imported, from ``python -X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "troubleshoot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert lines, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


@pytest.mark.parametrize(
    "args", [("diagnose", "-s", "loss-nan"), ("diagnose", "-s", "loss-nan", "-f", "json")]
)
def test_stated_facts_load_no_reader_detector_or_html_renderer(args):
    modules = imported(*args)
    assert "troubleshoot.engine.diagnose" in modules  # the run did diagnose
    assert not modules & set(HEAVY_FOR_STATED_FACTS)


def test_a_warm_cache_parses_no_yaml():
    imported("diagnose", "-s", "loss-nan")  # fills the session's cache
    assert "yaml" not in imported("diagnose", "-s", "loss-nan")


def test_kb_show_loads_no_reader_or_detector():
    modules = imported("kb", "show", "loss-nan")
    assert "troubleshoot.detect.threshold_text" in modules
    assert not modules & {"numpy", "troubleshoot.read.inputs", "troubleshoot.detect.run"}


def test_help_loads_no_knowledge_base_models():
    assert not imported("--help") & {"pydantic", "yaml", "experta", "jinja2", "numpy"}
