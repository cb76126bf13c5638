"""Facts that readers recognised in log text: each error signature of ``kb/errors/`` maps to
symptoms and context, and a traceback no signature knows to ``error-unrecognised``."""

from __future__ import annotations

from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView
from troubleshoot.facts import ContextValue, Evidence
from troubleshoot.read.errors import UNRECOGNISED
from troubleshoot.read.model import LogEvent

MAX_EVIDENCE = 3  # lines cited per fact; the rest say nothing new


def evidence_of(source: str, event: LogEvent) -> Evidence:
    text = event.text.strip()[:200]
    detail = f"unrecognised error: {text}" if event.kind == UNRECOGNISED else text
    return Evidence(source=source, detail=detail, line=event.line or None, signature=event.kind)


def detect_events(view: RunView, t: Thresholds) -> list[Found]:
    by_symptom: dict[str, list[Evidence]] = {}
    for event in view.events:
        for symptom in event.symptoms:
            by_symptom.setdefault(symptom, []).append(evidence_of(view.source, event))
    return [Found(s, tuple(evidence[:MAX_EVIDENCE])) for s, evidence in by_symptom.items()]


def context_of_events(
    source: str, events: list[LogEvent]
) -> dict[str, tuple[ContextValue, tuple[Evidence, ...]]]:
    """The context the recognised messages reveal (``framework``, ``loss``), each value with
    the lines that show it; the first message to name a key decides its value."""
    found: dict[str, tuple[ContextValue, list[Evidence]]] = {}
    for event in events:
        for key, value in event.context:
            known = found.setdefault(key, (value, []))
            if known[0] == value and len(known[1]) < MAX_EVIDENCE:
                known[1].append(evidence_of(source, event))
    return {key: (value, tuple(evidence)) for key, (value, evidence) in found.items()}
