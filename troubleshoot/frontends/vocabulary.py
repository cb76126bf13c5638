"""``troubleshoot kb symptoms`` and ``kb context``: the words a user may state facts in.

``-s``/``--absent``, ``-c key=value``, facts files and answer files all take these ids and
values; listing them from the loaded knowledge base keeps the list true to what is accepted.
"""

from __future__ import annotations

from rich.table import Table

from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import ContextKey

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "symptom": "symptom",
        "title": "title",
        "via": "detected via",
        "key": "key",
        "type": "type",
        "values": "allowed values (synonyms)",
        "question": "question",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "true or false (yes/no)",
    },
    "zh": {
        "symptom": "症状",
        "title": "名称",
        "via": "获取方式",
        "key": "键",
        "type": "类型",
        "values": "可用取值(同义词)",
        "question": "问题",
        "number": "数字",
        "integer": "整数",
        "boolean": "true 或 false(是/否)",
    },
}


def symptom_table(kb: KnowledgeBase, lang: str) -> Table:
    """Every symptom id with its title and how it can be established."""
    words = _WORDS[lang]
    table = Table(words["symptom"], words["title"], words["via"], box=None, pad_edge=False)
    for symptom in sorted(kb.symptoms.values(), key=lambda s: s.id):
        via = ", ".join(v.value for v in symptom.via)
        table.add_row(symptom.id, symptom.title.get(lang), via)
    return table


def allowed_values(key: ContextKey, lang: str) -> str:
    """What ``-c key=...`` accepts, one choice a line with the synonyms also understood."""
    words = _WORDS[lang]
    if key.type != "choice":
        unit = f" ({key.unit.get(lang)})" if key.unit else ""
        return words[key.type] + unit
    lines = []
    for choice in key.choices:
        synonyms = f" ({', '.join(choice.synonyms)})" if choice.synonyms else ""
        lines.append(f"{choice.value}{synonyms}")
    return "\n".join(lines)


def context_table(kb: KnowledgeBase, lang: str) -> Table:
    """Every context key with its type, the values it accepts and the question it answers."""
    words = _WORDS[lang]
    table = Table(
        words["key"], words["type"], words["values"], words["question"], box=None, pad_edge=False
    )
    for key in kb.context.values():
        table.add_row(key.key, key.type, allowed_values(key, lang), key.question.get(lang))
    return table
