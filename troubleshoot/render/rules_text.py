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
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS


def typed(value: object) -> str:
    """A value as a user types it in a facts file (``true``, not Python's ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _value(expected: object) -> str:
    if isinstance(expected, Compare):
        return expected.describe()
    if isinstance(expected, list):
        return "= " + " | ".join(typed(v) for v in expected)
    return f"= {typed(expected)}"


def condition_text(cond: Condition, lang: Lang) -> str:
    words = STRINGS[lang]
    if isinstance(cond, SymptomAtom):
        return f"`{cond.symptom}`"
    if isinstance(cond, ContextAtom):
        return words["rule_and"].join(f"`{k} {_value(v)}`" for k, v in cond.context.items())
    if isinstance(cond, AllOf):
        return "(" + words["rule_and"].join(condition_text(c, lang) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + words["rule_or"].join(condition_text(c, lang) for c in cond.any) + ")"
    return words["rule_and"].join(words["rule_not"] + condition_text(c, lang) for c in cond.none)


def rule_text(rule: Rule, lang: Lang) -> str:
    text = condition_text(rule.as_condition(), lang)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text
