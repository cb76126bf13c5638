"""Shared test helpers: the small test knowledge base, reading one run, running the real CLI."""

from __future__ import annotations

import gzip
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from troubleshoot.consult.gather import RunSplit, read_runs
from troubleshoot.facts import FactSet
from troubleshoot.knowledge.load import KnowledgeBase, load_kb
from troubleshoot.read import RunData, read_inputs

# Property tests draw the same examples on every run, so CI cannot fail by luck;
# HYPOTHESIS_PROFILE=explore searches new ones (and keeps what fails in .hypothesis/).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

_CACHE = pytest.StashKey[tuple[str | None, str]]()  # XDG_CACHE_HOME before, the session's


def pytest_configure(config: pytest.Config) -> None:
    """Caches (the loaded knowledge base, compiled templates) go to a folder of this session,
    never the real home; set before collection, since test modules load the knowledge base
    at import, and inherited by every ``run_cli`` child."""
    config.stash[_CACHE] = (os.environ.get("XDG_CACHE_HOME"), tempfile.mkdtemp(prefix="ts-cache-"))
    os.environ["XDG_CACHE_HOME"] = config.stash[_CACHE][1]


def pytest_unconfigure(config: pytest.Config) -> None:
    before, folder = config.stash[_CACHE]
    shutil.rmtree(folder, ignore_errors=True)
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


TESTS = Path(__file__).parent
MINI_KB = TESTS / "fixtures" / "kb-mini"
REPO = TESTS.parent


def catalogue_lessons() -> int:
    """How many lessons the shipped catalogue lists: full coverage reads "N/N" with this N,
    so adding a lesson to the catalogue and to kb/ does not need a test edited."""
    return len(yaml.safe_load((REPO / "kb/catalogue/lessons.yaml").read_text("utf-8"))["lessons"])


def catalogue_symptoms() -> int:
    """How many symptoms the shipped catalogue lists, as ``catalogue_lessons`` counts lessons."""
    return len(yaml.safe_load((REPO / "kb/catalogue/symptoms.yaml").read_text("utf-8"))["symptoms"])


def read_one(path: Path) -> RunData:
    """Read a file that must hold exactly one run."""
    runs = read_inputs([path])
    assert len(runs) == 1, [r.source for r in runs]
    return runs[0]


def detected_facts(paths: list[Path], given: dict[str, object] | None = None) -> FactSet:
    """What ``diagnose`` detects in files read as one run (``--runs one``)."""
    (run,) = read_runs(paths, given or {}, RunSplit.ONE)
    return run.detected


@pytest.fixture(scope="session")
def mini_kb() -> KnowledgeBase:
    return load_kb(MINI_KB)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the test knowledge base, for breaking it on purpose."""
    target = tmp_path / "kb"
    shutil.copytree(MINI_KB, target)
    return target


def run_cli(
    *args: str, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the real ``troubleshoot`` command in a child process."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "troubleshoot", *args],
        capture_output=True,
        text=True,
        input=input,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def english(phrases) -> list[str]:
    """Warnings and notes (language-free Phrases) as the English pages word them."""
    from troubleshoot.lang import Lang
    from troubleshoot.render.i18n import say

    return [say(phrase, Lang.EN) for phrase in phrases]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site of the real knowledge base, built once per session by the
    real command (with its search index when Pagefind is installed)."""
    out = tmp_path_factory.mktemp("site") / "site"
    search = "--search" if importlib.util.find_spec("pagefind") else "--no-search"
    done = run_cli("site", "build", str(out), search)
    assert done.returncode == 0, done.stderr
    return out


def spawn_interview(
    tmp_path: Path,
    *args: str,
    kb: Path | None = MINI_KB,
    rows: int = 40,
    columns: int = 200,
    timeout: int = 120,
):
    """``troubleshoot interview ARGS`` in a pseudo-terminal of ``rows`` x ``columns``, with
    its own state folder (``kb=None``: the bundled knowledge base). Nothing is timed:
    ``timeout`` only keeps a hung child from hanging the suite."""
    import pexpect

    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHONIOENCODING": "utf-8",
        "TERM": "xterm",
        "PYTHONPATH": str(REPO),
    }
    env.pop("NO_COLOR", None)
    where = ["--kb", str(kb)] if kb is not None else []
    command = [sys.executable, "-m", "troubleshoot", "interview", *where, *args]
    return pexpect.spawn(
        command[0],
        command[1:],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=timeout,
        dimensions=(rows, columns),
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, launched by Playwright through its executable path (Playwright's
    own browser downloads are not used); the modules that use it skip without either.
    Per module, never per session: Playwright's sync API keeps an event loop running while
    it is open, and later tests start their own with asyncio.run."""
    from playwright import sync_api

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def many_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real CaffeNet logs one after another, as a long-lived log file holds them
    (about 17 MB, 41 runs)."""
    path = tmp_path_factory.mktemp("stream") / "many.log"
    with path.open("wb") as out:
        for log in sorted((TESTS / "fixtures" / "caffenet-benchmark").glob("*.log.gz")):
            out.write(gzip.decompress(log.read_bytes()))
    return path
