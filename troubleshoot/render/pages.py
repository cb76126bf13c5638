"""Reference pages for one lesson or symptom (``kb show``; the docs site reuses them)."""

from __future__ import annotations

from troubleshoot.detect.threshold_text import fill
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Lesson, Symptom
from troubleshoot.lang import Lang
from troubleshoot.render.guide import CitationIndex, linked
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.rules_text import rule_text
from troubleshoot.render.templating import environment, framework_snippets


def lesson_page(kb: KnowledgeBase, lesson: Lesson, lang: Lang = Lang.EN) -> str:
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
        )
    )


def symptom_page(
    kb: KnowledgeBase, symptom: Symptom, lang: Lang = Lang.EN, lessons: list[Lesson] | None = None
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
        )
    )
