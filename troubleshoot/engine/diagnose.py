"""Turn a FactSet into ranked diagnoses, each with the rules that fired and why."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

from troubleshoot.engine.compile import (
    ContextF,
    DiagnosisEngine,
    RuleRef,
    SymptomF,
    compile_rules,
    rules_that_can_fire,
)
from troubleshoot.engine.open_world import rule_truth
from troubleshoot.facts import Fact, FactSet, Origin, Phrase, Provenance, Signature, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Lesson, Rule


@dataclass(frozen=True)
class FiredRule:
    """One rule that fired: the lesson's rule, its weight, and the facts it matched."""

    lesson_id: str
    rule: Rule
    matched: tuple[Fact, ...]

    @property
    def ref(self) -> str:
        return f"{self.lesson_id}/{self.rule.id}"


@dataclass(frozen=True)
class Diagnosis:
    lesson: Lesson
    score: float
    fired: tuple[FiredRule, ...]

    @property
    def id(self) -> str:
        return self.lesson.id


@dataclass
class Result:
    facts: FactSet
    diagnoses: list[Diagnosis] = field(default_factory=list)

    def top(self) -> Diagnosis | None:
        return self.diagnoses[0] if self.diagnoses else None

    def rank_of(self, lesson_id: str) -> int | None:
        """1-based rank of a lesson, or None if it did not fire."""
        for rank, diagnosis in enumerate(self.diagnoses, 1):
            if diagnosis.id == lesson_id:
                return rank
        return None


def with_implications(kb: KnowledgeBase, facts: FactSet) -> FactSet:
    """Add symptoms that known-present symptoms imply (``implies`` in kb/symptoms)."""
    out = FactSet(dict(facts.symptoms), dict(facts.context))
    pending = [s for s in facts.symptoms.values() if s.present]
    while pending:
        source = pending.pop()
        symptom = kb.symptoms.get(source.id)
        for implied in symptom.implies if symptom else ():
            if implied not in out.symptoms:
                note = Phrase.of("note_implied", symptom=source.id)
                fact = SymptomFact(implied, True, Provenance(Origin.IMPLIED, note=note))
                out.add(fact)
                pending.append(fact)
    return out


def combine(weights: list[float]) -> float:
    """Certainty-factor combination of positive evidence (MYCIN): 1 - prod(1 - w)."""
    return 1.0 - math.prod(1.0 - w for w in weights)


# What the engine sees of a fact set: symptom ids with presence, context keys with values.
# A firing as the engine reports it: lesson, rule, and the matched facts as (kind, name).
Firing = tuple[str, str, tuple[tuple[str, str], ...]]
_MEMO_SIZE = 4096  # distinct fact sets remembered per thread; runs of one log share a few
_ENGINES = 64  # engines kept per thread, one per set of rules that can fire
# Building the engine of every rule costs about as much as six built for the rules a fact
# set can fire. A one-shot command builds one small engine; a process that keeps
# diagnosing (an interview, a chat bot, a log of many runs) switches to the whole engine
# after this many small ones, so it never pays much more than twice the best choice.
_SMALL_ENGINES = 4


class _EnginePool(threading.local):
    """Engines per thread (experta rules keep a pointer to their engine), each built from
    only the rules that can fire on the facts at hand (building experta's network is most
    of a first diagnosis' cost), and the firings of fact sets already seen: the runs of a
    long log mostly show the same few symptom sets."""

    engines: dict[tuple[int, frozenset[RuleRef]], DiagnosisEngine]
    memo: dict[tuple[int, Signature], list[Firing]]
    kept: dict[int, KnowledgeBase]  # keeps each knowledge base alive: its id is never reused
    built: int

    def __init__(self) -> None:
        self.engines = {}
        self.memo = {}
        self.kept = {}
        self.built = 0

    def _rules(self, kb: KnowledgeBase, facts: FactSet) -> frozenset[RuleRef]:
        if self.built >= _SMALL_ENGINES:
            return rules_that_can_fire(kb, None)
        declared = [s.id for s in facts.symptoms.values() if s.present] + list(facts.context)
        return rules_that_can_fire(kb, declared)

    def firings(self, kb: KnowledgeBase, facts: FactSet) -> list[Firing]:
        key = (id(kb), facts.signature())
        self.kept[id(kb)] = kb
        if key not in self.memo:
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            rules = (id(kb), self._rules(kb, facts))
            if rules not in self.engines:
                if len(self.engines) >= _ENGINES:
                    self.engines.clear()
                self.engines[rules] = compile_rules(kb, rules[1])()
                self.built += 1
            self.memo[key] = _run(self.engines[rules], facts)
        return self.memo[key]


_POOL = _EnginePool()


def _run(engine: DiagnosisEngine, facts: FactSet) -> list[Firing]:
    engine.reset()
    for symptom in facts.symptoms.values():
        engine.declare(SymptomF(id=symptom.id, present=symptom.present))
    for context in facts.context.values():
        engine.declare(ContextF(key=context.key, value=context.value))
    engine.run()
    # experta's network now and then fires a rule that a known fact contradicts (seen: a
    # rule for an unknown class balance, with the balance known, beside several rules
    # that negate one of its values; whether it shows depends on the hash seed, which
    # orders experta's checks). The facts have the last word.
    return [
        (ref.lesson_id, ref.rule_id, tuple(_name(m) for m in matched))
        for ref, matched in engine.firings
        if rule_truth(engine.rules[ref], facts) is not False
    ]


def _name(matched: object) -> tuple[str, str]:
    if isinstance(matched, SymptomF):
        return ("symptom", matched["id"])
    assert isinstance(matched, ContextF)
    return ("context", matched["key"])


def _fact_for(facts: FactSet, kind: str, name: str) -> Fact:
    return facts.symptoms[name] if kind == "symptom" else facts.context[name]


def diagnose(facts: FactSet, kb: KnowledgeBase) -> Result:
    """Run every diagnosis rule over ``facts``; rank lessons by combined rule weight."""
    facts = with_implications(kb, facts)
    fired: dict[str, dict[str, FiredRule]] = {}
    for lesson_id, rule_id, matched in _POOL.firings(kb, facts):
        lesson = kb.lessons[lesson_id]
        rule = next(r for r in lesson.rules if r.id == rule_id)
        matched_facts = tuple(dict.fromkeys(_fact_for(facts, *m) for m in matched))
        previous = fired.setdefault(lesson_id, {}).get(rule_id)
        # An OR inside a rule can fire it more than once; keep the richest match.
        if previous is None or len(matched_facts) > len(previous.matched):
            fired[lesson_id][rule_id] = FiredRule(lesson_id, rule, matched_facts)
    diagnoses = [
        Diagnosis(
            lesson=kb.lessons[lesson_id],
            score=combine([f.rule.weight for f in rules.values()]),
            fired=tuple(sorted(rules.values(), key=lambda f: -f.rule.weight)),
        )
        for lesson_id, rules in fired.items()
    ]
    diagnoses.sort(key=lambda d: (-d.score, -max(len(f.matched) for f in d.fired), d.id))
    return Result(facts=facts, diagnoses=diagnoses)
