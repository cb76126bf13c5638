"""Render a :class:`Result` as a Markdown remediation guide with numbered citations."""

from __future__ import annotations

from dataclasses import dataclass, field

from troubleshoot.consult.checklist import Checklist
from troubleshoot.consult.consultation import Consultation
from troubleshoot.consult.gather import ReadRun
from troubleshoot.engine.diagnose import Result
from troubleshoot.facts import ContextFact, Evidence, Fact, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Citation, Lesson
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.rules_text import typed
from troubleshoot.render.templating import environment, framework_snippets


@dataclass
class CitationIndex:
    """Numbers citations in order of first use, so ``[2]`` means the same source everywhere."""

    kb: KnowledgeBase
    lang: Lang
    order: list[str] = field(default_factory=list)

    def number(self, citation: Citation) -> int:
        ref = citation.ref()
        if ref not in self.order:
            self.order.append(ref)
        return self.order.index(ref) + 1

    def marks(self, citations: list[Citation]) -> str:
        return "".join(f"[{self.number(c)}]" for c in citations)

    def entries(self) -> list[str]:
        return [self.describe(Citation.parse(ref)) for ref in self.order]

    def describe(self, citation: Citation) -> str:
        source = self.kb.sources[citation.source]
        text = f"{source.author}, *{source.title}*"
        if citation.section:
            section = source.sections.get(citation.section)
            label = section.get(self.lang) if section else citation.section
            text += f", {STRINGS[self.lang]['section']} {citation.section}: {label}"
        if source.file:
            text += f" (`{source.file}`)"
        if source.url:
            text += f". <{source.url}>"
        return text


DETAILED = 3  # causes told in full; the rest are listed by name
MAX_LISTED = 10  # run ids named in a section heading
MAX_TABLE = 100  # rows of the table of runs


def evidence_text(evidence: Evidence, lang: Lang) -> str:
    words = STRINGS[lang]
    parts = [f"`{evidence.source}`"]
    if evidence.series:
        parts.append(f"`{evidence.series}`")
    if evidence.step is not None:
        parts.append(f"{words['step']} {evidence.step:g}")
    if evidence.value is not None:
        value = evidence.value
        parts.append(f"{words['value']} {value:g}" if isinstance(value, float) else f"{value}")
    if evidence.line:
        parts.append(f"{words['line']} {evidence.line}")
    return f"{evidence.detail} ({', '.join(parts)})"


def fact_label(kb: KnowledgeBase, fact: Fact, lang: Lang) -> str:
    """A fact in words, with its id so that readers can search the kb for it."""
    if isinstance(fact, SymptomFact):
        symptom = kb.symptoms.get(fact.id)
        title = symptom.title.get(lang) if symptom else fact.id
        absent = "" if fact.present else f" ({STRINGS[lang]['absent']})"
        return f"{title}{absent} (`{fact.id}`)"
    assert isinstance(fact, ContextFact)
    return f"`{fact.key}` = `{typed(fact.value)}`"


def _related(kb: KnowledgeBase, lesson: Lesson) -> list[Lesson]:
    ids = [*lesson.related, *(x.id for x in kb.supported_by(lesson.id))]
    return [kb.lessons[i] for i in dict.fromkeys(ids) if i in kb.lessons and i != lesson.id]


@dataclass(frozen=True)
class Section:
    """Runs that show the same findings, told once: the first run's result stands for all."""

    ids: list[str]
    result: Result
    inputs: list[ReadRun]
    checklist: Checklist


def _findings(result: Result) -> tuple[object, ...]:
    """What makes two runs' sections the same: symptoms, causes, and the framework (which
    orders the code examples)."""
    symptoms = tuple((s.id, s.present) for s in result.facts.symptoms.values())
    framework = result.facts.context.get("framework")
    return (symptoms, tuple(d.id for d in result.diagnoses), framework and framework.value)


def sections(consultation: Consultation) -> list[Section]:
    """One section per distinct finding, in the order runs were read."""
    grouped: dict[tuple[object, ...], Section] = {}
    for run in consultation.runs:
        key = _findings(run.result)
        if key in grouped:
            grouped[key].ids.append(run.id)
            grouped[key].inputs.extend(run.inputs)
        else:
            grouped[key] = Section([run.id], run.result, list(run.inputs), run.checklist())
    return list(grouped.values())


def render_guide(consultation: Consultation, lang: Lang = Lang.EN, detailed: int = DETAILED) -> str:
    """The Markdown guide: what was observed, causes in order, steps, numbered sources."""
    kb = consultation.kb
    return (
        environment()
        .get_template("guide.md.j2")
        .render(
            t=STRINGS[lang],
            lang=lang,
            kb=kb,
            runs=consultation.runs,
            sections=sections(consultation),
            detailed=detailed,
            max_listed=MAX_LISTED,
            max_table=MAX_TABLE,
            cites=CitationIndex(kb, lang),
            fact_label=lambda fact: fact_label(kb, fact, lang),
            evidence_text=lambda ev: evidence_text(ev, lang),
            sorted_code=framework_snippets,
            related=lambda lesson: _related(kb, lesson),
        )
    )
