"""The JSON output of ``diagnose``: a stable contract, documented in docs/json-output.md.

Fields are only ever added. ``schema_version`` changes only if a field's meaning changes.
The top level describes everything given as one (with one run, that run); ``runs`` has the
same fields for each run on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

import rapidjson

from troubleshoot.consult.checklist import Checklist
from troubleshoot.consult.consultation import Consultation, RunVerdict
from troubleshoot.consult.likelihood import likelihood
from troubleshoot.engine.diagnose import Diagnosis, Result
from troubleshoot.facts import (
    ContextFact,
    Evidence,
    Fact,
    Phrase,
    Provenance,
    Signature,
    SymptomFact,
)
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Step
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import say
from troubleshoot.render.templating import fitted_keys

SCHEMA_VERSION = 1


def _fact(fact: Fact) -> dict[str, Any]:
    if isinstance(fact, SymptomFact):
        return {"symptom": fact.id, "present": fact.present}
    assert isinstance(fact, ContextFact)
    return {"context": fact.key, "value": fact.value}


def _code(step: Step, framework: object) -> dict[str, Any]:
    """A step's code fitted to the framework as the guide shows it, keyed by framework."""
    keys = fitted_keys(step, framework)
    return {
        "code": {k: step.code[k] for k in keys},
        "wrong": {k: step.wrong[k] for k in keys if k in step.wrong},
    }


def _step(step: Step, framework: object, lang: Lang) -> dict[str, Any]:
    return {
        "text": step.text.get(lang),
        **_code(step, framework),
        "beyond_sources": step.beyond_sources,
    }


def _worded(words: Phrase | str, lang: Lang, into: dict[str, Any], field: str) -> None:
    """``field`` in words in ``lang``; a phrase also gives its key and values, the same in
    every language, for scripts (``field_key``, ``field_values``)."""
    into[field] = say(words, lang)
    if isinstance(words, Phrase):
        into[f"{field}_key"] = words.key
        into[f"{field}_values"] = dict(words.values)


def _evidence(evidence: Evidence, lang: Lang) -> dict[str, Any]:
    entry = evidence.to_dict()
    _worded(evidence.detail, lang, entry, "detail")
    return entry


def _provenance(
    provenance: Provenance, lang: Lang, evidence: Iterator[Evidence] | None = None
) -> dict[str, Any]:
    """``evidence``, when given, stands for the provenance's own: the evidence of every
    run, written as it is walked."""
    out: dict[str, Any] = {"origin": provenance.origin.value}
    if provenance.note:
        _worded(provenance.note, lang, out, "note")
    if evidence is None:
        if provenance.evidence:
            out["evidence"] = [_evidence(e, lang) for e in provenance.evidence]
    elif (first := next(evidence, None)) is not None:
        out["evidence"] = _Stream(_evidence(e, lang) for e in chain((first,), evidence))
    return out


def _diagnosis(
    kb: KnowledgeBase, diagnosis: Diagnosis, rank: int, framework: object, lang: Lang
) -> dict[str, Any]:
    lesson = diagnosis.lesson
    confirm = lesson.confirm
    return {
        "id": lesson.id,
        "rank": rank,
        "score": round(diagnosis.score, 4),
        "likelihood": likelihood(diagnosis.score),
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
                "title": kb.sources[c.source].heading(lang),
                "url": kb.sources[c.source].url,
            }
            for c in lesson.sources
        ],
        "confirm": confirm
        and {**_step(confirm, framework, lang), "shows": confirm.shows.get(lang)},
        "steps": [_step(step, framework, lang) for step in lesson.steps],
        "fixed_when": lesson.fixed_when and lesson.fixed_when.get(lang),
        "otherwise": [
            {"id": i, "title": kb.lessons[i].title.get(lang)}
            for i in lesson.otherwise
            if i in kb.lessons
        ],
    }


def _facts(
    kb: KnowledgeBase,
    result: Result,
    lang: Lang,
    evidence_of: Callable[[str], Iterator[Evidence]] | None = None,
) -> dict[str, Any]:
    """The facts of ``result``; ``evidence_of`` gives a symptom's evidence run by run."""
    return {
        "symptoms": [
            {
                "id": s.id,
                "present": s.present,
                "title": kb.symptoms[s.id].title.get(lang) if s.id in kb.symptoms else s.id,
                "provenance": _provenance(
                    s.provenance, lang, evidence_of(s.id) if evidence_of else None
                ),
            }
            for s in result.facts.symptoms.values()
        ],
        "context": [
            {"key": c.key, "value": c.value, "provenance": _provenance(c.provenance, lang)}
            for c in result.facts.context.values()
        ],
    }


def _diagnoses(kb: KnowledgeBase, result: Result, lang: Lang) -> list[dict[str, Any]]:
    framework = result.facts.context.get("framework")
    fitted = framework and framework.value
    return [_diagnosis(kb, d, rank, fitted, lang) for rank, d in enumerate(result.diagnoses, 1)]


def _checklist(kb: KnowledgeBase, checklist: Checklist, lang: Lang) -> dict[str, Any]:
    """Every cause tied to what was observed (fired first), and the questions that would
    tell the first ones apart."""
    return {
        "checklist": [
            {
                "id": c.id,
                "rank": rank,
                "status": c.status.value,
                "score": round(c.diagnosis.score, 4) if c.diagnosis else None,
                "belief": round(c.belief, 4),
                "title": c.lesson.title.get(lang),
                "symptoms": list(c.symptoms),
            }
            for rank, c in enumerate(checklist.candidates, 1)
        ],
        "questions": [
            {
                "kind": p.question.kind.value,
                "id": p.question.name,
                "question": p.wording(kb).get(lang),
                "gain": round(p.gain, 4),
                "tells_apart": list(p.tells_apart),
            }
            for p in checklist.questions
        ],
    }


def _verdict(kb: KnowledgeBase, run: RunVerdict, lang: Lang) -> dict[str, Any]:
    """A run's ``diagnoses``, ``checklist`` and ``questions``: what the engine and the
    checklist made of its facts, so the same for every run with the same fact set."""
    return {
        "diagnoses": _diagnoses(kb, run.result, lang),
        **_checklist(kb, run.checklist(), lang),
    }


def _run_fields(
    kb: KnowledgeBase, run: RunVerdict, lang: Lang, verdict: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": run.id,
        "inputs": [i.source for i in run.inputs],
        **_facts(kb, run.result, lang),
        **verdict,
        "warnings": [say(warning, Lang.EN) for warning in run.warnings],
        "notes": [say(note, Lang.EN) for note in run.notes],
    }


def _head(consultation: Consultation, guide: str, lang: Lang) -> dict[str, Any]:
    """Every top-level field but ``runs``. What lists every run (evidence, the runs a
    lesson fired in, inputs, warnings, notes) is a :class:`_Stream`, walked as written."""
    kb = consultation.kb
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "lang": lang.value,
        **_facts(kb, consultation.result, lang, consultation.evidence_of),
        "diagnoses": _diagnoses(kb, consultation.result, lang),
        **_checklist(kb, consultation.checklist(), lang),
        "guide": guide,
    }
    for entry in out["diagnoses"]:
        entry["runs"] = _Stream(consultation.runs_with(entry["id"]))
    out["inputs"] = _Stream(
        {"source": i.source, "format": i.format, "series": i.points, "run": run.id}
        for run in consultation.runs
        for i in run.inputs
    )
    out["warnings"] = _Stream(say(warning, Lang.EN) for warning in consultation.warnings)
    out["notes"] = _Stream(say(note, Lang.EN) for note in consultation.notes)
    return out


def to_json(consultation: Consultation, guide: str, lang: Lang) -> dict[str, Any]:
    """The contract: ``symptoms``, ``context``, ``diagnoses`` (each with ``id``), the
    ``checklist`` of every cause tied to them and ``questions``, ``guide``, what was read
    (``inputs``, ``warnings``, ``notes``) and each run (``runs``)."""
    kb = consultation.kb
    runs = [_run_fields(kb, run, lang, _verdict(kb, run, lang)) for run in consultation.runs]
    return {**_plain(_head(consultation, guide, lang)), "runs": runs}


def json_text(
    consultation: Consultation, guide: str, lang: Lang, query: dict[str, Any] | None = None
) -> Iterator[str]:
    """``to_json`` (with ``query`` last, if given) as ``json.dumps(..., indent=2)`` writes
    it, plus a newline, in pieces: the top level, then one run at a time. A log of thousands
    of runs is never held whole as objects or text (what the top level lists of every run is
    written as the runs are walked), and the part of a run that follows from its fact set
    alone (``_verdict``) is encoded once per distinct fact set."""
    kb = consultation.kb
    verdicts: dict[Signature, dict[str, Any]] = {}

    def run_text(run: RunVerdict) -> _Encoded:
        signature = run.facts.signature()
        if signature not in verdicts:
            verdicts[signature] = {
                k: _Encoded(_encode(v, 3)) for k, v in _verdict(kb, run, lang).items()
            }
        return _Encoded("".join(_pieces(_run_fields(kb, run, lang, verdicts[signature]), 2)))

    fields = {**_head(consultation, guide, lang), "runs": _Stream(map(run_text, consultation.runs))}
    if query is not None:
        fields["query"] = query
    yield from _pieces(fields, 0)
    yield "\n"


class _Encoded(str):
    """A value already encoded as JSON text at its depth."""


class _Stream:
    """A list whose items are made as it is written, so that it is never held whole."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _encode(value: object, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``depth`` levels deep. Encoded JSON
    holds no raw line break (``json`` escapes them in strings), so indenting every line
    break indents every line.

    rapidjson (C++) writes the same text ten times faster, and a log of thousands of runs
    writes tens of megabytes. What it would write otherwise is left to ``json``: an escaped
    control character (in capitals there), a key that is not a string, a lone surrogate."""
    text: str | None
    try:
        text = rapidjson.dumps(value, ensure_ascii=False, indent=2, number_mode=rapidjson.NM_NAN)
    except (TypeError, ValueError, OverflowError):  # json writes it, or says why not
        text = None
    if text is None or "\\u00" in text:
        text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * depth)


def _special(value: Any) -> bool:
    """Whether ``value`` is or holds a :class:`_Stream` or :class:`_Encoded` text, which
    ``json`` cannot write. Every node of a run's fields is asked this as it is written, so
    types are compared, not tested with ``isinstance``: the contract's values are plain
    dicts, lists and scalars."""
    kind = type(value)
    if kind is dict:
        return any(map(_special, value.values()))
    if kind is list:
        return any(map(_special, value))
    return kind is _Encoded or kind is _Stream


def _pieces(value: object, depth: int) -> Iterator[str]:
    """``value`` as ``_encode`` writes it, in pieces; a :class:`_Stream` item by item."""
    if not _special(value):
        yield _encode(value, depth)
    elif isinstance(value, _Encoded):
        yield value
    elif isinstance(value, dict):
        inner = "  " * (depth + 1)
        for n, (key, item) in enumerate(value.items()):
            yield f"{',' if n else '{'}\n{inner}{_encode(key, 0)}: "
            yield from _pieces(item, depth + 1)
        yield "\n" + "  " * depth + "}"
    else:
        items = value.items if isinstance(value, _Stream) else value
        assert isinstance(items, Iterable)
        n = -1
        for n, item in enumerate(items):
            yield f"{',' if n else '['}\n" + "  " * (depth + 1)
            yield from _pieces(item, depth + 1)
        yield "[]" if n < 0 else "\n" + "  " * depth + "]"


def _plain(value: Any) -> Any:
    """``value`` with every :class:`_Stream` made a list."""
    if isinstance(value, _Stream):
        return [_plain(v) for v in value.items]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value] if isinstance(value, list) else value
