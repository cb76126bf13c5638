"""Every walker of rule conditions knows each node kind, and refuses one it does not know."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from troubleshoot.consult.questions import _compares
from troubleshoot.engine.compile import _Compiler
from troubleshoot.engine.lint import _check_condition, witness
from troubleshoot.engine.open_world import atoms, evaluate
from troubleshoot.facts import FactSet
from troubleshoot.knowledge.conditions import children, leaves, walk
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Condition,
    ContextAtom,
    NoneOf,
    Strict,
    SymptomAtom,
)
from troubleshoot.render.rules_text import condition_text


class NotAll(Strict):
    """A node kind the traversal does not know. It is shaped like ``NoneOf`` on purpose:
    a walker that takes "anything else" for ``NoneOf`` would accept it without a word."""

    none: list[Condition]


SITES: dict[str, Callable[[Condition, KnowledgeBase], object]] = {
    "children": lambda cond, kb: children(cond),
    "walk": lambda cond, kb: list(walk(cond)),
    "leaves": lambda cond, kb: list(leaves(cond)),
    "compile": lambda cond, kb: _Compiler().positive(cond),
    "compile negated": lambda cond, kb: _Compiler().negative(cond),
    "evaluate": lambda cond, kb: evaluate(cond, FactSet()),
    "atoms": lambda cond, kb: list(atoms(cond)),
    "text": lambda cond, kb: condition_text(cond, "en"),
    "comparisons": lambda cond, kb: list(_compares(cond, "batch_size")),
    "witness": lambda cond, kb: witness(cond, FactSet()),
    "lint references": lambda cond, kb: list(_check_condition(kb, cond, "here")),
}


def _nested(cond: Condition) -> Condition:
    """``cond`` under each compound kind (first under 'any', which a witness follows), past
    pydantic's validation."""
    under_none = NoneOf.model_construct(none=[cond])
    return AllOf.model_construct(
        all=[SymptomAtom(symptom="loss-nan"), AnyOf.model_construct(any=[cond, under_none])]
    )


@pytest.mark.parametrize("site", SITES)
def test_an_unknown_node_kind_is_refused(site: str, mini_kb: KnowledgeBase):
    with pytest.raises(AssertionError):
        SITES[site](NotAll(none=[SymptomAtom(symptom="loss-nan")]), mini_kb)


@pytest.mark.parametrize("site", [s for s in SITES if s != "children"])  # children: one level
def test_an_unknown_node_kind_is_refused_deep_down(site: str, mini_kb: KnowledgeBase):
    with pytest.raises(AssertionError):
        SITES[site](_nested(NotAll(none=[SymptomAtom(symptom="loss-nan")])), mini_kb)


@pytest.mark.parametrize("site", SITES)
def test_every_known_node_kind_is_accepted(site: str, mini_kb: KnowledgeBase):
    cond = _nested(ContextAtom(context={"loss": "ctc"}))
    SITES[site](cond, mini_kb)


def test_walk_visits_every_node_before_its_children_in_written_order():
    inner = AnyOf(any=[SymptomAtom(symptom="a"), ContextAtom(context={"k": 1})])
    cond = AllOf(all=[inner, NoneOf(none=[SymptomAtom(symptom="b")])])
    kinds = [type(node).__name__ for node in walk(cond)]
    assert kinds == ["AllOf", "AnyOf", "SymptomAtom", "ContextAtom", "NoneOf", "SymptomAtom"]
    assert [type(leaf).__name__ for leaf in leaves(cond)] == kinds[2:4] + kinds[5:]
