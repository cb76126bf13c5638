"""Before a weak conclusion, check the opening pick it rests on: was it a slip?

People pick from the opening's long list in a hurry: a click lands on the item next to
the one they meant, or they take a symptom for one it implies or is implied by ("loss
becomes NaN" for "NaN appears suddenly"). The interview takes every pick as certain and
every unpicked symptom as absent, so such a slip rules the right cause out for good. When
the conclusion is not clear anyway (it will name several causes), one question is worth
spending on the pick the leader rests on: the unpicked neighbour that, picked instead,
would have put another cause first. Yes lets that cause's rules fire and the interview
goes on; no or "not sure" leaves everything as it was.

The belief is left alone: a slip is rarer than the doubt the interview accepts in a clear
leader, so only this check, asked once per pick just before a weak conclusion, spends a
question on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from troubleshoot.consult.implication import implied, implying
from troubleshoot.consult.questions import ASKED, Kind, Question, group_of
from troubleshoot.consult.session import Answer
from troubleshoot.engine.diagnose import diagnose
from troubleshoot.facts import FactSet, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase


def neighbours(kb: KnowledgeBase, symptom: str, options: Sequence[str]) -> list[str]:
    """What a hurried reader may have meant when picking ``symptom`` from the opening's
    ``options``: the items just above and below it within the same group of the list
    (curves, error messages, probes, other), and the offered symptoms it implies or is
    implied by. Sorted, without itself."""
    near: set[str] = set()
    if symptom in options:
        at = list(options).index(symptom)
        for other in options[max(at - 1, 0) : at + 2]:
            if group_of(kb, other) == group_of(kb, symptom):
                near.add(other)
    near |= (implied(kb, symptom) | implying(kb, symptom)) & set(options)
    near.discard(symptom)
    return sorted(near)


def confirmation(
    kb: KnowledgeBase, history: Sequence[Answer], facts: FactSet, leader: str
) -> Question | None:
    """The question about an unpicked neighbour of an opening pick that ``leader`` rests
    on (without the pick another cause, or none, would lead), if that neighbour picked
    instead would put another cause first; of several, the one whose cause would score
    highest. None once a neighbour of each such pick has been asked."""
    opening = next((a for a in history if a.question.kind is Kind.OPENING), None)
    if opening is None or not isinstance(opening.value, tuple):
        return None
    options, picks = opening.question.options, opening.value
    asked = {a.question.name for a in history if a.question.kind is not Kind.OPENING}
    best: tuple[float, str] | None = None
    for pick in picks:
        near = [n for n in neighbours(kb, pick, options) if n not in picks]
        if not near or asked & set(near):
            continue
        without = FactSet(dict(facts.symptoms), dict(facts.context))
        without.forget(pick)
        if _leader(without, kb) == leader:
            continue
        for symptom in near:
            instead = FactSet(dict(without.symptoms), dict(without.context))
            instead.add(SymptomFact(symptom, True, ASKED))
            top = diagnose(instead, kb).top()
            if top is not None and top.id != leader and (best is None or top.score > best[0]):
                best = (top.score, symptom)
    return Question(Kind.SYMPTOM, best[1]) if best else None


def _leader(facts: FactSet, kb: KnowledgeBase) -> str | None:
    top = diagnose(facts, kb).top()
    return top.id if top else None
