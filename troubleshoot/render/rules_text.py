"""Rules in words, for reference pages and "how" answers: ``loss-nan and loss = ctc``."""

from __future__ import annotations

from typing import assert_never

from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ContextAtom,
    NoneOf,
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
    match cond:
        case SymptomAtom(symptom=symptom):
            return f"`{symptom}`"
        case ContextAtom(context=context):
            return words["rule_and"].join(f"`{k} {_value(v)}`" for k, v in context.items())
        case AllOf(all=parts):
            return "(" + words["rule_and"].join(condition_text(c, lang) for c in parts) + ")"
        case AnyOf(any=parts):
            return "(" + words["rule_or"].join(condition_text(c, lang) for c in parts) + ")"
        case NoneOf(none=parts):
            return words["rule_and"].join(
                words["rule_not"] + condition_text(c, lang) for c in parts
            )
        case _:
            assert_never(cond)


def rule_text(rule: Rule, lang: Lang) -> str:
    text = condition_text(rule.as_condition(), lang)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text
