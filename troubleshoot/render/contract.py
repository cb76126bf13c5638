"""The JSON output of ``diagnose``: a stable contract, documented in docs/json-output.md.

Fields are only ever added. ``schema_version`` changes only if a field's meaning changes.
"""

from __future__ import annotations

from typing import Any

from troubleshoot.engine.diagnose import Diagnosis, Result
from troubleshoot.facts import ContextFact, Fact, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase

SCHEMA_VERSION = 1


def _fact(fact: Fact) -> dict[str, Any]:
    if isinstance(fact, SymptomFact):
        return {"symptom": fact.id, "present": fact.present}
    assert isinstance(fact, ContextFact)
    return {"context": fact.key, "value": fact.value}


def _diagnosis(kb: KnowledgeBase, diagnosis: Diagnosis, rank: int, lang: str) -> dict[str, Any]:
    lesson = diagnosis.lesson
    return {
        "id": lesson.id,
        "rank": rank,
        "score": round(diagnosis.score, 4),
        "kind": lesson.kind.value,
        "title": lesson.title.get(lang),
        "summary": lesson.summary.get(lang),
        "fired_rules": [
            {
                "id": fired.ref,
                "weight": fired.rule.weight,
                "because": fired.rule.because.get(lang),
                "matched_facts": [_fact(f) for f in fired.matched],
            }
            for fired in diagnosis.fired
        ],
        "citations": [
            {
                "source": c.source,
                "section": c.section,
                "title": kb.sources[c.source].title,
                "url": kb.sources[c.source].url,
            }
            for c in lesson.sources
        ],
    }


def to_json(
    result: Result, kb: KnowledgeBase, guide: str, lang: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The contract: ``symptoms``, ``context``, ``diagnoses`` (each with ``id``), ``guide``."""
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "lang": lang,
        "symptoms": [
            {
                "id": s.id,
                "present": s.present,
                "title": kb.symptoms[s.id].title.get(lang) if s.id in kb.symptoms else s.id,
                "provenance": s.provenance.to_dict(),
            }
            for s in result.facts.symptoms.values()
        ],
        "context": [
            {"key": c.key, "value": c.value, "provenance": c.provenance.to_dict()}
            for c in result.facts.context.values()
        ],
        "diagnoses": [_diagnosis(kb, d, rank, lang) for rank, d in enumerate(result.diagnoses, 1)],
        "guide": guide,
    }
    out.update(extra or {})
    return out
