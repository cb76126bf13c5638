"""The site's full-text search: Pagefind's index, built over the written pages by its
extended binary (which segments Chinese), shipped by the ``pagefind[extended]`` package."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


class SearchUnavailable(Exception):
    """Pagefind is not installed, or failed; the message says which and what to do."""


def index_site(out: Path) -> None:
    """Write ``out/pagefind/``: one index per page language, and Pagefind's search UI."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchUnavailable(
            "the search index needs Pagefind: pip install 'troubleshoot[site]' "
            "(or build with --no-search)"
        ) from None
    binary = get_executable()
    if binary is None:
        raise SearchUnavailable("Pagefind's binary was not found: pip install 'pagefind[extended]'")
    done = subprocess.run(
        [str(binary), "--site", str(out), "--quiet"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SearchUnavailable(f"Pagefind failed:\n{done.stdout}{done.stderr}")
    _sort_entry(out / "pagefind" / "pagefind-entry.json")


def _sort_entry(path: Path) -> None:
    """Pagefind lists the languages of its entry file in no fixed order; sorted, the same
    site gives the same bytes."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")
