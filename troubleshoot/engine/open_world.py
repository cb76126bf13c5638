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

from troubleshoot.facts import FactSet
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ContextAtom,
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
    if isinstance(cond, SymptomAtom):
        known = facts.symptoms.get(cond.symptom)
        return None if known is None else known.present
    if isinstance(cond, ContextAtom):
        return _and(
            [
                None if key not in facts.context else _matches(exp, facts.context[key].value)
                for key, exp in cond.context.items()
            ]
        )
    if isinstance(cond, AllOf):
        return _and([evaluate(c, facts) for c in cond.all])
    if isinstance(cond, AnyOf):
        return _or([evaluate(c, facts) for c in cond.any])
    truth = _or([evaluate(c, facts) for c in cond.none])
    return None if truth is None else not truth


@dataclass(frozen=True)
class Atom:
    """One fact a rule mentions: ``("symptom", id)`` or ``("context", key)``."""

    kind: str
    name: str


def atoms(cond: Condition) -> Iterator[Atom]:
    if isinstance(cond, SymptomAtom):
        yield Atom("symptom", cond.symptom)
    elif isinstance(cond, ContextAtom):
        for key in cond.context:
            yield Atom("context", key)
    else:
        children = (
            cond.all
            if isinstance(cond, AllOf)
            else (cond.any if isinstance(cond, AnyOf) else cond.none)
        )
        for child in children:
            yield from atoms(child)


def rule_truth(rule: Rule, facts: FactSet) -> Truth:
    return evaluate(rule.as_condition(), facts)
