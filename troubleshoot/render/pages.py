"""Reference pages for one lesson or symptom (``kb show``; the docs site reuses them)."""

from __future__ import annotations

from troubleshoot.detect.threshold_text import fill
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Lesson, Symptom
from troubleshoot.lang import Lang
from troubleshoot.render.guide import CitationIndex, linked
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.links import page_url
from troubleshoot.render.rules_text import rule_text
from troubleshoot.render.templating import environment, framework_snippets


def lesson_page(
    kb: KnowledgeBase, lesson: Lesson, lang: Lang = Lang.EN, site_url: str | None = None
) -> str:
    """The lesson's page; with ``site_url``, a link to its page on the documentation site."""
    return (
        environment()
        .get_template("lesson.md.j2")
        .render(
            t=STRINGS[lang],
            kb=kb,
            lesson=lesson,
            lang=lang,
            cites=CitationIndex(kb, lang),
            rule_text=lambda rule: rule_text(rule, lang),
            sorted_code=framework_snippets,
            related=linked(kb, lesson),
            url=page_url(site_url, lang, "lessons", lesson.id),
        )
    )


def symptom_page(
    kb: KnowledgeBase,
    symptom: Symptom,
    lang: Lang = Lang.EN,
    lessons: list[Lesson] | None = None,
    site_url: str | None = None,
) -> str:
    """The symptom's page; ``lessons`` (the causes, most likely first) defaults to every
    lesson that names the symptom, in the knowledge base's order."""
    return (
        environment()
        .get_template("symptom.md.j2")
        .render(
            t=STRINGS[lang],
            kb=kb,
            symptom=symptom,
            lang=lang,
            lessons=kb.lessons_for_symptom(symptom.id) if lessons is None else lessons,
            fill=fill,
            url=page_url(site_url, lang, "symptoms", symptom.id),
        )
    )
