"""The static site (``troubleshoot site build``), read as files: every entry has its page in
both languages, links and language switches point where they should, nothing is fetched
from elsewhere, two builds are the same bytes, and a broken knowledge base is named."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest
from conftest import MINI_KB, REPO, run_cli

from troubleshoot.knowledge.load import cached_kb

KB = cached_kb(REPO / "kb")
PAGES = [
    *(f"symptoms/{i}/" for i in KB.symptoms),
    *(f"lessons/{i}/" for i in KB.lessons),
    *(f"sources/{i}/" for i in KB.sources),
    "",
    "docs/",
    "docs/kb-format/",
    "search/",
]


def html(site: Path, lang: str, page: str) -> str:
    return (site / lang / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_entry_has_a_page_in_both_languages(built_site, lang):
    missing = [p for p in PAGES if not (built_site / lang / p / "index.html").is_file()]
    assert missing == []
    assert f'<html lang="{lang}">' in html(built_site, lang, "lessons/lr-too-large/")


def test_the_language_switch_keeps_the_entry(built_site):
    page = html(built_site, "en", "lessons/lr-too-large/")
    assert 'class="lang" href="../../../zh/lessons/lr-too-large/"' in page
    page = html(built_site, "zh", "symptoms/overfitting/")
    assert 'class="lang" href="../../../en/symptoms/overfitting/"' in page


def test_named_ids_link_to_their_pages(built_site):
    lesson = html(built_site, "en", "lessons/lr-too-large/")
    assert '<a href="../../symptoms/loss-diverging/"><code>loss-diverging</code></a>' in lesson
    assert '<a href="../../sources/002/"><code>002</code></a>' in lesson
    symptom = html(built_site, "zh", "symptoms/loss-87-3365/")
    assert '<a href="../../lessons/lr-too-large/"><code>lr-too-large</code></a>' in symptom
    # A symptom and a lesson sharing an id: each page points at the other kind.
    assert '"../../symptoms/dead-relu/"' in html(built_site, "en", "lessons/dead-relu/")
    assert '"../../lessons/dead-relu/"' in html(built_site, "en", "symptoms/dead-relu/")


def test_a_symptom_page_shows_a_real_run_and_ranks_the_engine_first(built_site):
    page = html(built_site, "en", "symptoms/loss-87-3365/")
    assert '<figure class="chart">' in page and "<svg" in page
    assert "reallogs/caffe-87-01.log" in page
    # Where the log came from, per its manifest (an issue it was pasted in).
    assert '<a href="https://github.com/peteanderson80/Up-Down-Captioner/issues/2">' in page
    # A committed log: its file at the commit the fixture was taken from.
    plateau = html(built_site, "en", "symptoms/loss-plateau/")
    assert re.search(
        r'<a href="https://github\.com/ducha-aiki/caffenet-benchmark/blob/[0-9a-f]{40}/logs/',
        plateau,
    )
    causes = page[page.index('id="possible-causes"') :]
    first = re.search(r'href="\.\./\.\./lessons/([^/]+)/"', causes)
    assert first is not None
    done = run_cli("diagnose", "-s", "loss-87-3365", "--format", "json")
    import json

    assert first.group(1) == json.loads(done.stdout)["diagnoses"][0]["id"]


def test_framework_code_is_in_tabs_that_need_no_script(built_site):
    page = html(built_site, "en", "lessons/lr-too-large/")
    tabs = page[page.index('<div class="tabs"') :]
    tabs = tabs[: tabs.index("</div>\n</div>")]
    assert tabs.count('type="radio"') >= 2 and tabs.count('class="panel"') >= 2
    assert " checked>" in tabs


def test_a_source_page_links_the_original_and_lists_what_is_taken(built_site):
    page = html(built_site, "en", "sources/003/")
    url = KB.sources["003"].url
    assert url and f'href="{url}"' in page
    for lesson in (x for x in KB.lessons.values() if any(c.source == "003" for c in x.sources)):
        assert f"../../lessons/{lesson.id}/" in page


def test_the_user_guide_links_resolve_to_its_pages(built_site):
    page = html(built_site, "en", "docs/")
    assert 'href="json-output/#one-run-or-several"' in page
    assert 'href="docs/' not in page  # repository paths are rewritten or dropped


def test_no_page_loads_anything_from_elsewhere(built_site):
    external = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//')
    for page in built_site.rglob("*.html"):
        assert not external.search(page.read_text(encoding="utf-8")), page
    for sheet in built_site.rglob("*.css"):
        assert "url(http" not in sheet.read_text(encoding="utf-8"), sheet


def test_the_same_input_gives_the_same_bytes(built_site, tmp_path):
    again = tmp_path / "again"
    search = "--search" if (built_site / "pagefind").is_dir() else "--no-search"
    assert run_cli("site", "build", str(again), search).returncode == 0
    assert _differences(filecmp.dircmp(built_site, again)) == []


def _differences(cmp: filecmp.dircmp) -> list[str]:
    found = [*cmp.left_only, *cmp.right_only, *cmp.diff_files, *cmp.funny_files]
    for sub in cmp.subdirs.values():
        found += _differences(sub)
    return found


def test_a_broken_lesson_is_named_without_a_traceback(kb_copy, tmp_path):
    lesson = next((kb_copy / "lessons").glob("*.yaml"))
    lesson.write_text("id: [unclosed\n", encoding="utf-8")
    done = run_cli("site", "build", str(tmp_path / "out"), "--no-search", "--kb", str(kb_copy))
    assert done.returncode == 2
    assert str(lesson.name) in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_symptom_on_the_home_page_is_named(kb_copy, tmp_path):
    site = kb_copy / "site.yaml"
    site.write_text(
        "groups:\n  - id: g\n    title: {en: G, zh: 组}\n    symptoms: [no-such-symptom]\n",
        encoding="utf-8",
    )
    done = run_cli("site", "build", str(tmp_path / "out"), "--no-search", "--kb", str(kb_copy))
    assert done.returncode == 2
    assert "site.yaml" in done.stderr and "no-such-symptom" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_small_knowledge_base_builds_without_a_home_page_file_or_a_guide(tmp_path):
    """As outside a checkout: no kb/site.yaml, no README and docs/, no example logs."""
    out, nothing = tmp_path / "out", str(tmp_path / "nothing")
    done = run_cli(
        "site",
        "build",
        str(out),
        "--no-search",
        "--kb",
        str(MINI_KB),
        "--docs",
        nothing,
        "--examples",
        nothing,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "zh" / "index.html").is_file() and not (out / "pagefind").exists()
    assert "docs/" not in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_guides_and_kb_show_link_to_the_site_when_its_address_is_set(tmp_path):
    import os

    base = "https://troubleshoot.example.org/kb"
    os.environ["TROUBLESHOOT_SITE_URL"] = base
    try:
        guide = run_cli("diagnose", "-s", "loss-87-3365", "-q", "--lang", "zh").stdout
        report = tmp_path / "report.html"
        run_cli("diagnose", "-s", "loss-87-3365", "-q", "--report", str(report))
    finally:
        del os.environ["TROUBLESHOOT_SITE_URL"]
    assert f"({base}/zh/lessons/softmax-overflow-87/)" in guide
    assert f'href="{base}/en/lessons/softmax-overflow-87/"' in report.read_text("utf-8")
    shown = run_cli("kb", "show", "loss-nan", "--site-url", base + "/").stdout
    assert f"{base}/en/symptoms/loss-nan/" in shown
    assert "/lessons/" not in run_cli("diagnose", "-s", "loss-87-3365", "-q").stdout


def test_site_serve_previews_the_built_site(built_site):
    """The real command, on any free port: its address is on stderr, and it serves."""
    import os
    import subprocess
    import sys
    import urllib.request

    serving = subprocess.Popen(
        [sys.executable, "-m", "troubleshoot", "site", "serve", str(built_site), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert serving.stderr is not None
        line = serving.stderr.readline()
        address = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert address, line
        with urllib.request.urlopen(address.group(0) + "zh/lessons/lr-too-large/") as page:
            assert page.status == 200 and '<html lang="zh">' in page.read().decode("utf-8")
    finally:
        serving.terminate()
        serving.wait(timeout=30)


def test_site_serve_refuses_a_folder_without_a_site(tmp_path):
    done = run_cli("site", "serve", str(tmp_path))
    assert done.returncode == 2 and "build it first" in done.stderr


@pytest.mark.parametrize(
    "symptom", ["overfitting", "loss-nan-sudden", "val-loss-plateau", "metrics-constant-after-step"]
)
def test_symptoms_seen_in_curves_have_a_chart_of_a_real_run(built_site, symptom):
    """Besides the logs pasted in public issues, the fault-injected trainings of the corpus
    illustrate the symptoms those logs never show."""
    page = html(built_site, "en", f"symptoms/{symptom}/")
    assert '<figure class="chart">' in page and "corpus/" in page
