"""Three-valued reading of the rules, for deciding what is still worth asking.

experta answers "which rules fire on what is known"; the interview also needs "which
rules *could* still fire, and which unknown facts decide that". Here an unknown fact is
neither true nor false (Kleene logic), so a rule is settled (True/False) or open (None).
For a fact set in which every fact a rule mentions is known, this agrees with experta; a
test checks that on every lesson's examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import assert_never

from troubleshoot.facts import FactSet
from troubleshoot.knowledge.conditions import leaves
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ContextAtom,
    NoneOf,
    Rule,
    Scalar,
    SymptomAtom,
)

Truth = bool | None


def _and(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _matches(expected: Scalar | list[Scalar] | Compare, value: object) -> bool:
    if isinstance(expected, Compare):
        return expected.holds(value)
    if isinstance(expected, list):
        return value in expected
    return value == expected


def evaluate(cond: Condition, facts: FactSet) -> Truth:
    """True, False, or None when unknown facts decide it."""
    match cond:
        case SymptomAtom(symptom=symptom):
            known = facts.symptoms.get(symptom)
            return None if known is None else known.present
        case ContextAtom(context=context):
            return _and(
                [
                    None if key not in facts.context else _matches(exp, facts.context[key].value)
                    for key, exp in context.items()
                ]
            )
        case AllOf(all=parts):
            return _and([evaluate(c, facts) for c in parts])
        case AnyOf(any=parts):
            return _or([evaluate(c, facts) for c in parts])
        case NoneOf(none=parts):
            truth = _or([evaluate(c, facts) for c in parts])
            return None if truth is None else not truth
        case _:
            assert_never(cond)


@dataclass(frozen=True)
class Atom:
    """One fact a rule mentions: ``("symptom", id)`` or ``("context", key)``."""

    kind: str
    name: str


def atoms(cond: Condition) -> Iterator[Atom]:
    """The facts whose answers can settle ``cond``, in the order written."""
    for leaf in leaves(cond):
        match leaf:
            case SymptomAtom(symptom=symptom):
                yield Atom("symptom", symptom)
            case ContextAtom(context=context):
                for key in context:
                    yield Atom("context", key)
            case _:
                assert_never(leaf)


def rule_truth(rule: Rule, facts: FactSet) -> Truth:
    return evaluate(rule.as_condition(), facts)
