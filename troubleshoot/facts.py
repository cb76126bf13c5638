"""The facts every step shares: symptoms and context, each with where it came from.

Interview answers, detectors reading metrics and logs, the command line and chat queries
all produce these objects, and the engine consumes nothing else. Keeping provenance on the
fact (not in a side table) is what lets a guide say *why* it believes a symptom.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeAlias

ContextValue = str | int | float | bool


class Origin(StrEnum):
    """How a fact entered the engine."""

    GIVEN = "given"  # command line or a facts file
    ASKED = "asked"  # answered in the interview
    DETECTED = "detected"  # found in a metrics file, log or probe
    CHAT = "chat"  # understood from a chat query
    IMPLIED = "implied"  # follows from another fact (e.g. loss-nan-sudden implies loss-nan)


PhraseValue: TypeAlias = "str | int | float | Phrase"  # a phrase may hold a phrase
LOW = "low"  # the confidence of a judgement made from few points (Evidence.confidence)


@dataclass(frozen=True)
class Phrase:
    """Words without a language: a key of the pages' string table (``render/i18n.py``) and
    the values it names. Detection says what it saw this way, so it needs no language, and
    each page words it in its reader's; so do the errors of reading and of the vocabulary
    (:class:`PhrasedError`), which a phrase may hold as a value."""

    key: str
    values: tuple[tuple[str, PhraseValue], ...] = ()

    @classmethod
    def of(cls, key: str, **values: object) -> Phrase:
        """A phrase; numpy numbers become plain ones (``item()``), fit for JSON."""
        plain = []
        for name, value in values.items():
            value = value.item() if hasattr(value, "item") else value
            if not isinstance(value, str | int | float | Phrase):
                raise TypeError(f"{key}: {name} is {value!r}, not a string, number or phrase")
            plain.append((name, value))
        return cls(key, tuple(plain))

    def to_dict(self) -> dict[str, object]:
        values = {k: v.to_dict() if isinstance(v, Phrase) else v for k, v in self.values}
        return {"key": self.key, "values": values}

    @classmethod
    def from_dict(cls, data: dict) -> Phrase:
        values = dict(data.get("values", {}))
        return cls(
            str(data["key"]),
            tuple((k, cls.from_dict(v) if isinstance(v, dict) else v) for k, v in values.items()),
        )

    def __str__(self) -> str:
        """The key and values, for logs and debugging; people get ``render.i18n.say``."""
        return f"{self.key}({', '.join(f'{k}={v}' for k, v in self.values)})"


class PhrasedError(Exception):
    """An error that says what went wrong in phrases, one a line, in no language: whoever
    shows it words them in its reader's (``render.i18n.say_lines``), so that a Chinese
    interview never shows an English reason it would have to parse."""

    def __init__(self, *words: Phrase) -> None:
        super().__init__(*words)
        self.words = words

    def __str__(self) -> str:
        return "; ".join(str(w) for w in self.words)


@dataclass(frozen=True)
class Evidence:
    """One observation behind a detected fact: which file, series, step and value.
    ``detail`` is a :class:`Phrase`, or text quoted as found (a line of a log).
    ``points`` and ``confidence`` (``"low"``) mark a judgement made on a short excerpt,
    fewer points than a full shape judgement needs: the reader learns how little was seen."""

    source: str
    detail: Phrase | str
    series: str | None = None
    step: int | float | None = None
    value: float | str | None = None
    line: int | None = None
    signature: str | None = None  # the kb/errors/ signature a log line matched
    points: int | None = None  # points of the series judged, when they were few
    confidence: str | None = None  # "low" when judged from few points
    unit: str | None = None  # what ``step`` counts: "step", "iteration" or "epoch"

    def to_dict(self) -> dict[str, object]:
        out = {k: v for k, v in self.__dict__.items() if v is not None}
        if isinstance(self.detail, Phrase):
            out["detail"] = self.detail.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Evidence:
        """The inverse of :meth:`to_dict` (a saved interview's evidence)."""
        detail = data["detail"]
        return cls(
            **{**data, "detail": Phrase.from_dict(detail) if isinstance(detail, dict) else detail}
        )


@dataclass(frozen=True)
class Provenance:
    origin: Origin
    evidence: tuple[Evidence, ...] = ()
    note: Phrase | str = ""

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"origin": self.origin.value}
        if self.note:
            out["note"] = self.note.to_dict() if isinstance(self.note, Phrase) else self.note
        if self.evidence:
            out["evidence"] = [e.to_dict() for e in self.evidence]
        return out


GIVEN = Provenance(Origin.GIVEN)


@dataclass(frozen=True)
class SymptomFact:
    """A symptom id from the vocabulary, known to be present or known to be absent."""

    id: str
    present: bool = True
    provenance: Provenance = GIVEN


@dataclass(frozen=True)
class ContextFact:
    """A context key (framework, batch_size, ...) and its value."""

    key: str
    value: ContextValue
    provenance: Provenance = GIVEN


Fact = SymptomFact | ContextFact
Signature = frozenset[tuple[str, str, object]]


@dataclass
class FactSet:
    """What is known about one run: at most one fact per symptom id and per context key.

    A later fact about the same symptom or key replaces the earlier one, except that
    detected evidence accumulates: two detectors seeing NaN keep both pieces of evidence.
    """

    symptoms: dict[str, SymptomFact] = field(default_factory=dict)
    context: dict[str, ContextFact] = field(default_factory=dict)
    # The evidence of a symptom fact as a set, kept while that fact stands: the facts of
    # thousands of runs added one after another then cost time in proportion to them, not
    # to their square (each run's evidence is checked against all gathered so far).
    _evidence: dict[str, tuple[SymptomFact, set[Evidence]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def add(self, fact: Fact) -> None:
        if isinstance(fact, SymptomFact):
            old = self.symptoms.get(fact.id)
            if old is not None and old.present == fact.present and old.provenance.evidence:
                kept = self._evidence.get(fact.id)
                seen = kept[1] if kept and kept[0] is old else set(old.provenance.evidence)
                new = tuple(e for e in fact.provenance.evidence if e not in seen)
                merged = old.provenance.evidence + new
                fact = replace(fact, provenance=replace(fact.provenance, evidence=merged))
                seen.update(new)
                self._evidence[fact.id] = (fact, seen)
            self.symptoms[fact.id] = fact
        else:
            self.context[fact.key] = fact

    def extend(self, facts: Iterable[Fact]) -> FactSet:
        for fact in facts:
            self.add(fact)
        return self

    def forget(self, name: str) -> None:
        """Drop what is known about a symptom id or context key (the interview's 'back')."""
        self.symptoms.pop(name, None)
        self.context.pop(name, None)

    def knows(self, name: str) -> bool:
        return name in self.symptoms or name in self.context

    def present_symptoms(self) -> list[str]:
        return [s.id for s in self.symptoms.values() if s.present]

    def signature(self) -> Signature:
        """The facts without their provenance: what the rules see, so that the engine, the
        checklist and the chat's follow-up choice can remember their work per fact set."""
        return frozenset(
            [("symptom", s.id, s.present) for s in self.symptoms.values()]
            + [("context", c.key, c.value) for c in self.context.values()]
        )

    def __iter__(self) -> Iterator[Fact]:
        yield from self.symptoms.values()
        yield from self.context.values()

    def __len__(self) -> int:
        return len(self.symptoms) + len(self.context)
