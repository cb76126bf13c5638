"""The site's full-text search: Pagefind's index, built over the written pages by its
extended binary (which segments Chinese), shipped by the ``pagefind[extended]`` package."""

from __future__ import annotations

import json
import re
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


_CHINESE = re.compile(r"[\u3400-\u9fff]{2,}")


def write_query_words(texts: list[str], target: Path) -> None:
    """The Chinese words of the pages, as the index segments them, for the search page.

    Pagefind's extended build cuts Chinese into words with jieba (过拟合 becomes 过 +
    拟合) and matches query words as prefixes of those; the browser cuts a query by its
    own dictionary (ICU), which may split it finer (过 + 拟 + 合), and 合 begins no word of
    the page. ``search.js`` cuts the query along these words instead and keeps each word's
    first character, which every page holding the word matches as a prefix. The words come
    from rjieba, bindings to the same jieba segmenter, over the pages' own text."""
    import rjieba

    words = sorted({w for text in texts for w in rjieba.cut(text) if _CHINESE.fullmatch(w)})
    target.write_text(
        "// Chinese words of the site, as its search index cuts them (frontends/site/search.py)\n"
        f"window.TROUBLESHOOT_WORDS = new Set({json.dumps(words, ensure_ascii=False)});\n",
        encoding="utf-8",
    )
