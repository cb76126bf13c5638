"""Choose the next question, or decide that the conclusion is clear.

The first question, once, is the opening "what do you see?" over the general symptoms
that rules still possible need. After it, the question asked is the one with the highest
expected information gain about the variable that matters: which diagnosis ends up
first. Diagnoses that cannot overtake the current leader whatever the answers are lumped
together, so questions only about them gain nothing. The interview stops when

- the leader is clear: it is likely (``consult/likelihood.py``), ahead of the next cause
  by ``MARGIN``, and the hypotheses that could still overtake it hold at most ``DOUBT``
  of the belief that some rule applies;
- nothing left to ask can change the leader (no open rule, or no question gains
  anything);
- nothing at all is left to ask (then the conclusion may be that no rule fits);
- ``BUDGET`` questions have been asked.

Once nothing is likely to overtake the leader but it is not clear (a weak leader), the
outcome that matters becomes which causes end up among the first ``SHORT``: the conclusion
names them, so the questions left go to the causes after the leader.

A question's gain is weighed by the share of people who can answer it (``answerable`` in
the knowledge base): few know their initialisation, most know their learning rate.

Before it stops with a leader that is not clear, it asks once about the neighbour of an
opening pick the leader rests on, in case the pick was a slip (``misread.py``).

Before it stops with a leader, it asks the framework once if nobody said it and the
leading causes' fixes are written differently per framework: the guide then shows only
the user's code. Not past ``BUDGET``: then the guide shows every framework's code.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from troubleshoot.consult.belief import Hypothesis, Model
from troubleshoot.consult.implication import roots
from troubleshoot.consult.likelihood import LIKELY
from troubleshoot.consult.misread import confirmation
from troubleshoot.consult.questions import Kind, Question, answer_space, opening
from troubleshoot.consult.session import Session
from troubleshoot.engine.diagnose import Result, combine
from troubleshoot.engine.open_world import Atom, atoms
from troubleshoot.facts import FactSet
from troubleshoot.knowledge.load import KnowledgeBase

DOUBT = 0.05  # stop once another diagnosis is this unlikely to end up first
MARGIN = 0.15  # ... and the leader's score is ahead of the next one's by this much
FRAMEWORK = "framework"  # the context key that decides which code a guide shows
FITTED = 3  # the leading causes whose code the framework question is asked for
BUDGET = 8  # questions, the opening included: past this, people stop answering with care
SHORT = 3  # causes a settled but unclear conclusion names first: what questions sort next
NOTHING = "-"  # the bucket of hypotheses that cannot change who leads
USELESS = 1e-6  # bits: an answer that tells nothing


class Reason(StrEnum):
    CLEAR = "clear"  # the leading diagnosis is clear
    SETTLED = "settled"  # nothing left to ask can change the leader
    NO_FIT = "no-fit"  # nothing left to ask, and no rule fired


@dataclass(frozen=True)
class Ask:
    question: Question
    gain: float


@dataclass(frozen=True)
class Conclude:
    reason: Reason


@dataclass(frozen=True)
class Situation:
    """Everything the selection looked at, kept for the ``why`` answer."""

    result: Result
    hypotheses: list[Hypothesis]
    doubt: float
    step: Ask | Conclude
    skipped: frozenset[str] = frozenset()  # answered "not sure", or not picked in the opening

    @property
    def clear(self) -> bool:
        """The leader is clear: likely, ahead by ``MARGIN``, hardly to be overtaken."""
        return self.result.top() is not None and self.doubt <= DOUBT and warranted(self.result)

    def possible_causes(self) -> list[str]:
        """The lessons still possible given what is known: one of their rules is not ruled
        out and, once symptoms are seen, bears on one of them (so that it could explain
        them). What the opening question narrows down."""
        seen = set(self.result.facts.present_symptoms())
        return list(
            dict.fromkeys(
                hyp.lesson_id
                for hyp in self.hypotheses
                if hyp.lesson_id is not None and (not seen or seen & hyp.relevant)
            )
        )

    def separated_by(self, name: str) -> list[tuple[str, float, list[Hypothesis]]]:
        """What an answer about ``name`` tells apart: each lesson whose still-possible
        rules name it, with the lesson's share of belief and those rules, most believed
        first."""
        found: dict[str, list[Hypothesis]] = defaultdict(list)
        share: dict[str, float] = defaultdict(float)
        for hyp in self.hypotheses:
            if hyp.lesson_id is None or hyp.rule is None:
                continue
            share[hyp.lesson_id] += hyp.weight
            if any(a.name == name for a in atoms(hyp.rule.as_condition())):
                found[hyp.lesson_id].append(hyp)
        ranked = sorted(found, key=lambda lesson_id: (-share[lesson_id], lesson_id))
        return [(lesson_id, share[lesson_id], found[lesson_id]) for lesson_id in ranked]


def buckets(result: Result, hyps: list[Hypothesis], depth: int = 1) -> list[str]:
    """The outcome each hypothesis stands for: the leader, a diagnosis that could overtake
    it, or ``NOTHING`` (cannot change the leader). With no leader yet, every lesson. With
    ``depth`` 3, the first three diagnoses and any that could reach the third's score: who
    ends up among the first three."""
    top = result.top()
    if top is None:
        return [h.lesson_id or NOTHING for h in hyps]
    ahead = {d.id for d in result.diagnoses[:depth]}
    bar = result.diagnoses[depth - 1].score if len(result.diagnoses) >= depth else 0.0
    fired = {d.id: {f.rule.id: f.rule.weight for f in d.fired} for d in result.diagnoses}
    out = []
    for hyp in hyps:
        if hyp.lesson_id is None or hyp.rule is None:
            out.append(NOTHING)
        elif hyp.lesson_id in ahead:
            out.append(hyp.lesson_id)
        else:
            weights = {**fired.get(hyp.lesson_id, {}), hyp.rule.id: hyp.rule.weight}
            reach = combine(list(weights.values()))
            out.append(hyp.lesson_id if reach >= bar - 1e-9 else NOTHING)
    return out


def doubt(result: Result, hyps: list[Hypothesis], labels: list[str]) -> float:
    """How likely another diagnosis ends up first, if some rule explains the run at all
    (1 with no leader). "None applies" is left out: that the knowledge base may not know
    the cause is no reason to trust its leader more."""
    top = result.top()
    if top is None:
        return 1.0
    threat = math.fsum(
        h.weight for h, label in zip(hyps, labels, strict=True) if label not in (NOTHING, top.id)
    )
    some = math.fsum(h.weight for h in hyps if h.lesson_id is not None)
    return threat / some if some else 0.0


def information_gain(
    model: Model,
    facts: FactSet,
    skipped: frozenset[str],
    hyps: list[Hypothesis],
    labels: list[str],
    atom: Atom,
) -> float:
    """Mutual information (bits) between the answer to ``atom`` and the outcome bucket."""
    space = answer_space(model.kb, atom)
    after = model.variants(facts, skipped, space)
    joint: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(space))
    for hyp, label in zip(hyps, labels, strict=True):
        row = joint[label]
        for j, p in enumerate(model.answer_probs(hyp, atom, space, after)):
            row[j] += hyp.weight * p
    p_answer = [math.fsum(row[j] for row in joint.values()) for j in range(len(space))]
    gain = 0.0
    for row in joint.values():
        p_label = math.fsum(row)
        for j, p in enumerate(row):
            if p > 0:
                gain += p * math.log2(p / (p_label * p_answer[j]))
    return max(gain, 0.0)


def candidates(known: FactSet, hyps: list[Hypothesis]) -> list[Atom]:
    """Facts not known (nor skipped) that a rule still possible depends on."""
    found = [
        atom
        for hyp in hyps
        if hyp.rule is not None
        for atom in atoms(hyp.rule.as_condition())
        if not known.knows(atom.name)
    ]
    return list(dict.fromkeys(found))


def _opening(session: Session, hyps: list[Hypothesis], open_atoms: list[Atom]) -> Question | None:
    """ "What do you see?", once: the general symptoms that rules still possible need."""
    if session.asked_opening():
        return None
    known = session.known()
    open_names = {a.name for a in open_atoms if a.kind == "symptom"}
    needed_by: dict[str, set[str]] = defaultdict(set)
    for hyp in hyps:
        if hyp.rule is None or hyp.lesson_id is None:
            continue
        for atom in atoms(hyp.rule.as_condition()):
            if atom.name in open_names:
                for root in roots(session.kb, atom.name) - set(known.symptoms):
                    needed_by[root].add(hyp.lesson_id)
    uses = {root: len(lessons) for root, lessons in needed_by.items()}
    return opening(session.kb, uses) if uses else None


def situation(model: Model, session: Session) -> Situation:
    """Where the interview stands and what to do next."""
    facts, skipped = session.facts(), session.skipped()
    result = session.result()
    hyps = model.believe(facts, skipped)
    labels = buckets(result, hyps)
    top = result.top()
    unsure = doubt(result, hyps, labels)

    def done(step: Ask | Conclude) -> Situation:
        return Situation(result, hyps, unsure, step, skipped)

    def conclude(reason: Reason) -> Situation:
        # The framework is asked within the budget only: past it, the guide shows every
        # framework's code rather than ask once more. So is a check of the opening pick a
        # weak leader rests on (misread.py): a clear leader is not worth a question more.
        within = len(session.history) < BUDGET
        if within and top is not None and reason is not Reason.CLEAR:
            check = confirmation(session.kb, session.history, facts, top.id)
            if check is not None:
                return done(Ask(check, 0.0))
        framework = _framework_question(session, result) if within else None
        return done(framework if framework is not None else Conclude(reason))

    if done(Conclude(Reason.CLEAR)).clear:
        return conclude(Reason.CLEAR)
    if len(session.history) >= BUDGET:
        return done(Conclude(Reason.SETTLED if top else Reason.NO_FIT))
    open_atoms = candidates(model.closed(facts, skipped), hyps)
    first = _opening(session, hyps, open_atoms)
    if first is not None:
        return done(Ask(first, math.inf))
    if not open_atoms:
        return conclude(Reason.SETTLED if top else Reason.NO_FIT)
    if unsure <= DOUBT:
        # The leader is settled but not clear: the conclusion will name the next causes too,
        # so what is left to ask should sort those.
        labels = buckets(result, hyps, SHORT)
    best = _by_gain(model, facts, skipped, hyps, labels, open_atoms)[0]
    if top is not None and best.gain < USELESS:
        return conclude(Reason.SETTLED)
    return done(best)


def answerable(kb: KnowledgeBase, atom: Atom) -> float:
    """The share of people who can answer a question about ``atom``."""
    found = kb.symptoms.get(atom.name) if atom.kind == "symptom" else kb.context.get(atom.name)
    return found.answerable if found is not None else 1.0


def warranted(result: Result) -> bool:
    """The leading cause is likely and ahead of the next by ``MARGIN``: enough to stop."""
    ranked = result.diagnoses
    if not ranked:
        return False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return ranked[0].score >= LIKELY and ranked[0].score - runner_up >= MARGIN - 1e-9


def _framework_question(session: Session, result: Result) -> Ask | None:
    """The framework, if nobody has said it (nor skipped it) and the fixes of the leading
    causes differ by framework; asked once, since "not sure" skips it."""
    kb = session.kb
    if FRAMEWORK not in kb.context or not result.diagnoses:
        return None
    if session.known().knows(FRAMEWORK) or FRAMEWORK in session.skipped():
        return None
    for diagnosis in result.diagnoses[:FITTED]:
        frameworks = {k for step in diagnosis.lesson.steps for k in step.code if k != "shell"}
        if len(frameworks) > 1:
            return Ask(Question(Kind.CONTEXT, FRAMEWORK), 0.0)
    return None


def _by_gain(
    model: Model,
    facts: FactSet,
    skipped: frozenset[str],
    hyps: list[Hypothesis],
    labels: list[str],
    open_atoms: list[Atom],
) -> list[Ask]:
    """A question about each open fact, largest expected information gain first (ties: the
    fact found first)."""
    gains = [
        information_gain(model, facts, skipped, hyps, labels, a) * answerable(model.kb, a)
        for a in open_atoms
    ]
    order = sorted(range(len(gains)), key=lambda i: (-gains[i], i))
    return [Ask(Question.about(open_atoms[i]), gains[i]) for i in order]


def best_questions(
    model: Model, session: Session, hyps: list[Hypothesis], labels: list[str], n: int
) -> list[Ask]:
    """The ``n`` questions about single facts (never the opening) whose answers best tell
    apart the outcomes ``labels`` gives each hypothesis, by the same expected information
    gain the interview asks by; none that would tell nothing."""
    facts, skipped = session.facts(), session.skipped()
    open_atoms = candidates(model.closed(facts, skipped), hyps)
    asks = _by_gain(model, facts, skipped, hyps, labels, open_atoms)
    return [ask for ask in asks if ask.gain >= USELESS][:n]
