"""How likely each rule that can still fire is to be the one that explains the run.

The rules say which facts point at a cause; to choose questions the interview also needs
to know how likely each *answer* is. A hypothesis is one rule of one diagnosis that can
still fire (plus "none of them applies"). Under a hypothesis, the facts its rule needs
are there (the answers that would rule it out are unlikely), and every other fact follows
base rates: a symptom the lesson does not mention shows up rarely, one it mentions more
often, a context value is any of its values. Bayes' rule over what is known then gives
each hypothesis a weight; the question selection asks where these hypotheses disagree.

"Not sure" answers are closed-world, as in the engine: a rule that needs a skipped fact
can never fire, so its hypothesis drops out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from troubleshoot.consult.implication import implied, implying
from troubleshoot.consult.questions import answer_index, answer_space
from troubleshoot.engine.diagnose import with_implications
from troubleshoot.engine.open_world import Atom, atoms, rule_truth
from troubleshoot.facts import ContextFact, Fact, FactSet, Origin, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Rule

P_UNRELATED = 0.05  # a symptom the lesson does not mention shows up anyway
P_RELATED = 0.5  # a symptom the lesson mentions, but this rule does not need
SLIP = 0.02  # an answer that rules the hypothesis out, given anyway
NULL_PRIOR = 0.5  # share of the prior for "none of the rules applies" (the kb is not complete)

UNKNOWN = "\x00not-sure"  # a context value that matches no condition: a skipped key


@dataclass(frozen=True)
class Hypothesis:
    """``rule`` of ``lesson_id`` is what fires in the end; both None: nothing does."""

    lesson_id: str | None
    rule: Rule | None
    weight: float
    relevant: frozenset[str] = frozenset()


@dataclass
class Model:
    """What is fixed for a knowledge base: priors, and which facts decide each rule."""

    kb: KnowledgeBase
    priors: dict[tuple[str, str], float] = field(default_factory=dict)
    relevant: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    mentions: dict[str, frozenset[str]] = field(default_factory=dict)
    implying: dict[str, set[str]] = field(default_factory=dict)
    stopgaps: set[tuple[str, str]] = field(default_factory=set)  # rules that need a key unknown

    def __post_init__(self) -> None:
        self.implying = {s: implying(self.kb, s) for s in self.kb.symptoms}
        diagnoses = self.kb.diagnoses()
        for lesson in diagnoses:
            named = {a.name for r in lesson.rules for a in atoms(r.as_condition())}
            self.mentions[lesson.id] = frozenset(named | set(lesson.symptoms))
            total = sum(r.weight for r in lesson.rules)
            for rule in lesson.rules:
                key = (lesson.id, rule.id)
                self.relevant[key] = self._decides(rule)
                share = (1 - NULL_PRIOR) / len(diagnoses) * rule.weight / total
                self.priors[key] = share * self._context_rarity(rule)
                if self._needs_unknown(rule):
                    self.stopgaps.add(key)

    def _decides(self, rule: Rule) -> frozenset[str]:
        """The facts a rule names, and the symptoms linked to those by ``implies``."""
        names = {a.name for a in atoms(rule.as_condition())}
        linked = {s for n in names for s in self.implying.get(n, set()) | implied(self.kb, n)}
        return frozenset(names | linked)

    def _needs_unknown(self, rule: Rule) -> bool:
        """The rule fires only while some context key is unknown: every answer to it rules
        the rule out (a fallback such as "initialisation not said"). It keeps a cause on the
        list, it does not support it."""
        for atom in dict.fromkeys(atoms(rule.as_condition())):
            if atom.kind == "context" and all(
                rule_truth(rule, FactSet().extend([a])) is False
                for a in answer_space(self.kb, atom)
            ):
                return True
        return False

    def _context_rarity(self, rule: Rule) -> float:
        """How rare the context a rule needs is: with every value equally common, a rule
        that needs CTC loss applies to one run in nine. Values are not equally common, so
        the rarity is softened (square root) to keep rare set-ups worth asking about."""
        rarity = 1.0
        for atom in dict.fromkeys(atoms(rule.as_condition())):
            if atom.kind == "context":
                space = answer_space(self.kb, atom)
                keep = sum(rule_truth(rule, FactSet().extend([a])) is not False for a in space)
                rarity *= math.sqrt(keep / len(space)) if keep else 1.0
        return rarity

    def base(self, lesson_id: str | None, fact: Fact, size: int) -> float:
        """The chance of ``fact`` under a hypothesis whose rule does not decide it."""
        if isinstance(fact, ContextFact):
            return 1 / size
        related = lesson_id is not None and fact.id in self.mentions[lesson_id]
        p = P_RELATED if related else P_UNRELATED
        return p if fact.present else 1 - p

    def closed(self, facts: FactSet, skipped: Iterable[str]) -> FactSet:
        """The facts as the engine reads them for a rule: implications added, a skipped
        symptom absent, a skipped key a value no condition matches, and a symptom whose
        implication is absent absent too (no sudden NaN without NaN)."""
        out = with_implications(self.kb, facts)
        for name in skipped:
            if not out.knows(name):
                out.add(
                    ContextFact(name, UNKNOWN)
                    if name in self.kb.context
                    else SymptomFact(name, False)
                )
        for fact in list(out.symptoms.values()):
            if not fact.present:
                for source in self.implying.get(fact.id, ()):
                    if source not in out.symptoms:
                        out.add(SymptomFact(source, False))
        return out

    def variants(
        self, facts: FactSet, skipped: Iterable[str], space: Sequence[Fact]
    ) -> list[FactSet]:
        """The closed facts as they would be after each answer in ``space``."""
        skipped = tuple(skipped)
        out = []
        for answer in space:
            changed = FactSet(dict(facts.symptoms), dict(facts.context))
            changed.add(answer)
            out.append(self.closed(changed, skipped))
        return out

    def answer_probs(
        self, hyp: Hypothesis, atom: Atom, space: Sequence[Fact], after: Sequence[FactSet]
    ) -> list[float]:
        """P(each answer | hyp): the answers that keep its rule possible share nearly all
        of it; if the rule does not care, base rates."""
        n = len(space)
        if hyp.rule is not None and atom.name in hyp.relevant:
            keep = [rule_truth(hyp.rule, facts) is not False for facts in after]
            k = sum(keep)
            if 0 < k < n:
                return [(1 - SLIP) / k if kept else SLIP / (n - k) for kept in keep]
        return [self.base(hyp.lesson_id, fact, n) for fact in space]

    def believe(self, facts: FactSet, skipped: frozenset[str]) -> list[Hypothesis]:
        """Every hypothesis still possible, with weights that sum to 1."""
        now = self.closed(facts, skipped)
        hyps = [
            Hypothesis(lesson.id, rule, self.priors[key], self.relevant[key])
            for lesson in self.kb.diagnoses()
            for rule in lesson.rules
            if rule_truth(rule, now) is not False
            for key in [(lesson.id, rule.id)]
        ]
        hyps.append(Hypothesis(None, None, NULL_PRIOR))
        weights = [h.weight for h in hyps]
        for fact in facts:
            if fact.provenance.origin is Origin.IMPLIED:
                continue
            atom = _atom(fact)
            actual = answer_index(self.kb, atom, fact)
            if actual is None:
                continue
            space = answer_space(self.kb, atom)
            rest = FactSet(dict(facts.symptoms), dict(facts.context))
            rest.forget(atom.name)
            after = self.variants(rest, skipped, space)
            for i, hyp in enumerate(hyps):
                weights[i] *= self.answer_probs(hyp, atom, space, after)[actual]
        total = math.fsum(weights) or 1.0
        return [
            Hypothesis(h.lesson_id, h.rule, w / total, h.relevant)
            for h, w in zip(hyps, weights, strict=True)
        ]


_MODELS: dict[int, Model] = {}


def model_for(kb: KnowledgeBase) -> Model:
    """The model of a knowledge base, built once per process and object."""
    if id(kb) not in _MODELS:
        _MODELS[id(kb)] = Model(kb)
    return _MODELS[id(kb)]


def _atom(fact: Fact) -> Atom:
    if isinstance(fact, SymptomFact):
        return Atom("symptom", fact.id)
    return Atom("context", fact.key)
