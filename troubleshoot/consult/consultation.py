"""The consultation: what every front end asks for and renders.

A front end (the command line, the interview's terminal, a chat bot, a web page) turns
what it was given into a :class:`Request`, calls :func:`consult`, and renders the
:class:`Consultation` it gets back: the facts with their provenance, per run, the ranked
diagnoses, the warnings, and, on demand, the next question worth asking with its expected
information gain. Nothing here prints or parses a terminal's input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from troubleshoot.consult.gather import Progress, ReadRun, Request, RunEvidence, gather
from troubleshoot.consult.run_store import LIST_IN_MEMORY, RunStore, Spool
from troubleshoot.engine.diagnose import Diagnosis, Result, diagnose
from troubleshoot.facts import Evidence, FactSet, Phrase, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase

# What front ends need of the layers below, so that they import only the core and render
# (the error for unreadable input is in consult/errors.py, light enough for start-up).
__all__ = [
    "Consultation",
    "Diagnosis",
    "Request",
    "Result",
    "RunVerdict",
    "consult",
    "consult_facts",
]

if TYPE_CHECKING:
    from troubleshoot.consult.checklist import Checklist
    from troubleshoot.consult.select import Situation


@dataclass
class RunVerdict:
    """One run's facts (detected, then stated) and the engine's ranking of its causes.
    ``evidence`` is None when nothing was read: the run is what the user stated."""

    kb: KnowledgeBase
    facts: FactSet
    result: Result
    evidence: RunEvidence | None = None
    related: tuple[str, ...] = ()  # symptoms a question's words resemble without stating

    @property
    def id(self) -> str:
        return self.evidence.id if self.evidence else "stated"

    @property
    def inputs(self) -> list[ReadRun]:
        """What was read of this run (nothing if it is only what the user stated)."""
        return self.evidence.inputs if self.evidence else []

    @property
    def warnings(self) -> list[Phrase]:
        """Problems reading this run's inputs: files skipped, damaged or cut short."""
        return [w for i in self.inputs for w in i.warnings]

    @property
    def notes(self) -> list[Phrase]:
        """What detection could not judge in this run, and why (too few points...)."""
        return [w for i in self.inputs for w in i.detection_warnings]

    def next_step(self) -> Situation:
        """The question that best tells this run's likely causes apart, with its expected
        information gain, or the conclusion that none is worth asking."""
        # The question planner is imported when a front end asks for it; a plain diagnosis
        # does not need it.
        from troubleshoot.consult.belief import model_for
        from troubleshoot.consult.select import situation
        from troubleshoot.consult.session import Session

        return situation(model_for(self.kb), Session(self.kb, self.facts))

    def checklist(self) -> Checklist:
        """Every cause tied to what was observed, fired ones first, with the questions
        that would tell the first ones apart: never a dead end of one cause or none."""
        from troubleshoot.consult.checklist import checklist

        return checklist(self.kb, self.facts, self.result, self.related)


@dataclass(frozen=True)
class _Union:
    result: Result
    evidence: dict[str, Spool[Evidence]]
    fired_in: dict[str, Spool[str]]


class Consultation:
    """The answer to a request: one verdict per run (at least one), and their union.

    The runs are kept in a :class:`RunStore` (on disk when there are many) and walked one
    at a time; what describes them all (``result``, ``checklist``) is gathered in one walk
    and holds no more than the lessons and facts of the knowledge base."""

    def __init__(self, kb: KnowledgeBase, runs: Iterable[RunVerdict] = ()) -> None:
        self.kb = kb
        self.runs = RunStore(kb)
        for place, run in enumerate(runs):
            self.runs.put(place, run)

    @property
    def warnings(self) -> Iterator[Phrase]:
        return (w for run in self.runs for w in run.warnings)

    @property
    def notes(self) -> Iterator[Phrase]:
        return (w for run in self.runs for w in run.notes)

    @cached_property
    def _union(self) -> _Union:
        """One walk of the runs: their facts and lessons as one, and the lists a front end
        shows of every run (a symptom's evidence, the runs a lesson fired in) spooled."""
        facts = FactSet()
        evidence: dict[str, Spool[Evidence]] = {}  # symptom id -> evidence since it stands
        fired_in: dict[str, Spool[str]] = {}
        best: dict[str, Diagnosis] = {}
        for run in self.runs:
            for fact in run.result.facts:
                if isinstance(fact, SymptomFact):
                    old = facts.symptoms.get(fact.id)
                    # As FactSet.add: evidence accumulates while a fact stands as it was.
                    if old is None or old.present != fact.present or fact.id not in evidence:
                        evidence.pop(fact.id, None)
                    if fact.provenance.evidence:
                        kept = evidence.setdefault(fact.id, Spool(LIST_IN_MEMORY))
                        for piece in fact.provenance.evidence:
                            kept.append(piece)
                    fact = replace(fact, provenance=replace(fact.provenance, evidence=()))
                facts.add(fact)
            for diagnosis in run.result.diagnoses:
                fired_in.setdefault(diagnosis.id, Spool(LIST_IN_MEMORY)).append(run.id)
                if diagnosis.id not in best or diagnosis.score > best[diagnosis.id].score:
                    best[diagnosis.id] = diagnosis
        ranked = sorted(best.values(), key=lambda d: (-d.score, d.id))
        return _Union(Result(facts=facts, diagnoses=ranked), evidence, fired_in)

    @property
    def result(self) -> Result:
        """All runs as one: every fact seen (as the last run that saw it states it, its
        evidence left to :meth:`evidence_of`), and each lesson at its best score in any
        run. With one run, that run's own result."""
        return self.runs[0].result if len(self.runs) == 1 else self._union.result

    def evidence_of(self, symptom_id: str) -> Iterator[Evidence]:
        """The evidence of a symptom in ``result``: that of each run since the last one
        that saw it otherwise (present, absent, or stated without evidence). Each piece
        names its run's input, so no two runs share one."""
        if len(self.runs) == 1:
            fact = self.runs[0].result.facts.symptoms.get(symptom_id)
            return iter(fact.provenance.evidence if fact else ())
        return iter(self._union.evidence.get(symptom_id, ()))

    def runs_with(self, lesson_id: str) -> Iterator[str]:
        """The runs in which a lesson fired."""
        return iter(self._union.fired_in.get(lesson_id, ()))

    def checklist(self) -> Checklist:
        """The causes to check: with one run, that run's checklist; with several, each
        cause at its best in any run (the questions are then per run)."""
        if len(self.runs) == 1:
            return self.runs[0].checklist()
        from troubleshoot.consult.checklist import merged

        return merged(self.result, (run.checklist() for run in self.runs))

    def next_step(self) -> Situation:
        """The next question for a consultation about one run."""
        if len(self.runs) != 1:
            raise ValueError("a follow-up question is about one run; this consultation has several")
        return self.runs[0].next_step()


def consult_facts(
    kb: KnowledgeBase,
    facts: FactSet,
    evidence: RunEvidence | None = None,
    related: tuple[str, ...] = (),
) -> Consultation:
    """A consultation over facts already known (interview answers, a chat): one run.
    ``related``: symptoms a question resembles, whose causes fill a short checklist."""
    return Consultation(kb, [RunVerdict(kb, facts, diagnose(facts, kb), evidence, related)])


def consult(kb: KnowledgeBase, request: Request, progress: Progress | None = None) -> Consultation:
    """Read, detect, add what the user stated, and run the engine, run by run: each run is
    diagnosed as soon as it is read, and kept in the consultation's store."""
    gathered = gather(kb, request, progress)
    consultation = Consultation(kb)
    for place, evidence in gathered.runs:
        facts = FactSet().extend(evidence.detected).extend(gathered.stated)
        consultation.runs.put(place, RunVerdict(kb, facts, diagnose(facts, kb), evidence))
    if not consultation.runs:
        # Without files to read there is still one run: the stated facts alone.
        facts = FactSet().extend(gathered.stated)
        consultation.runs.put(0, RunVerdict(kb, facts, diagnose(facts, kb)))
    return consultation
