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
    match cond:
        case SymptomAtom(symptom=symptom):
            return f"`{symptom}`"
        case ContextAtom(context=context):
            return words["and"].join(f"`{k} {_value(v)}`" for k, v in context.items())
        case AllOf(all=parts):
            return "(" + words["and"].join(condition_text(c, lang) for c in parts) + ")"
        case AnyOf(any=parts):
            return "(" + words["or"].join(condition_text(c, lang) for c in parts) + ")"
        case NoneOf(none=parts):
            return words["and"].join(words["not"] + condition_text(c, lang) for c in parts)
        case _:
            assert_never(cond)


def rule_text(rule: Rule, lang: str) -> str:
    text = condition_text(rule.as_condition(), lang)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text
