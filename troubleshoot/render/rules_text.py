"""Rules in words, for reference pages and "how" answers: ``loss-nan and loss = ctc``."""

from __future__ import annotations

from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ContextAtom,
    Rule,
    SymptomAtom,
)

_WORDS = {
    "en": {"and": " and ", "or": " or ", "not": "not "},
    "zh": {"and": " 且 ", "or": " 或 ", "not": "非 "},
}


def typed(value: object) -> str:
    """A value as a user types it in a facts file (``true``, not Python's ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _value(expected: object) -> str:
    if isinstance(expected, Compare):
        return expected.describe()
    if isinstance(expected, list):
        return "= " + " | ".join(typed(v) for v in expected)
    return f"= {typed(expected)}"


def condition_text(cond: Condition, lang: str) -> str:
    words = _WORDS[lang]
    if isinstance(cond, SymptomAtom):
        return f"`{cond.symptom}`"
    if isinstance(cond, ContextAtom):
        return words["and"].join(f"`{k} {_value(v)}`" for k, v in cond.context.items())
    if isinstance(cond, AllOf):
        return "(" + words["and"].join(condition_text(c, lang) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + words["or"].join(condition_text(c, lang) for c in cond.any) + ")"
    return words["and"].join(words["not"] + condition_text(c, lang) for c in cond.none)


def rule_text(rule: Rule, lang: str) -> str:
    text = condition_text(rule.as_condition(), lang)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text
