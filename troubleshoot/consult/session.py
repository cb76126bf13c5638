"""One interview: the facts it started from and the answers given so far, in order.

Facts are always recomputed from ``given`` plus the answers, so ``back`` is just dropping
the last answer, and a saved interview is nothing more than those two lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from troubleshoot.consult.implication import implied
from troubleshoot.consult.questions import ASKED, Kind, Question
from troubleshoot.engine.diagnose import Result, diagnose, with_implications
from troubleshoot.facts import ContextFact, ContextValue, Fact, FactSet, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase

Value = ContextValue | tuple[str, ...] | None


@dataclass(frozen=True)
class Answer:
    """A reply: True/False for a symptom, a context value, the symptom ids picked in the
    opening, or None for "not sure"."""

    question: Question
    value: Value

    def facts(self) -> list[Fact]:
        if self.value is None:
            return []
        if self.question.kind is Kind.OPENING:
            assert isinstance(self.value, tuple)
            return [SymptomFact(s, True, ASKED) for s in self.value]
        if self.question.kind is Kind.SYMPTOM:
            return [SymptomFact(self.question.name, bool(self.value), ASKED)]
        assert not isinstance(self.value, tuple)
        return [ContextFact(self.question.name, self.value, ASKED)]


@dataclass
class Session:
    kb: KnowledgeBase
    given: FactSet
    history: list[Answer] = field(default_factory=list)

    def facts(self) -> FactSet:
        """What is known: the starting facts, then every answer (a later one wins)."""
        facts = FactSet(dict(self.given.symptoms), dict(self.given.context))
        for answer in self.history:
            facts.extend(answer.facts())
        return facts

    def known(self) -> FactSet:
        """The facts plus the symptoms they imply: nothing here is ever asked."""
        return with_implications(self.kb, self.facts())

    def skipped(self) -> frozenset[str]:
        """Symptoms and keys never to ask again: answered "not sure", or offered by the
        opening and not picked (with the symptoms that would imply them)."""
        known = self.known()
        names = {
            a.question.name
            for a in self.history
            if a.value is None and a.question.kind is not Kind.OPENING
        }
        for a in self.history:
            if a.question.kind is Kind.OPENING and isinstance(a.value, tuple):
                names |= set(a.question.options) - set(a.value)
        names |= {s for s in self.kb.symptoms if names & implied(self.kb, s)}
        return frozenset(n for n in names if not known.knows(n))

    def asked_opening(self) -> bool:
        return any(a.question.kind is Kind.OPENING for a in self.history)

    def record(self, answer: Answer) -> None:
        self.history.append(answer)

    def back(self) -> Answer | None:
        """Forget the last answer so that its question comes again."""
        return self.history.pop() if self.history else None

    def result(self) -> Result:
        return diagnose(self.facts(), self.kb)
