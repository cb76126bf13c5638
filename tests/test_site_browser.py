"""The built site in a real browser: Debian's chromium, driven by Playwright through its
executable path (Playwright's own browser downloads are not used), over a real HTTP server
on the loopback. Every internal link of every page resolves, search finds the right pages
in both languages, the language switch keeps the entry, nothing logs an error, and no
request leaves 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from troubleshoot.frontends.site.serve import server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    if not (built_site / "pagefind").is_dir():
        pytest.skip("the site was built without its search index (Pagefind is not installed)")
    httpd = server(built_site, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    yield f"http://{host!s}:{port}/"
    httpd.shutdown()
    httpd.server_close()


class Watch:
    """A browser page that records every request leaving the loopback (and stops it) and
    every console error or uncaught exception."""

    def __init__(self, browser: object) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context()  # type: ignore[attr-defined]
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.page.url}: {exc}"))

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).hostname != "127.0.0.1":
            self.outside.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    def _console(self, message: object) -> None:
        if message.type == "error":  # type: ignore[attr-defined]
            self.errors.append(f"{self.page.url}: {message.text}")  # type: ignore[attr-defined]


@pytest.fixture
def watch(browser: object) -> Iterator[Watch]:
    watched = Watch(browser)
    yield watched
    watched.context.close()
    assert watched.outside == []
    assert watched.errors == []


_LINKS_AND_IDS = """() => [
  Array.from(document.querySelectorAll('a[href], link[href]'), a => a.href),
  Array.from(document.querySelectorAll('[id]'), e => e.id),
]"""


def test_every_internal_link_of_every_page_resolves(watch, site_url):
    todo = [site_url + "en/", site_url + "zh/"]
    ids: dict[str, set[str]] = {}
    wanted: dict[str, set[tuple[str, str]]] = {}  # fragment -> (page linking, target page)
    broken = []
    while todo:
        url = todo.pop()
        if url in ids:
            continue
        response = watch.page.goto(url, wait_until="domcontentloaded")
        if response is None or response.status != 200:
            broken.append(url)
            ids[url] = set()
            continue
        links, found = watch.page.evaluate(_LINKS_AND_IDS)
        ids[url] = set(found)
        for link in links:
            target, fragment = urldefrag(urljoin(url, link))
            if not target.startswith(site_url):
                continue
            if fragment:
                wanted.setdefault(unquote(fragment), set()).add((url, target))
            if target.endswith("/") and target not in ids:
                todo.append(target)
            elif not target.endswith("/"):
                assert watch.context.request.get(target).status == 200, (url, target)
    assert broken == []
    assert len(ids) > 300  # every page of both languages was reached
    missing = [
        (page, f"{target}#{fragment}")
        for fragment, uses in wanted.items()
        for page, target in uses
        if fragment not in ids.get(target, set())
    ]
    assert missing == []


_SEARCH = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const found = await pagefind.search(query);
  return Promise.all(found.results.map(async (r) => (await r.data()).url));
}"""


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "87.3365", ["/en/symptoms/loss-87-3365/", "/en/lessons/softmax-overflow-87/"]),
        ("en", "overfitting", ["/en/symptoms/overfitting/", "/en/lessons/overfitting-toolbox/"]),
        # A word inside a longer run of characters (the page's title is 连一小部分训练数据都
        # 无法过拟合): found only because Pagefind's extended build segments Chinese.
        ("zh", "过拟", ["/zh/symptoms/overfitting/", "/zh/lessons/overfitting-toolbox/"]),
        ("zh", "学习率", ["/zh/lessons/lr-too-large/", "/zh/lessons/lr-step-decay/"]),
    ],
)
def test_search_finds_the_pages_in_the_page_language(watch, site_url, lang, query, expected):
    """Pagefind's own API on the search page: one index per language."""
    watch.page.goto(f"{site_url}{lang}/search/")
    found = watch.page.evaluate(_SEARCH, query)
    assert set(expected) <= set(found), found
    assert all(url.startswith(f"/{lang}/") for url in found)


def test_the_search_box_in_the_header_runs_a_search(watch, site_url):
    watch.page.goto(site_url + "zh/lessons/lr-too-large/")
    watch.page.fill("form.search input[name=q]", "87.3365")
    watch.page.press("form.search input[name=q]", "Enter")
    results = watch.page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=15000)
    assert urlsplit(watch.page.url).path == "/zh/search/"
    found = [urlsplit(h).path for h in results.evaluate_all("els => els.map(e => e.href)")]
    assert "/zh/symptoms/loss-87-3365/" in found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("过拟合", ["/zh/symptoms/overfitting/", "/zh/lessons/overfitting-toolbox/"]),
        ("梯度爆炸", ["/zh/symptoms/grad-exploding/"]),
        ("87.3365", ["/zh/symptoms/loss-87-3365/"]),
    ],
)
def test_the_chinese_search_page_finds_what_a_person_types(watch, site_url, query, expected):
    """Through the search page as a person uses it: the index cuts 过拟合 into 过 + 拟合
    and the browser would cut the query into 过 + 拟 + 合; the page cuts it along the
    index's words first (search.js, docs/site.md)."""
    watch.page.goto(f"{site_url}zh/search/?q={query}")
    results = watch.page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=15000)
    found = {urlsplit(h).path for h in results.evaluate_all("els => els.map(e => e.href)")}
    assert set(expected) <= found, found


def test_the_language_switch_keeps_the_entry(watch, site_url):
    for start, then in [
        ("en/lessons/lr-too-large/", "/zh/lessons/lr-too-large/"),
        ("zh/symptoms/overfitting/", "/en/symptoms/overfitting/"),
        ("en/sources/002/", "/zh/sources/002/"),
        ("zh/docs/site/", "/en/docs/site/"),
    ]:
        watch.page.goto(site_url + start)
        watch.page.click("header a.lang")
        watch.page.wait_for_url(f"**{then}")
        assert urlsplit(watch.page.url).path == then


def test_framework_tabs_switch_without_script(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "en/lessons/lr-too-large/")
        tabs = page.locator("div.tabs").first
        panels = tabs.locator(":scope > .panel")
        assert panels.nth(0).is_visible() and not panels.nth(1).is_visible()
        tabs.locator(":scope > label").nth(1).click()
        assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()
    finally:
        context.close()
