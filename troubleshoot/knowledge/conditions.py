"""The one traversal of rule conditions.

``children`` is the single place that knows which node kinds exist and which of them hold
other conditions; ``walk`` and ``leaves`` build on it. A site that gives each kind its own
meaning (compiling, evaluating, rendering, witnessing) uses an exhaustive ``match`` ending
in ``assert_never``: mypy rejects it when ``Condition`` gains a kind it does not handle,
and at run time a foreign object raises instead of being taken for some other kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from troubleshoot.knowledge.schema import AllOf, AnyOf, Condition, ContextAtom, NoneOf, SymptomAtom

Leaf = SymptomAtom | ContextAtom


def children(cond: Condition) -> list[Condition]:
    """The conditions directly under ``cond``; none for a leaf."""
    match cond:
        case SymptomAtom() | ContextAtom():
            return []
        case AllOf(all=parts) | AnyOf(any=parts) | NoneOf(none=parts):
            return parts
        case _:
            assert_never(cond)


def walk(cond: Condition) -> Iterator[Condition]:
    """Every node of ``cond``, each before the nodes under it, in the order written."""
    yield cond
    for child in children(cond):
        yield from walk(child)


def leaves(cond: Condition) -> Iterator[Leaf]:
    """The facts ``cond`` mentions, in the order written, whatever they are nested in."""
    for node in walk(cond):
        match node:
            case SymptomAtom() | ContextAtom():
                yield node
            case AllOf() | AnyOf() | NoneOf():
                pass
            case _:
                assert_never(node)
