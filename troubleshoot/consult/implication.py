"""Which symptoms imply which (``implies`` in kb/symptoms), in both directions."""

from __future__ import annotations

from troubleshoot.knowledge.load import KnowledgeBase


def implied(kb: KnowledgeBase, symptom_id: str) -> set[str]:
    """Every symptom that ``symptom_id`` implies, directly or through others."""
    out: set[str] = set()
    pending = [symptom_id]
    while pending:
        current = kb.symptoms.get(pending.pop())
        for target in current.implies if current else ():
            if target not in out:
                out.add(target)
                pending.append(target)
    return out


def implying(kb: KnowledgeBase, symptom_id: str) -> set[str]:
    """Every symptom that implies ``symptom_id``: if it is absent, so are these."""
    return {s for s in kb.symptoms if symptom_id in implied(kb, s)}


def roots(kb: KnowledgeBase, symptom_id: str) -> set[str]:
    """The most general symptoms ``symptom_id`` implies (itself if it implies none): the
    opening offers "loss is NaN", not each kind of NaN."""
    return {s for s in implied(kb, symptom_id) if not implied(kb, s)} or {symptom_id}
