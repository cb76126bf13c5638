"""The shape of every knowledge-base file, as pydantic models.

This module is the single definition of the format; ``docs/kb-format.md`` describes it
for authors. Validation errors name the file and the field (see ``load.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from troubleshoot.lang import Lang

FRAMEWORKS = ("caffe", "pytorch", "tensorflow", "keras")
# A snippet is for one framework, or for the shell (shown whatever the framework).
CodeLang = Literal["caffe", "pytorch", "tensorflow", "keras", "shell"]

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Strict):
    """A piece of prose in both languages (Markdown allowed)."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return self.zh if lang == Lang.ZH else self.en


class Phrases(Strict):
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)


class Kind(StrEnum):
    DIAGNOSIS = "diagnosis"
    PRACTICE = "practice"
    EXPLAINER = "explainer"


# ---------------------------------------------------------------- conditions

Scalar = str | int | float | bool


class Compare(Strict):
    """A numeric comparison on a context value, e.g. ``{lt: 16}``."""

    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Compare:
        if all(v is None for v in (self.lt, self.le, self.gt, self.ge)):
            raise ValueError("a comparison needs at least one of lt, le, gt, ge")
        return self

    def holds(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return (
            (self.lt is None or value < self.lt)
            and (self.le is None or value <= self.le)
            and (self.gt is None or value > self.gt)
            and (self.ge is None or value >= self.ge)
        )

    def describe(self) -> str:
        ops = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
        return " and ".join(f"{ops[k]} {v:g}" for k, v in self.__dict__.items() if v is not None)


class SymptomAtom(Strict):
    """Holds when the symptom is known to be present."""

    symptom: Id


class ContextAtom(Strict):
    """Holds when every listed key has a matching value.

    A scalar must be equal, a list means any of, a mapping is a numeric comparison.
    """

    context: dict[str, Scalar | list[Scalar] | Compare] = Field(min_length=1)


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


class NoneOf(Strict):
    none: list[Condition] = Field(min_length=1)


Condition = SymptomAtom | ContextAtom | AllOf | AnyOf | NoneOf


class Rule(Strict):
    """One way of reaching a diagnosis: all of ``all``, one of ``any``, none of ``none``."""

    id: Id
    weight: float = Field(gt=0, le=1)
    because: Text
    all: list[Condition] = Field(default_factory=list)
    any: list[Condition] = Field(default_factory=list)
    none: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _positive_part(self) -> Rule:
        if not self.all and not self.any:
            raise ValueError("a rule needs at least one condition under 'all' or 'any'")
        return self

    def as_condition(self) -> AllOf:
        """The rule as one condition. Its parts were validated when the rule was, so they
        are assembled without validating again (which would make pydantic build its
        validators in every process that only runs rules)."""
        parts: list[Condition] = list(self.all)
        if self.any:
            parts.append(AnyOf.model_construct(any=self.any))
        if self.none:
            parts.append(NoneOf.model_construct(none=self.none))
        return AllOf.model_construct(all=parts)


# ---------------------------------------------------------------- lessons


class Citation(Strict):
    """A source id from ``kb/sources.yaml`` and, for the articles, a section of it."""

    source: str
    section: str | None = None

    @classmethod
    def parse(cls, ref: str) -> Citation:
        source, _, section = ref.strip().partition(" ")
        return cls(source=source, section=section or None)

    def ref(self) -> str:
        return f"{self.source} {self.section}" if self.section else self.source


def _citations(value: object) -> object:
    if isinstance(value, list):
        return [Citation.parse(v) if isinstance(v, str) else v for v in value]
    return value


class Step(Strict):
    """One remediation step; ``code`` gives framework equivalents, ``cite`` its support.

    ``wrong`` holds, where a pair teaches more than the fix alone, the code as it was
    before the fix, per framework; ``code`` is then the right version."""

    text: Text
    code: dict[CodeLang, str] = Field(default_factory=dict)
    wrong: dict[CodeLang, str] = Field(default_factory=dict)
    cite: list[Citation] = Field(default_factory=list)
    beyond_sources: bool = False

    _parse_cite = field_validator("cite", mode="before")(_citations)

    @model_validator(mode="after")
    def _supported(self) -> Step:
        if not self.cite and not self.beyond_sources:
            raise ValueError("a step needs 'cite' or 'beyond_sources: true'")
        if set(self.wrong) - set(self.code):
            raise ValueError("'wrong' code needs the right version under 'code'")
        return self


class Confirm(Step):
    """One check or command that tells whether this is the cause; ``shows`` says what its
    output looks like when it is."""

    shows: Text


class Example(Strict):
    """A fact set used as a test case for the lesson's rules."""

    symptoms: list[Id] = Field(default_factory=list)
    absent: list[Id] = Field(default_factory=list)
    context: dict[str, Scalar] = Field(default_factory=dict)
    note: str = ""


class Examples(Strict):
    rank_first: list[Example] = Field(default_factory=list)
    not_first: list[Example] = Field(default_factory=list)
    no_fire: list[Example] = Field(default_factory=list)


class Lesson(Strict):
    id: Id
    kind: Kind
    title: Text
    summary: Text
    sources: list[Citation] = Field(min_length=1)
    symptoms: list[Id] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    explanation: Text
    caveats: Text | None = None
    steps: list[Step] = Field(default_factory=list)
    confirm: Confirm | None = None
    fixed_when: Text | None = None
    # Lessons to turn to, in order, when the steps did not help (where the sources give one).
    otherwise: list[Id] = Field(default_factory=list)
    supports: list[Id] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list)
    examples: Examples = Field(default_factory=Examples)

    _parse_sources = field_validator("sources", mode="before")(_citations)

    @model_validator(mode="after")
    def _kind_fits(self) -> Lesson:
        if self.kind is Kind.DIAGNOSIS:
            if not self.rules:
                raise ValueError("a diagnosis needs at least one rule")
            if not self.steps:
                raise ValueError("a diagnosis needs at least one remediation step")
            if not self.examples.rank_first:
                raise ValueError("a diagnosis needs at least one 'rank_first' example")
        elif self.rules:
            raise ValueError(f"a {self.kind.value} lesson has no rules; use 'supports' instead")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique within a lesson")
        return self


# ---------------------------------------------------------------- symptoms


class Via(StrEnum):
    METRICS = "metrics"
    LOG = "log"
    PROBES = "probes"
    QUESTION = "question"


class Symptom(Strict):
    id: Id
    title: Text
    definition: Text
    check: Text
    question: Text
    phrases: Phrases
    via: list[Via] = Field(min_length=1)
    implies: list[Id] = Field(default_factory=list)
    # Shown on the interview's first screen, in this order (1 first); others are a key away.
    first_screen: int | None = Field(default=None, ge=1)
    # The share of people who can answer the question (the interview weighs its gain by it).
    answerable: float = Field(default=0.8, ge=0, le=1)
    # The detector's rule; every number is a threshold placeholder such as {spike_factor}.
    detection: Text | None = None
    # Where the rule's numbers come from (prior art, calibration); may quote other numbers.
    basis: Text | None = None


# ---------------------------------------------------------------- error signatures


class ErrorSource(Strict):
    """Where a framework raises the message: a file of its repository at a named commit
    (``quote`` is the text there, so the line can be found again with ``git grep``), or
    a documentation page."""

    repo: str | None = None  # owner/name on GitHub
    path: str | None = None
    commit: Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")] | None = None
    line: int | None = Field(default=None, gt=0)
    url: str | None = None
    quote: str = Field(min_length=1)

    @model_validator(mode="after")
    def _located(self) -> ErrorSource:
        in_repo = (self.repo, self.path, self.commit)
        if all(in_repo) == any(in_repo) and (all(in_repo) or self.url):
            return self
        raise ValueError("a source is 'repo', 'path' and 'commit' together, or a 'url'")

    def cite(self) -> str:
        if self.repo and self.path and self.commit:
            line = f"#L{self.line}" if self.line else ""
            return f"https://github.com/{self.repo}/blob/{self.commit}/{self.path}{line}"
        return self.url or ""


class ErrorSignature(Strict):
    """One error message as a framework prints it, and the facts it establishes."""

    id: Id
    title: Text
    # Literal words, at least one of which the line holds: a cheap test before the pattern.
    words: list[str] = Field(min_length=1)
    pattern: str = Field(min_length=1)  # a Python regular expression, searched in the line
    examples: list[str] = Field(min_length=1)  # real messages; each must match this alone
    source: ErrorSource
    symptoms: list[Id] = Field(default_factory=list)
    context: dict[str, Scalar] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _maps(self) -> ErrorSignature:
        if not self.symptoms and not self.context:
            raise ValueError("a signature maps to at least one symptom or context value")
        return self


class ErrorCatalogue(Strict):
    """``kb/errors/<framework>.yaml``: the signatures of one framework or library."""

    signatures: list[ErrorSignature] = Field(min_length=1)


# ---------------------------------------------------------------- context vocabulary


class Choice(Strict):
    value: Scalar
    label: Text
    synonyms: list[str] = Field(default_factory=list)
    # How people name this choice inside a sentence ("from scratch", "微调"), for free text;
    # a phrase may hold ``{n}`` where any number stands ("after {n} iterations").
    phrases: Phrases = Field(default_factory=Phrases)


class ContextKey(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z_]*$")]
    type: Literal["choice", "boolean", "number", "integer"]
    question: Text
    why: Text
    choices: list[Choice] = Field(default_factory=list)
    unit: Text | None = None
    # Words people use for an amount ("small"), for number keys, and the number each stands for.
    amounts: dict[str, float] = Field(default_factory=dict)
    # Free text: for a number key, how people state it, ``{n}`` where the number goes
    # ("lr {n}", "学习率{n}") or ``{amount}`` where a word of ``amounts`` does ("{amount}
    # dataset", "数据集{amount}"); for a boolean key, words that mean it is true ("batchnorm").
    phrases: Phrases = Field(default_factory=Phrases)
    # The share of people who can answer the question (the interview weighs its gain by it).
    answerable: float = Field(default=0.8, ge=0, le=1)

    @model_validator(mode="after")
    def _choices_fit(self) -> ContextKey:
        if self.type == "choice" and not self.choices:
            raise ValueError("a 'choice' key needs choices")
        if self.amounts and self.type not in ("number", "integer"):
            raise ValueError("only a number key has 'amounts'")
        if self.type == "choice" and (self.phrases.en or self.phrases.zh):
            raise ValueError("a 'choice' key's phrases belong to its choices")
        if self.type in ("number", "integer"):
            for phrase in [*self.phrases.en, *self.phrases.zh]:
                if phrase.count("{n}") + phrase.count("{amount}") != 1:
                    raise ValueError(f"phrase '{phrase}' of a number key needs one {{n}}")
                if "{amount}" in phrase and not self.amounts:
                    raise ValueError(f"phrase '{phrase}' has {{amount}} but the key no amounts")
        return self


class ContextVocabulary(Strict):
    keys: list[ContextKey]
    # Free text: words a phrase may be written with interchangeably ("loss" and "损失",
    # "上升" and "升高"), so each phrase need not be listed in every wording.
    same_words: list[list[str]] = Field(default_factory=list)
    # Free text: what marks a question as about something other than training (inference
    # speed, deployment): retrieval, the guess of last resort, is not tried on it.
    off_topic: Phrases = Field(default_factory=Phrases)


# ---------------------------------------------------------------- stated metrics


class StatedExample(Strict):
    text: str = Field(min_length=1)
    value: float


class StatedMetric(Strict):
    """How people state one metric's value in words ("training loss {n}", "训练准确率{n}"),
    ``{n}`` where the number goes: free text gives it to the detectors as that series'
    last value, as a pasted log line would."""

    series: Literal["train/loss", "val/loss", "test/loss", "train/acc", "val/acc", "test/acc"]
    phrases: Phrases
    # Sentences as people write them, each with the value they state for this series (an
    # accuracy as a share): tests/test_stated.py reads each one.
    examples: list[StatedExample] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_number(self) -> StatedMetric:
        for phrase in [*self.phrases.en, *self.phrases.zh]:
            if phrase.count("{n}") != 1 or not phrase.endswith("{n}"):
                raise ValueError(f"phrase '{phrase}' needs one {{n}}, at its end")
        if not self.phrases.en or not self.phrases.zh:
            raise ValueError("needs phrases in both en and zh")
        return self


class StatedMetrics(Strict):
    """``kb/metrics.yaml``: the metrics free text may state, one entry per series."""

    metrics: list[StatedMetric] = Field(min_length=1)

    @model_validator(mode="after")
    def _once_each(self) -> StatedMetrics:
        names = [m.series for m in self.metrics]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"series stated twice: {', '.join(twice)}")
        return self


# ---------------------------------------------------------------- sources


class Source(Strict):
    """A source lessons cite. ``title`` and ``author`` are names, the same in every
    language, or descriptions in both (``{en: "Chinese blog post", zh: ...}``)."""

    id: str
    title: str | Text
    author: str | Text
    kind: Literal["article", "reference"]
    language: str
    url: str | None = None
    file: str | None = None
    note: Text | None = None
    sections: dict[str, Text] = Field(default_factory=dict)

    def byline(self, lang: Lang) -> str:
        return self.author if isinstance(self.author, str) else self.author.get(lang)

    def heading(self, lang: Lang) -> str:
        return self.title if isinstance(self.title, str) else self.title.get(lang)


class SourceRegistry(Strict):
    sources: list[Source]
