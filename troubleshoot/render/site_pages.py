"""The Markdown of the documentation site's own pages (home, indexes, one per source); the
symptom and lesson pages are ``kb show``'s (:mod:`troubleshoot.render.pages`).

Links between pages are written site-absolute without the language (``/symptoms/x/``);
:mod:`troubleshoot.render.site_html` makes them relative to the page, in its language."""

from __future__ import annotations

from dataclasses import dataclass, field

from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Citation, Kind, Lesson, Source, Symptom
from troubleshoot.knowledge.site import Group
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.templating import environment


def url_of(kind: str, item_id: str) -> str:
    """The page of a symptom, lesson or source, below the language folder."""
    return f"{kind}/{item_id}/"


def home_page(kb: KnowledgeBase, groups: list[Group], lang: Lang) -> str:
    """Symptoms grouped by what people see; any symptom no group names comes last."""
    named = {s for g in groups for s in g.symptoms}
    listed: list[tuple[str, list[Symptom]]] = [
        (g.title.get(lang), [kb.symptoms[s] for s in g.symptoms]) for g in groups
    ]
    rest = [s for sid, s in sorted(kb.symptoms.items()) if sid not in named]
    if rest:
        listed.append((STRINGS[lang]["site_everything_else"], rest))
    return (
        environment().get_template("home.md.j2").render(t=STRINGS[lang], lang=lang, groups=listed)
    )


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    id: str
    note: str = ""


def _index(title: str, parts: list[tuple[str, list[Item]]]) -> str:
    return environment().get_template("index.md.j2").render(title=title, parts=parts)


def symptoms_index(kb: KnowledgeBase, lang: Lang) -> str:
    items = [
        Item(s.title.get(lang), url_of("symptoms", s.id), s.id)
        for _, s in sorted(kb.symptoms.items())
    ]
    return _index(STRINGS[lang]["site_symptoms"], [("", items)])


def lessons_index(kb: KnowledgeBase, lang: Lang) -> str:
    t = STRINGS[lang]
    parts = []
    for kind in Kind:
        lessons = sorted((x for x in kb.lessons.values() if x.kind is kind), key=lambda x: x.id)
        items = [
            Item(x.title.get(lang), url_of("lessons", x.id), x.id, x.summary.get(lang).strip())
            for x in lessons
        ]
        if items:
            parts.append((t["site_all_lessons_kind"] % {"kind": t["kind_" + kind.value]}, items))
    return _index(t["site_lessons"], parts)


def sources_index(kb: KnowledgeBase, lang: Lang) -> str:
    items = [
        Item(s.heading(lang), url_of("sources", s.id), s.id, s.byline(lang))
        for s in kb.sources.values()
    ]
    return _index(STRINGS[lang]["site_sources"], [("", items)])


@dataclass
class Use:
    """What one lesson takes from one part of a source: the lesson itself (its ``sources``)
    and the numbers of the steps that cite it."""

    lesson: Lesson
    steps: list[int] = field(default_factory=list)


def _uses(kb: KnowledgeBase, source: Source) -> dict[str | None, dict[str, Use]]:
    """Per section (None: the source as a whole), the lessons that cite it, in kb order."""
    found: dict[str | None, dict[str, Use]] = {}

    def note(citation: Citation, lesson: Lesson, step: int | None) -> None:
        if citation.source != source.id:
            return
        use = found.setdefault(citation.section, {}).setdefault(lesson.id, Use(lesson))
        if step is not None and step not in use.steps:
            use.steps.append(step)

    for lesson in sorted(kb.lessons.values(), key=lambda x: x.id):
        for citation in lesson.sources:
            note(citation, lesson, None)
        for number, step in enumerate(lesson.steps, start=1):
            for citation in step.cite:
                note(citation, lesson, number)
        if lesson.confirm:
            for citation in lesson.confirm.cite:
                note(citation, lesson, None)
    return found


def source_page(kb: KnowledgeBase, source: Source, lang: Lang) -> str:
    """What the knowledge base takes from a source, section by section in the source's order,
    with its address; never the source's own text."""
    uses = _uses(kb, source)
    t = STRINGS[lang]
    sections = [
        (label.get(lang), list(uses[key].values()))
        for key, label in source.sections.items()
        if key in uses
    ]
    sections += [
        (f"{t['section']} {key}", list(found.values()))
        for key, found in uses.items()
        if key is not None and key not in source.sections
    ]
    if None in uses:
        sections.append((t["site_whole"], list(uses[None].values())))
    return (
        environment()
        .get_template("source.md.j2")
        .render(t=t, lang=lang, source=source, sections=sections)
    )
