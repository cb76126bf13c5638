"""Read a facts file: the symptoms, absent symptoms and context of one run, in YAML."""

from __future__ import annotations

from pathlib import Path

from troubleshoot.facts import FactSet, Origin, Phrase, Provenance
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import UnknownTerm, build_facts
from troubleshoot.read.model import UnreadableInput, os_problem


def read_yaml(path: Path) -> object:
    """The YAML document a person wrote (facts, answers); UnreadableInput, in phrases,
    when it is missing, not UTF-8 or not YAML."""
    import yaml  # here, so that a command given no such file does not import it

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnreadableInput(Phrase.of("e_no_such_path", source=str(path))) from None
    except OSError as exc:
        problem = os_problem(exc)
        raise UnreadableInput(
            Phrase.of("e_cannot_read", source=str(path), problem=problem)
        ) from None
    except UnicodeDecodeError:
        raise UnreadableInput(Phrase.of("e_not_utf8", source=str(path))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        where = {"source": str(path), "line": line, "column": column}
        raise UnreadableInput(Phrase.of("e_not_yaml", **where)) from None


def read_facts_file(kb: KnowledgeBase, path: Path) -> FactSet:
    """``symptoms: [...]``, ``absent: [...]``, ``context: {key: value}``; ids are checked."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict) or set(data) - {"symptoms", "absent", "context"}:
        raise UnknownTerm(Phrase.of("e_facts_shape", source=str(path)))
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
        first, *rest = exc.words
        raise UnknownTerm(Phrase.of("e_in_file", source=str(path), problem=first), *rest) from None
