"""The checklist: every cause the knowledge base ties to what was observed, ranked, with the
questions that would tell the first ones apart.

The engine lists only lessons whose rules fired, and a bare symptom often fires one rule or
none: a dead end. The checklist adds every diagnosis tied to a present symptom (named in
its ``symptoms``, or needed by one of its rules) that a rule could still fire: lessons whose
rules fired come first, by score; the others follow, as likely as the question planner
believes them (``belief.py``), marked as not yet supported by the facts. For a question
in words, causes of the symptoms its words resemble without stating them
(``freetext.Understanding.related``) fill the first three places where the facts leave
them empty or the third holds a cause the facts do not support, marked as such: a misread
question then still names the right cause among the first three. The questions are
the interview's own choice (largest expected information gain, ``select.py``), asked about
single facts rather than the opening "what do you see?".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from troubleshoot.consult.belief import model_for
from troubleshoot.consult.questions import ASKED, Kind, Question
from troubleshoot.consult.select import (
    NOTHING,
    Situation,
    best_questions,
    situation,
)
from troubleshoot.consult.session import Session
from troubleshoot.engine.diagnose import Diagnosis, Result, diagnose
from troubleshoot.facts import FactSet, Signature, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Condition,
    ContextAtom,
    Lesson,
    NoneOf,
    SymptomAtom,
    Text,
)

QUESTIONS = 2  # questions offered beside the checklist
TOLD_APART = 5  # the first candidates those questions are chosen to tell apart
SHORTLIST = 5  # causes an interview's conclusion names
FILLED_TO = 3  # first places of a checklist open to the causes of symptoms a question resembles
_MEMO_SIZE = 1024  # fact sets remembered: the runs of one log mostly share a few


class Status(StrEnum):
    FIRED = "fired"  # a rule fired: the facts support it
    OPEN = "open"  # tied to what was observed and a rule could still fire: not yet supported
    RELATED = "related"  # tied to a symptom the question's words resemble, not one observed


@dataclass(frozen=True)
class Candidate:
    """One cause to check: its lesson, whether the facts support it yet, the planner's
    belief that it explains the run, and the present symptoms that tie it to the run."""

    lesson: Lesson
    status: Status
    belief: float
    symptoms: tuple[str, ...]
    diagnosis: Diagnosis | None = None

    @property
    def id(self) -> str:
        return self.lesson.id


@dataclass(frozen=True)
class Probe:
    """A question worth asking: its expected information gain (bits) about which of the
    first candidates it is, and those of them whose still-possible rules it decides."""

    question: Question
    gain: float
    tells_apart: tuple[str, ...]

    def wording(self, kb: KnowledgeBase) -> Text:
        """The question as the knowledge base words it."""
        name = self.question.name
        if self.question.kind is Kind.SYMPTOM:
            return kb.symptoms[name].question
        return kb.context[name].question


@dataclass(frozen=True)
class Checklist:
    candidates: list[Candidate]
    questions: list[Probe]

    def open(self) -> list[Candidate]:
        """The causes not yet supported by the facts."""
        return [c for c in self.candidates if c.status is not Status.FIRED]


def _needed(cond: Condition) -> set[str]:
    """The symptoms whose presence counts for ``cond`` (not those it needs absent)."""
    match cond:
        case SymptomAtom(symptom=symptom):
            return {symptom}
        case ContextAtom() | NoneOf():
            return set()
        case AllOf(all=parts) | AnyOf(any=parts):
            return {s for c in parts for s in _needed(c)}
        case _:
            assert_never(cond)


def ties(lesson: Lesson) -> set[str]:
    """The symptoms a lesson explains: its ``symptoms`` and those its rules need present."""
    return set(lesson.symptoms) | {s for r in lesson.rules for s in _needed(r.as_condition())}


def build(
    kb: KnowledgeBase, facts: FactSet, result: Result, related: tuple[str, ...] = ()
) -> Checklist:
    """The checklist of one run: ``facts`` as known, ``result`` the engine's ranking of them,
    ``related`` the symptoms a question resembles, best first."""
    model = model_for(kb)
    session = Session(kb, facts)
    now = situation(model, session)
    ranked = _ranked(kb, result, now)
    probes = []
    if not now.clear:
        # The outcome the questions should tell apart: which of the first candidates it is.
        top = {c.id for c in ranked[:TOLD_APART]}
        labels = [h.lesson_id if h.lesson_id in top else NOTHING for h in now.hypotheses]
        asks = best_questions(model, session, now.hypotheses, labels, QUESTIONS)
        told = [(ask, _told_apart(now, ask.question.name, top)) for ask in asks]
        probes = [Probe(ask.question, ask.gain, apart) for ask, apart in told if apart]
    return Checklist(_with_resembled(kb, facts, ranked, related), probes)


def _ranked(kb: KnowledgeBase, result: Result, now: Situation) -> list[Candidate]:
    """The causes tied to what was observed: fired ones by score, then the others by
    belief."""
    belief: dict[str, float] = defaultdict(float)
    for hyp in now.hypotheses:
        if hyp.lesson_id is not None:
            belief[hyp.lesson_id] += hyp.weight
    present = [s.id for s in result.facts.symptoms.values() if s.present]

    def tied(lesson: Lesson) -> tuple[str, ...]:
        explained = ties(lesson)
        return tuple(s for s in present if s in explained)

    fired = [
        Candidate(d.lesson, Status.FIRED, belief[d.id], tied(d.lesson), d) for d in result.diagnoses
    ]
    done = {d.id for d in result.diagnoses}
    still = [
        Candidate(lesson, Status.OPEN, belief[lesson.id], tied(lesson))
        for lesson in kb.diagnoses()
        if lesson.id not in done and lesson.id in belief and tied(lesson)
    ]
    still.sort(key=lambda c: (-c.belief, c.id))
    return [*fired, *still]


def _with_resembled(
    kb: KnowledgeBase, facts: FactSet, ranked: list[Candidate], related: tuple[str, ...]
) -> list[Candidate]:
    """``ranked`` with causes of the symptoms a question resembles among its first
    ``FILLED_TO``: in the places left empty, and in the last of them when the cause there
    is not supported by the facts (a misread question's right cause then still shows)."""
    keep = len(ranked[:FILLED_TO])
    if keep == FILLED_TO and ranked[keep - 1].status is Status.OPEN:
        keep -= 1
    if keep == FILLED_TO or not related:
        return ranked
    listed = {c.id: c for c in ranked}
    taken = {c.id for c in ranked[:keep]}
    filled: list[Candidate] = []
    for symptom in related:
        if keep + len(filled) >= FILLED_TO:
            break
        if symptom in facts.symptoms:  # answered since (a chat's follow-up)
            continue
        supposed = FactSet().extend(facts)
        supposed.add(SymptomFact(symptom, True, ASKED))
        # Only the causes, not the questions: those are the costly part of a checklist.
        then = _ranked(kb, diagnose(supposed, kb), situation(model_for(kb), Session(kb, supposed)))
        first = next((c for c in then if symptom in c.symptoms and c.id not in taken), None)
        if first is not None:  # a cause listed further down moves up as it is
            seen = listed.get(first.id)
            filled.append(seen or Candidate(first.lesson, Status.RELATED, first.belief, (symptom,)))
            taken.add(first.id)
    return [*ranked[:keep], *filled, *(c for c in ranked[keep:] if c.id not in taken)]


def shortlist(kb: KnowledgeBase, facts: FactSet, now: Situation) -> list[Candidate]:
    """The causes a conclusion names: with a clear leader, those whose rules fired. Otherwise
    the leader, the other causes the facts support, then the causes only not ruled out, by
    belief, up to ``SHORTLIST`` in all. An answer of "not sure" rules no cause out: a cause
    whose rule needs the unknown fact stays worth checking, as likely as a cause that fired
    only because a fact is unknown (a stopgap rule, ``Model.stopgaps``). A symptom offered in
    the opening and not picked is taken as absent, as the interview takes it."""
    ranked = checklist(kb, facts, now.result).candidates
    fired = [c for c in ranked if c.status is Status.FIRED]
    if now.clear:
        return fired[:SHORTLIST]
    model = model_for(kb)
    unreported = frozenset(n for n in now.skipped if n in kb.symptoms)
    belief: dict[str, float] = defaultdict(float)
    for hyp in model.believe(facts, unreported):
        if hyp.lesson_id is not None:
            belief[hyp.lesson_id] += hyp.weight

    def stopgap(c: Candidate) -> bool:
        assert c.diagnosis is not None
        return all((c.id, f.rule.id) in model.stopgaps for f in c.diagnosis.fired)

    supported = [*fired[:1], *(c for c in fired[1:] if not stopgap(c))]
    named = {c.id for c in supported}
    still = [c for c in ranked if c.id in belief and c.id not in named]
    still.sort(key=lambda c: (-belief[c.id], c.id))
    return [*supported, *still][:SHORTLIST]


def _told_apart(now: Situation, name: str, top: set[str]) -> tuple[str, ...]:
    """The first candidates whose still-possible rules an answer about ``name`` decides."""
    return tuple(i for i, _, _ in now.separated_by(name) if i in top)


_MEMO: dict[tuple[int, Signature, tuple[str, ...]], Checklist] = {}


def checklist(
    kb: KnowledgeBase, facts: FactSet, result: Result, related: tuple[str, ...] = ()
) -> Checklist:
    """``build``, remembered per fact set: a log of many runs shows the same few."""
    key = (id(kb), facts.signature(), related)
    if key not in _MEMO:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = build(kb, facts, result, related)
    return _MEMO[key]


def merged(result: Result, lists: Iterable[Checklist]) -> Checklist:
    """Several runs' checklists as one: each lesson once, at its best (fired before open,
    then the higher score or belief); fired lessons in ``result``'s order (each at its best
    score in any run), then the rest by belief. Questions are about one run: none here."""
    best: dict[str, Candidate] = {}
    for candidate in (c for one in lists for c in one.candidates):
        seen = best.get(candidate.id)
        if seen is None or _strength(candidate) > _strength(seen):
            best[candidate.id] = candidate
    rank = {d.id: i for i, d in enumerate(result.diagnoses)}
    fired = sorted((c for c in best.values() if c.id in rank), key=lambda c: rank[c.id])
    rest = sorted((c for c in best.values() if c.id not in rank), key=lambda c: (-c.belief, c.id))
    return Checklist([*fired, *rest], [])


def _strength(candidate: Candidate) -> tuple[bool, float, float]:
    score = candidate.diagnosis.score if candidate.diagnosis else 0.0
    return (candidate.status is Status.FIRED, score, candidate.belief)
