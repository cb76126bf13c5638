"""Run every detector over one run and turn what they found into facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from troubleshoot.detect.accuracy import detect_accuracy
from troubleshoot.detect.classes import infer_classes
from troubleshoot.detect.events import context_of_events, detect_events
from troubleshoot.detect.generalisation import detect_generalisation
from troubleshoot.detect.kl import detect_kl
from troubleshoot.detect.loss import detect_loss
from troubleshoot.detect.probes import detect_probes
from troubleshoot.detect.thresholds import DEFAULT, Thresholds
from troubleshoot.detect.view import Found, RunView, view_of
from troubleshoot.facts import (
    LOW,
    ContextFact,
    Evidence,
    Origin,
    Phrase,
    Provenance,
    SymptomFact,
)
from troubleshoot.read.model import ClassHint, RunData

Detector = Callable[[RunView, Thresholds], list[Found]]

DETECTORS: tuple[Detector, ...] = (
    detect_events,
    detect_loss,
    detect_generalisation,
    detect_accuracy,
    detect_probes,
    detect_kl,
)


@dataclass
class Detection:
    """What one run shows: present symptoms and context, each with its evidence."""

    facts: list[SymptomFact | ContextFact] = field(default_factory=list)
    warnings: list[Phrase] = field(default_factory=list)

    @property
    def symptoms(self) -> list[str]:
        return [f.id for f in self.facts if isinstance(f, SymptomFact)]


def _marked(found: Found) -> tuple[Evidence, ...]:
    """The evidence, marked low-confidence with the points seen when they were few."""
    if found.seen is None:
        return found.evidence
    return tuple(replace(e, points=found.seen, confidence=LOW) for e in found.evidence)


def detect(
    run: RunData,
    given: Mapping[str, object] | None = None,
    *,
    thresholds: Thresholds = DEFAULT,
) -> Detection:
    """What ``run`` shows. ``given`` is context the user stated (``-c num_classes=10``, a
    facts file): it fills in what the run itself does not reveal, such as the class count
    of a plain metrics file, and is not repeated in the facts (the front end adds it as
    given). What the run reveals is used over it."""
    view = view_of(run, thresholds, given)
    # A class count nobody stated, read off the run: chance-level checks use it, and it is
    # a context fact of its own so the guide says where it came from.
    inferred = infer_classes(view, thresholds)
    if inferred is not None:
        view.num_classes = inferred.n
    evidence: dict[str, list[Evidence]] = {}
    for detector in DETECTORS:
        for found in detector(view, thresholds):
            known = evidence.setdefault(found.symptom, [])
            known += [e for e in _marked(found) if e not in known]
    facts: list[SymptomFact | ContextFact] = [
        SymptomFact(symptom, True, Provenance(Origin.DETECTED, tuple(items)))
        for symptom, items in evidence.items()
    ]
    read_from = Provenance(
        Origin.DETECTED, (Evidence(run.source, Phrase.of("ev_read_from", format=run.format)),)
    )
    # What an error message reveals is cited by its line, over what the reader inferred.
    revealed = context_of_events(run.source, view.events)
    for key, value in run.context.items():
        if key not in revealed:
            facts.append(ContextFact(key, value, _stated_at(run, key, value) or read_from))
    facts += [
        ContextFact(key, value, Provenance(Origin.DETECTED, evidence))
        for key, (value, evidence) in revealed.items()
    ]
    if "when" not in run.context:
        facts += _nan_at_evaluation(view)
    if view.hint is not None:
        facts.append(ContextFact("num_classes", view.hint.n, _printed(run, view.hint)))
    if inferred is not None:
        note = Phrase.of("note_inferred")
        facts.append(
            ContextFact(
                "num_classes", inferred.n, Provenance(Origin.DETECTED, inferred.evidence, note)
            )
        )
    return Detection(facts, view.warnings)


def _nan_at_evaluation(view: RunView) -> list[ContextFact]:
    """``when = at-evaluation`` for a NaN only evaluation shows: the training losses logged
    after it, all ordinary numbers, are the evidence."""
    after = view.trained_on_after_nan_evaluation
    if after is None:
        return []
    detail = Phrase.of("ev_nan_at_evaluation_only", n=len(after), last=float(after.values[-1]))
    evidence = view.cite(after, len(after) - 1, detail)
    provenance = Provenance(Origin.DETECTED, (evidence,), Phrase.of("note_when_read"))
    return [ContextFact("when", "at-evaluation", provenance)]


def _printed(run: RunData, hint: ClassHint) -> Provenance:
    """Where the run prints its class count: the setting, or the last layer and its width."""
    detail = (
        Phrase.of("ev_classes_setting", name=hint.key, n=hint.n)
        if hint.setting
        else Phrase.of("ev_classes_width", layer=hint.key, kind=hint.kind, n=hint.n)
    )
    evidence = Evidence(hint.source or run.source, detail, line=hint.line or None)
    return Provenance(Origin.DETECTED, (evidence,), Phrase.of("note_from_output"))


def _stated_at(run: RunData, key: str, value: object) -> Provenance | None:
    """The line of the run's own definition that states a context value (a Caffe net's
    class count: the num_output of its last InnerProduct layer), when the reader kept it."""
    line, name = run.context_at.get(key, (0, ""))
    if not line or key != "num_classes" or not isinstance(value, int):
        return None
    detail = Phrase.of("ev_num_output", layer=name, n=value)
    note = Phrase.of("note_from_definition")
    return Provenance(Origin.DETECTED, (Evidence(run.source, detail, line=line),), note)
