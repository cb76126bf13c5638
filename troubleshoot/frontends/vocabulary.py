"""``troubleshoot kb symptoms``, ``kb context`` and ``kb list``: the words a user may state
facts in, and the lessons.

``-s``/``--absent``, ``-c key=value``, facts files and answer files all take these ids and
values; listing them from the loaded knowledge base keeps the list true to what is accepted.
"""

from __future__ import annotations

from rich.table import Table

from troubleshoot.frontends.i18n import t
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import ContextKey
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS


def symptom_table(kb: KnowledgeBase, lang: Lang) -> Table:
    """Every symptom id with its title and how it can be established."""
    table = Table(
        t(lang, "col_symptom"), t(lang, "col_title"), t(lang, "col_via"), box=None, pad_edge=False
    )
    for symptom in sorted(kb.symptoms.values(), key=lambda s: s.id):
        via = ", ".join(t(lang, f"via_{v.value}") for v in symptom.via)
        table.add_row(symptom.id, symptom.title.get(lang), via)
    return table


def allowed_values(key: ContextKey, lang: Lang) -> str:
    """What ``-c key=...`` accepts, one choice a line with the synonyms also understood."""
    if key.type != "choice":
        unit = f" ({key.unit.get(lang)})" if key.unit else ""
        amounts = [f"{word} = {value:g}" for word, value in key.amounts.items()]
        return "\n".join([t(lang, f"type_{key.type}") + unit, *amounts])
    lines = []
    for choice in key.choices:
        synonyms = f" ({', '.join(choice.synonyms)})" if choice.synonyms else ""
        lines.append(f"{choice.value}{synonyms}")
    return "\n".join(lines)


def context_table(kb: KnowledgeBase, lang: Lang) -> Table:
    """Every context key with its type, the values it accepts and the question it answers."""
    headings = [t(lang, f"col_{name}") for name in ("key", "type", "values", "question")]
    table = Table(*headings, box=None, pad_edge=False)
    for key in kb.context.values():
        kind = t(lang, f"ctype_{key.type}")
        table.add_row(key.key, kind, allowed_values(key, lang), key.question.get(lang))
    return table


def lesson_table(kb: KnowledgeBase, lang: Lang, kind: str | None) -> Table:
    """The lessons (of one kind, if given), by kind and id, with their titles and symptoms."""
    headings = [t(lang, f"col_{name}") for name in ("id", "kind", "title", "symptoms")]
    table = Table(*headings, box=None, pad_edge=False)
    for lesson in sorted(kb.lessons.values(), key=lambda x: (x.kind.value, x.id)):
        if kind is None or lesson.kind.value == kind:
            label = STRINGS[lang][f"kind_{lesson.kind.value}"]
            table.add_row(lesson.id, label, lesson.title.get(lang), " ".join(lesson.symptoms))
    return table
