"""Read a facts file: the symptoms, absent symptoms and context of one run, in YAML."""

from __future__ import annotations

from pathlib import Path

from troubleshoot.facts import FactSet, Origin, Phrase, Provenance
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import UnknownTerm, build_facts


def read_facts_file(kb: KnowledgeBase, path: Path) -> FactSet:
    """``symptoms: [...]``, ``absent: [...]``, ``context: {key: value}``; ids are checked."""
    import yaml  # here, so that a command given no facts file does not import it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnknownTerm(f"{path}: cannot read the facts file: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"symptoms", "absent", "context"}:
        raise UnknownTerm(f"{path}: a facts file has only 'symptoms', 'absent' and 'context'")
    provenance = Provenance(Origin.GIVEN, note=Phrase.of("note_from_file", file=path.name))
    try:
        return build_facts(
            kb,
            symptoms=data.get("symptoms") or [],
            absent=data.get("absent") or [],
            context=data.get("context") or {},
            provenance=provenance,
        )
    except UnknownTerm as exc:
        raise UnknownTerm(f"{path}: {exc}") from None
