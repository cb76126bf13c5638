"""Compile the knowledge base's YAML conditions into experta rules, once per process.

Each rule of each diagnosis lesson becomes one experta ``Rule``. Positive atoms bind the
fact they match (``AS.f3 << Symptom(...)``) so that, when the rule fires, the engine knows
exactly which facts it rests on; that list is the "how" explanation. Negations are pushed
down to single patterns (De Morgan), which is the form experta's RETE handles reliably.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
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
from troubleshoot.knowledge.schema import Rule as KbRule


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
    rules: dict[RuleRef, KbRule]  # each compiled rule as the knowledge base writes it

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


def compile_rules(
    kb: KnowledgeBase, only: frozenset[RuleRef] | None = None
) -> type[DiagnosisEngine]:
    """Build an engine class whose rules are the knowledge base's diagnosis rules (those in
    ``only``, if given)."""
    members: dict[str, object] = {}
    rules: dict[RuleRef, KbRule] = {}
    for lesson in kb.diagnoses():
        for rule in lesson.rules:
            ref = RuleRef(lesson.id, rule.id)
            if only is not None and ref not in only:
                continue
            compiled = _Compiler().positive(rule.as_condition())
            members[f"rule_{len(members)}"] = Rule(compiled)(_action(ref))
            rules[ref] = rule
    return type("CompiledKnowledgeBase", (DiagnosisEngine,), {**members, "rules": rules})


def _names(cond: Condition, positive: bool) -> set[str]:
    """The facts ``cond`` needs present (``positive``) or absent, through negations."""
    match cond:
        case SymptomAtom(symptom=symptom):
            return {symptom} if positive else set()
        case ContextAtom(context=context):
            return set(context) if positive else set()
        case AllOf(all=parts) | AnyOf(any=parts):
            return set().union(*(_names(c, positive) for c in parts))
        case NoneOf(none=parts):
            return set().union(*(_names(c, not positive) for c in parts))
        case _:
            assert_never(cond)


def _holds_on_nothing(cond: Condition) -> bool:
    """Whether ``cond`` holds when no fact at all is declared (the engine's closed world)."""
    match cond:
        case SymptomAtom() | ContextAtom():
            return False
        case AllOf(all=parts):
            return all(_holds_on_nothing(c) for c in parts)
        case AnyOf(any=parts):
            return any(_holds_on_nothing(c) for c in parts)
        case NoneOf(none=parts):
            return not any(_holds_on_nothing(c) for c in parts)
        case _:
            assert_never(cond)


@dataclass(frozen=True)
class _RuleNeeds:
    ref: RuleRef
    present: frozenset[str]  # facts that, declared, can make the rule hold
    always: bool  # holds with nothing declared


_NEEDS: dict[int, tuple[KnowledgeBase, list[_RuleNeeds]]] = {}


def _needs(kb: KnowledgeBase) -> list[_RuleNeeds]:
    if id(kb) not in _NEEDS:
        needs = [
            _RuleNeeds(
                RuleRef(lesson.id, rule.id),
                frozenset(_names(rule.as_condition(), positive=True)),
                _holds_on_nothing(rule.as_condition()),
            )
            for lesson in kb.diagnoses()
            for rule in lesson.rules
        ]
        _NEEDS[id(kb)] = (kb, needs)
    return _NEEDS[id(kb)][1]


def rules_that_can_fire(kb: KnowledgeBase, declared: Iterable[str] | None) -> frozenset[RuleRef]:
    """The rules that can fire on facts naming only ``declared`` (present symptoms and
    context keys; None: any facts, so every rule). A condition only gains truth from facts
    it needs present, so a rule that needs none of these holds at most as it does on no
    facts at all: building the engine from the rest leaves out only rules that cannot
    fire, and costs a fraction of building it from all of them."""
    if declared is None:
        return frozenset(n.ref for n in _needs(kb))
    names = set(declared)
    return frozenset(n.ref for n in _needs(kb) if n.always or n.present & names)
