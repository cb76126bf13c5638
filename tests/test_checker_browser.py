"""The checker page in a real headless Chromium (Debian's ``chromium``, driven by Playwright
through its executable path): ticking the symptoms and filling in the context of three
knowledge-base examples shows the lessons ``troubleshoot diagnose`` ranks, in its order and
with its likelihood words, with no console error and no request leaving the page's server."""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from troubleshoot.engine.diagnose import diagnose
from troubleshoot.engine.lint import example_facts, iter_examples
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.schema import Example
from troubleshoot.lang import Lang
from troubleshoot.render.checker import checker_data, write_checker

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
)

KB = cached_kb()
OFFERED = {s for g in checker_data(KB, Lang.EN)["groups"] for s in g["symptoms"]}


def _usable(example: Example) -> bool:
    """What the page can express: ticked symptoms (no known-absent ones) and context."""
    return not example.absent and set(example.symptoms) <= OFFERED


def _pick(test: Callable[[Example], bool]) -> Example:
    """Of the examples that pass ``test``, the one that ranks the most lessons: the longer
    the list, the more of the order the page must get right."""
    found = [x for _, _, _, x in iter_examples(KB) if _usable(x) and test(x)]
    return max(found, key=lambda x: len(diagnose(example_facts(x), KB).diagnoses))


def _has_type(example: Example, kind: str) -> bool:
    return any(KB.context[k].type == kind for k in example.context)


def _tie_broken_by_facts(example: Example) -> bool:
    """Two lessons with the same score, ranked by how many facts their rules matched."""
    ranked = diagnose(example_facts(example), KB).diagnoses
    matched = [(d.score, max(len(f.matched) for f in d.fired)) for d in ranked]
    return any(a[0] == b[0] and a[1] != b[1] for a, b in itertools.pairwise(matched))


EXAMPLES = {
    "number-and-boolean": _pick(lambda x: _has_type(x, "integer") and _has_type(x, "boolean")),
    "three-symptoms": _pick(lambda x: len(x.symptoms) >= 3 and _has_type(x, "number")),
    "tie-broken-by-facts": _pick(_tie_broken_by_facts),
    "implied-symptom": _pick(lambda x: any(KB.symptoms[s].implies for s in x.symptoms)),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both pages under /<lang>/checker/ on a loopback server; yields its address."""
    root = tmp_path_factory.mktemp("site")
    for lang in Lang:
        write_checker(KB, root / lang.value / "checker", lang)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class _Watched:
    """A page that records console errors, uncaught exceptions and every request."""

    def __init__(self, browser: Any, **options: object) -> None:
        self.page = browser.new_page(**options)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def ranked(self) -> list[tuple[str, str]]:
        return [
            tuple(pair)
            for pair in self.page.eval_on_selector_all(
                "#checker-results li",
                "lis => lis.map(li => [li.dataset.lesson, li.querySelector('.band').className])",
            )
        ]


def _fill(page: Any, example: Example) -> None:
    for symptom in example.symptoms:
        page.check(f'input[name="symptom"][value="{symptom}"]')
    for key, value in example.context.items():
        field = f'[data-key="{key}"]'
        spec = KB.context[key]
        if spec.type == "choice":
            index = [c.value for c in spec.choices].index(value)
            page.select_option(field, str(index))
        elif spec.type == "boolean":
            page.select_option(field, "true" if value else "false")
        else:
            page.fill(field, str(value))


def _command_line(example: Example) -> list[tuple[str, str]]:
    args = [a for s in example.symptoms for a in ("--symptom", s)]
    for key, value in example.context.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        args += ["--context", f"{key}={shown}"]
    done = run_cli("diagnose", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return [(d["id"], f"band band-{d['likelihood']}") for d in json.loads(done.stdout)["diagnoses"]]


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_page_ranks_as_the_command_line(site: str, browser: Any, name: str) -> None:
    example = EXAMPLES[name]
    watched = _Watched(browser)
    watched.page.goto(f"{site}/en/checker/")
    assert watched.ranked() == []
    _fill(watched.page, example)
    expected = _command_line(example)
    assert expected, f"{example} fires nothing on the command line"
    assert watched.ranked() == expected
    if name == "implied-symptom":
        implied = {t for s in example.symptoms for t in KB.symptoms[s].implies}
        shown = watched.page.eval_on_selector_all(
            "label.implied input:checked:disabled", "boxes => boxes.map(b => b.value)"
        )
        assert set(shown) == implied - set(example.symptoms)
    assert watched.errors == []
    assert [u for u in watched.requests if not u.startswith(site + "/")] == []
    watched.page.close()


def test_clearing_the_form_empties_the_ranking(site: str, browser: Any) -> None:
    watched = _Watched(browser)
    watched.page.goto(f"{site}/zh/checker/")
    _fill(watched.page, EXAMPLES["three-symptoms"])
    assert watched.ranked()
    watched.page.click('button[type="reset"]')
    watched.page.wait_for_function("!document.querySelector('#checker-results li')")
    status = watched.page.text_content("#checker-status")
    assert status == checker_data(KB, Lang.ZH)["words"]["nothing_ticked"]
    assert watched.errors == []
    watched.page.close()


def test_a_phone_sees_the_page_without_sideways_scrolling(site: str, browser: Any) -> None:
    light = _Watched(browser, viewport={"width": 360, "height": 740})
    dark = _Watched(browser, viewport={"width": 360, "height": 740}, color_scheme="dark")
    backgrounds = []
    for watched in (light, dark):
        watched.page.goto(f"{site}/en/checker/")
        _fill(watched.page, EXAMPLES["three-symptoms"])
        width = watched.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        backgrounds.append(watched.page.evaluate("getComputedStyle(document.body).backgroundColor"))
        assert watched.errors == []
        watched.page.close()
    assert backgrounds[0] != backgrounds[1]
