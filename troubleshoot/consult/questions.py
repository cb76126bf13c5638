"""What the interview can ask, and the answers each question can get.

A question is about one symptom (yes/no), one context key (a choice, yes/no or a number),
or the opening "what do you see?" over many symptoms at once. The answer space of a
number is the set of intervals the rules' comparisons cut the number line into, so the
selection can reason about "batch size under 16" without enumerating every integer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import pairwise
from typing import assert_never

from troubleshoot.engine.open_world import Atom
from troubleshoot.facts import ContextFact, Fact, Origin, Provenance, SymptomFact
from troubleshoot.knowledge.conditions import leaves
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import (
    Compare,
    Condition,
    ContextAtom,
    Scalar,
    SymptomAtom,
)

ASKED = Provenance(Origin.ASKED)


class Kind(StrEnum):
    OPENING = "opening"
    SYMPTOM = "symptom"
    CONTEXT = "context"


@dataclass(frozen=True)
class Question:
    """One question; ``options`` are the symptom ids the opening offers."""

    kind: Kind
    name: str
    options: tuple[str, ...] = ()

    @classmethod
    def about(cls, atom: Atom) -> Question:
        return cls(Kind.SYMPTOM if atom.kind == "symptom" else Kind.CONTEXT, atom.name)


OPENING = "what-do-you-see"
GROUPS = ("metrics", "log", "probes", "question")


def group_of(kb: KnowledgeBase, symptom_id: str) -> str:
    """Where a person sees a symptom: curves, an error message, per-layer probes, other."""
    via = {v.value for v in kb.symptoms[symptom_id].via} if symptom_id in kb.symptoms else set()
    if "log" in via and "metrics" not in via:
        return "log"
    return next((g for g in ("metrics", "probes") if g in via), "question")


def opening(kb: KnowledgeBase, uses: Mapping[str, int]) -> Question:
    """ "What do you see?" over the symptoms in ``uses``: those of the first screen
    (``first_screen`` in the knowledge base) in their order, then the others grouped as
    they are shown and, within a group, those more diagnoses need first (then by id)."""
    first = sorted(
        (s for s in uses if s in kb.symptoms and kb.symptoms[s].first_screen is not None),
        key=lambda s: (kb.symptoms[s].first_screen or 0, s),
    )
    rest = sorted(
        (s for s in kb.symptoms if s in uses and s not in first),
        key=lambda s: (GROUPS.index(group_of(kb, s)), -uses[s], s),
    )
    return Question(Kind.OPENING, OPENING, (*first, *rest))


def on_first_screen(kb: KnowledgeBase, symptom_id: str) -> bool:
    symptom = kb.symptoms.get(symptom_id)
    return symptom is not None and symptom.first_screen is not None


def answer_space(kb: KnowledgeBase, atom: Atom) -> tuple[Fact, ...]:
    """One representative fact per answer that the rules can tell apart."""
    if atom.kind == "symptom":
        return (SymptomFact(atom.name, True, ASKED), SymptomFact(atom.name, False, ASKED))
    key = kb.context[atom.name]
    values: list[Scalar]
    if key.type == "boolean":
        values = [True, False]
    elif key.type == "choice":
        values = [c.value for c in key.choices]
    else:
        values = list(_number_points(kb, atom.name))
    return tuple(ContextFact(atom.name, v, ASKED) for v in values)


def answer_index(kb: KnowledgeBase, atom: Atom, fact: Fact) -> int | None:
    """Which answer of ``answer_space`` a known fact is (a number: its interval); None for
    a value outside the vocabulary, which no rule can match."""
    if isinstance(fact, SymptomFact):
        return 0 if fact.present else 1
    assert isinstance(fact, ContextFact)
    key = kb.context.get(atom.name)
    if key is None:
        return None
    if key.type in ("number", "integer"):
        compares = _comparisons(kb, atom.name)
        where = tuple(c.holds(fact.value) for c in compares)
        points = _points(compares)
        matches = (i for i, p in enumerate(points) if tuple(c.holds(p) for c in compares) == where)
        return next(matches, None)
    values: list[Scalar] = [True, False]
    if key.type != "boolean":
        values = [c.value for c in key.choices]
    return values.index(fact.value) if fact.value in values else None


def _number_points(kb: KnowledgeBase, key: str) -> tuple[float, ...]:
    return _points(_comparisons(kb, key))


_COMPARISONS: dict[tuple[int, str], tuple[Compare, ...]] = {}


def _comparisons(kb: KnowledgeBase, key: str) -> tuple[Compare, ...]:
    """Every comparison the rules make on ``key``, found once per process and knowledge
    base (as ``belief.model_for`` is): the planner asks for them at every answer it weighs."""
    if (id(kb), key) not in _COMPARISONS:
        rules = (rule for lesson in kb.diagnoses() for rule in lesson.rules)
        found = (c for rule in rules for c in _compares(rule.as_condition(), key))
        _COMPARISONS[id(kb), key] = tuple(dict.fromkeys(found))
    return _COMPARISONS[id(kb), key]


def _compares(cond: Condition, key: str) -> Iterator[Compare]:
    """The numeric comparisons ``cond`` makes on ``key``, in the order written."""
    for leaf in leaves(cond):
        match leaf:
            case SymptomAtom():
                pass
            case ContextAtom(context=context):
                expected = context.get(key)
                if isinstance(expected, Compare):
                    yield expected
            case _:
                assert_never(leaf)


@cache
def _points(compares: tuple[Compare, ...]) -> tuple[float, ...]:
    """One number inside each interval the comparisons tell apart: one at each bound, one
    between neighbouring bounds, one below and one above them all."""
    bounds = sorted({b for c in compares for b in (c.lt, c.le, c.gt, c.ge) if b is not None})
    if not bounds:
        return (1.0,)
    low = bounds[0] / 2 if bounds[0] > 0 else bounds[0] - 1
    middles = [(a + b) / 2 for a, b in pairwise(bounds)]
    points: dict[tuple[bool, ...], float] = {}
    for value in sorted([low, *bounds, *middles, bounds[-1] * 2 + 1]):
        points.setdefault(tuple(c.holds(value) for c in compares), value)
    return tuple(points.values())
