"""Compile the knowledge base's YAML conditions into experta rules, once per process.

Each rule of each diagnosis lesson becomes one experta ``Rule``. Positive atoms bind the
fact they match (``AS.f3 << Symptom(...)``) so that, when the rule fires, the engine knows
exactly which facts it rests on; that list is the "how" explanation. Negations are pushed
down to single patterns (De Morgan), which is the form experta's RETE handles reliably.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import assert_never

from troubleshoot.engine._experta import AND, AS, NOT, OR, Fact, KnowledgeEngine, P, Rule
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ContextAtom,
    NoneOf,
    Scalar,
    SymptomAtom,
)


class SymptomF(Fact):
    """experta fact: ``id`` (symptom id) and ``present`` (True/False)."""


class ContextF(Fact):
    """experta fact: ``key`` (context key) and ``value``."""


def _value_test(expected: Scalar | list[Scalar] | Compare) -> object:
    if isinstance(expected, Compare):
        return P(expected.holds)
    if isinstance(expected, list):
        allowed = frozenset(expected)
        return P(lambda value: value in allowed)
    return expected


@dataclass
class _Compiler:
    names: Callable[[], str] = field(default_factory=lambda: _name_counter())

    def positive(self, cond: Condition) -> object:
        match cond:
            case SymptomAtom(symptom=symptom):
                return getattr(AS, self.names()) << SymptomF(id=symptom, present=True)
            case ContextAtom(context=context):
                patterns = [
                    getattr(AS, self.names()) << ContextF(key=key, value=_value_test(expected))
                    for key, expected in context.items()
                ]
                return patterns[0] if len(patterns) == 1 else AND(*patterns)
            case AllOf(all=parts):
                return AND(*(self.positive(c) for c in parts))
            case AnyOf(any=parts):
                return OR(*(self.positive(c) for c in parts))
            case NoneOf(none=parts):
                return AND(*(self.negative(c) for c in parts))
            case _:
                assert_never(cond)

    def negative(self, cond: Condition) -> object:
        """The negation of ``cond``, with NOT only in front of single patterns."""
        match cond:
            case SymptomAtom(symptom=symptom):
                return NOT(SymptomF(id=symptom, present=True))
            case ContextAtom(context=context):
                negated = [
                    NOT(ContextF(key=key, value=_value_test(expected)))
                    for key, expected in context.items()
                ]
                return negated[0] if len(negated) == 1 else OR(*negated)
            case AllOf(all=parts):
                return OR(*(self.negative(c) for c in parts))
            case AnyOf(any=parts):
                return AND(*(self.negative(c) for c in parts))
            case NoneOf(none=parts):
                return OR(*(self.positive(c) for c in parts))
            case _:
                assert_never(cond)


def _name_counter() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"f{next(counter)}"


@dataclass(frozen=True)
class RuleRef:
    lesson_id: str
    rule_id: str

    def __str__(self) -> str:
        return f"{self.lesson_id}/{self.rule_id}"


class DiagnosisEngine(KnowledgeEngine):
    """A KnowledgeEngine that records every firing with the facts it matched."""

    firings: list[tuple[RuleRef, list[Fact]]]

    def reset(self, **kwargs: object) -> None:
        self.firings = []
        super().reset(**kwargs)

    def record(self, ref: RuleRef, matched: list[Fact]) -> None:
        self.firings.append((ref, matched))


def _action(ref: RuleRef) -> Callable[..., None]:
    def fire(engine: DiagnosisEngine, **bound: Fact) -> None:
        # experta passes the bindings in hash order; condition order (f0, f1, ...) keeps the
        # "how" explanation and the JSON output the same from one run to the next.
        in_order = sorted(bound.items(), key=lambda item: int(item[0][1:]))
        engine.record(ref, [fact for _, fact in in_order])

    fire.__name__ = str(ref)
    return fire


def compile_rules(kb: KnowledgeBase) -> type[DiagnosisEngine]:
    """Build an engine class whose rules are the knowledge base's diagnosis rules."""
    members: dict[str, object] = {}
    for lesson in kb.diagnoses():
        for rule in lesson.rules:
            ref = RuleRef(lesson.id, rule.id)
            compiled = _Compiler().positive(rule.as_condition())
            members[f"rule_{len(members)}"] = Rule(compiled)(_action(ref))
    return type("CompiledKnowledgeBase", (DiagnosisEngine,), members)


_COMPILED: dict[int, tuple[KnowledgeBase, type[DiagnosisEngine]]] = {}


def engine_class(kb: KnowledgeBase) -> type[DiagnosisEngine]:
    """The compiled engine class for a knowledge base, built once per process and object
    (the object is kept with it, so its id is never reused for another)."""
    if id(kb) not in _COMPILED:
        _COMPILED[id(kb)] = (kb, compile_rules(kb))
    return _COMPILED[id(kb)][1]
