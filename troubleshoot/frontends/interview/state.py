"""Save an interview after every answer, so that Ctrl-C or a closed terminal loses nothing.

The file is JSON: the starting facts (with provenance, so detected evidence survives) and
the answers in order. It is replaced atomically, so a crash mid-write leaves the previous
version. ``--resume`` reads it back.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.session import Answer, Value
from troubleshoot.facts import (
    ContextFact,
    Evidence,
    Fact,
    FactSet,
    Origin,
    Phrase,
    Provenance,
    SymptomFact,
)
from troubleshoot.lang import Lang

VERSION = 1


class StateError(ValueError):
    """The state file is missing or is not a saved interview; the message is a key of the
    interview's string table: ``no_state``, ``state_not_json``, ``state_version`` or
    ``state_content``."""


@dataclass
class Saved:
    kb: Path
    lang: Lang
    given: FactSet
    history: list[Answer]
    finished: bool = False


def default_path() -> Path:
    """``$XDG_STATE_HOME/troubleshoot/interview.json`` (default ``~/.local/state``)."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "troubleshoot" / "interview.json"


def save(path: Path, saved: Saved) -> None:
    payload = {
        "version": VERSION,
        "kb": str(saved.kb),
        "lang": saved.lang,
        "finished": saved.finished,
        "given": [_fact_json(f) for f in saved.given],
        "answers": [_answer_json(a) for a in saved.history],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def load(path: Path) -> Saved:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StateError("no_state") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise StateError("state_not_json") from None
    try:
        if data["version"] != VERSION:
            raise StateError("state_version")
        return Saved(
            kb=Path(data["kb"]),
            lang=Lang(data["lang"]),
            given=FactSet().extend(_fact(f) for f in data["given"]),
            history=[_answer(a) for a in data["answers"]],
            finished=bool(data.get("finished")),
        )
    except StateError:
        raise
    except (KeyError, TypeError, ValueError):
        raise StateError("state_content") from None


def _fact_json(fact: Fact) -> dict[str, object]:
    out: dict[str, object]
    if isinstance(fact, SymptomFact):
        out = {"symptom": fact.id, "present": fact.present}
    else:
        out = {"context": fact.key, "value": fact.value}
    return {**out, "provenance": fact.provenance.to_dict()}


def _fact(data: dict) -> Fact:
    raw = data["provenance"]
    provenance = Provenance(
        Origin(raw["origin"]),
        tuple(Evidence.from_dict(e) for e in raw.get("evidence", ())),
        _note(raw.get("note", "")),
    )
    if "symptom" in data:
        return SymptomFact(data["symptom"], bool(data["present"]), provenance)
    return ContextFact(data["context"], data["value"], provenance)


def _answer_json(answer: Answer) -> dict[str, object]:
    value = list(answer.value) if isinstance(answer.value, tuple) else answer.value
    question = answer.question
    return {
        "kind": question.kind.value,
        "name": question.name,
        "options": list(question.options),
        "value": value,
    }


def _answer(data: dict) -> Answer:
    kind = Kind(data["kind"])
    raw = data["value"]  # JSON has lists, the opening's answer is a tuple of symptom ids
    value: Value = tuple(raw) if kind is Kind.OPENING and raw is not None else raw
    return Answer(Question(kind, data["name"], tuple(data.get("options", ()))), value)


def _note(raw: object) -> Phrase | str:
    return Phrase.from_dict(raw) if isinstance(raw, dict) else str(raw)
