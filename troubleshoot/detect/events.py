"""Symptoms that readers recognised in log text (error messages, NaN or 87.3365 lines)."""

from __future__ import annotations

from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView
from troubleshoot.facts import Evidence

# Symptoms a log line can establish on its own (via: log in kb/catalogue/symptoms.yaml).
FROM_LOG = frozenset({"loss-nan", "loss-87-3365"})


def detect_events(view: RunView, t: Thresholds) -> list[Found]:
    by_kind: dict[str, list[Evidence]] = {}
    for event in view.events:
        if event.kind.startswith("error-") or event.kind in FROM_LOG:
            evidence = Evidence(
                source=view.source, detail=event.text.strip()[:200], line=event.line or None
            )
            by_kind.setdefault(event.kind, []).append(evidence)
    return [Found(kind, tuple(evidence[:3])) for kind, evidence in by_kind.items()]
