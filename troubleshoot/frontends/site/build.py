"""Write the site: every page in both languages, the assets, and the search index.

The pages' words come from render/ (the ``kb show`` pages, the site's own templates); this
module decides only which pages exist and where they go."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from troubleshoot.consult.checklist import ties
from troubleshoot.consult.consultation import consult_facts
from troubleshoot.facts import FactSet, SymptomFact
from troubleshoot.frontends.site.examples import Example, example_charts
from troubleshoot.frontends.site.search import write_query_words
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Lesson, Symptom
from troubleshoot.knowledge.site import home_groups
from troubleshoot.lang import Lang
from troubleshoot.render.checker import write_checker
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.pages import lesson_page, symptom_page
from troubleshoot.render.site_html import Links, Page, page_html
from troubleshoot.render.site_pages import (
    home_page,
    lessons_index,
    source_page,
    sources_index,
    symptoms_index,
)

ASSETS = ("site.css", "search.js")
QUERY_WORDS = "words.zh.js"  # the Chinese search page's word list (search.write_query_words)
OWN = ("en", "zh", "assets", "pagefind", "index.html")  # what a new build replaces in OUT
_ROOT = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=en/">
<title>troubleshoot</title>
</head>
<body>
<p><a href="en/">English</a> · <a href="zh/" lang="zh">中文</a></p>
</body>
</html>
"""


@dataclass(frozen=True)
class Guide:
    """One Markdown file of the user guide: its repository path, page and text."""

    source: str
    path: str
    text: str
    title: str


def guide_files(root: Path | None) -> list[Guide]:
    """README.md and docs/**/*.md of a checkout (none outside one), README as the guide's
    first page: its relative links to the other files then resolve to their pages."""
    if root is None or not (root / "README.md").is_file():
        return []
    found = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    guides = []
    for file in found:
        source = file.relative_to(root).as_posix()
        stem = source.removeprefix("docs/").removesuffix(".md")
        path = "docs/" if source == "README.md" else f"docs/{stem}/"
        text = file.read_text(encoding="utf-8")
        title = next(
            (line[2:].strip() for line in text.splitlines() if line.startswith("# ")), stem
        )
        guides.append(Guide(source, path, text, title))
    return guides


def ranked_causes(kb: KnowledgeBase, symptom: Symptom) -> list[Lesson]:
    """The lessons that explain a symptom, most likely first: those the engine fires on it
    alone, by score (what ``diagnose -s`` ranks), then the others tied to it (they need more
    facts), by their strongest rule. The checklist would order the latter by belief, but
    its questions make it ten times slower, and a page names no questions."""
    facts = FactSet().extend([SymptomFact(symptom.id)])
    fired = [d.lesson for d in consult_facts(kb, facts).result.diagnoses]
    seen = {x.id for x in fired}
    rest = [
        x
        for x in kb.lessons.values()
        if x.id not in seen and (symptom.id in ties(x) or symptom.id in x.symptoms)
    ]
    rest.sort(key=lambda x: (-max((r.weight for r in x.rules), default=0.0), x.id))
    return fired + rest


def pages(
    kb: KnowledgeBase, lang: Lang, guides: list[Guide], examples: dict[str, Example]
) -> list[Page]:
    """Every page of one language."""
    t = STRINGS[lang]
    found = [
        Page("", lang, t["site_title"], home_page(kb, home_groups(kb), lang)),
        Page("symptoms/", lang, t["site_symptoms"], symptoms_index(kb, lang)),
        Page("lessons/", lang, t["site_lessons"], lessons_index(kb, lang)),
        Page("sources/", lang, t["site_sources"], sources_index(kb, lang)),
        Page("search/", lang, t["site_search"], f"# {t['site_search']}\n", search=True),
    ]
    for symptom in sorted(kb.symptoms.values(), key=lambda s: s.id):
        example = examples.get(symptom.id)
        found.append(
            Page(
                f"symptoms/{symptom.id}/",
                lang,
                symptom.title.get(lang),
                symptom_page(kb, symptom, lang, ranked_causes(kb, symptom)),
                figure=example.figure(lang) if example else "",
            )
        )
    for lesson in sorted(kb.lessons.values(), key=lambda x: x.id):
        found.append(
            Page(
                f"lessons/{lesson.id}/", lang, lesson.title.get(lang), lesson_page(kb, lesson, lang)
            )
        )
    for source in kb.sources.values():
        found.append(
            Page(f"sources/{source.id}/", lang, source.heading(lang), source_page(kb, source, lang))
        )
    note = t["site_only_english"] if lang is Lang.ZH else ""
    found += [Page(g.path, lang, g.title, g.text, source=g.source, note=note) for g in guides]
    return found


def build_site(
    kb: KnowledgeBase, out: Path, guide_root: Path | None, examples: list[Path]
) -> list[Path]:
    """Write the site into ``out`` (replacing an earlier build there); returns the pages."""
    guides = guide_files(guide_root)
    links = Links(
        symptoms=frozenset(kb.symptoms),
        lessons=frozenset(kb.lessons),
        sources=frozenset(kb.sources),
        docs={g.source: g.path for g in guides},
    )
    charts = example_charts(kb, examples)
    out.mkdir(parents=True, exist_ok=True)
    for name in OWN:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    written = []
    chinese: list[str] = []
    for lang in Lang:
        for page in pages(kb, lang, guides, charts):
            if lang is Lang.ZH and not page.source:  # the knowledge base's pages, not docs/
                chinese.append(page.markdown)
            target = out / lang.value / page.path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_html(page, links), encoding="utf-8")
            written.append(target)
        write_checker(kb, out / lang.value / "checker", lang)
        written.append(out / lang.value / "checker" / "index.html")
    (out / "assets").mkdir()
    static = files("troubleshoot.render").joinpath("static")
    for name in ASSETS:
        (out / "assets" / name).write_bytes(static.joinpath(name).read_bytes())
    write_query_words(chinese, out / "assets" / QUERY_WORDS)
    (out / "index.html").write_text(_ROOT, encoding="utf-8")
    return written
