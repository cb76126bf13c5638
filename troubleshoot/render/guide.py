"""Render a :class:`Result` as a Markdown remediation guide with numbered citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from troubleshoot.consult.checklist import Checklist
from troubleshoot.consult.consultation import Consultation, RunVerdict
from troubleshoot.consult.gather import ReadRun
from troubleshoot.consult.likelihood import likelihood
from troubleshoot.engine.diagnose import Diagnosis, FiredRule, Result
from troubleshoot.facts import LOW, ContextFact, Evidence, Fact, Phrase, SymptomFact
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import Citation, Lesson, Step
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS, say
from troubleshoot.render.likelihood import standing_word
from troubleshoot.render.links import page_url
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
        """Source id (what the lessons' text calls "article 002"), author, title, the
        section by its name, and the address. The articles' file names are left out: the
        articles are not redistributed, so no reader has them."""
        source = self.kb.sources[citation.source]
        text = f"`{source.id}` {source.byline(self.lang)}, *{source.heading(self.lang)}*"
        if citation.section:
            section = source.sections.get(citation.section)
            label = section.get(self.lang) if section else None
            text += f", {label or STRINGS[self.lang]['section'] + ' ' + citation.section}"
        if source.url:
            text += f". <{source.url}>"
        return text


DETAILED = 3  # causes told in full; the rest are listed by name
SEE_ALSO = 5  # lessons named under "See also", at most
WORD_BUDGET = 400
"""Words one cause may take in the default guide: about one screen (some 50 lines of 80
columns, code included) to read before acting. Title, likelihood, one reason, summary, the
check, "fixed when" and what to try next are always shown; steps follow, cheapest first,
while the cause stays within the budget (always at least one), and the rest, with the
mechanism and caveats, are in ``--full`` and the report. Counted in English, so both
languages show the same steps; ``docs/benchmarks/guides.md`` measures the result."""
MAX_LISTED = 10  # run ids named in a section heading
MAX_TABLE = 100  # rows of the table of runs


def evidence_text(evidence: Evidence, lang: Lang) -> str:
    words = STRINGS[lang]
    parts = [f"`{evidence.source}`"]
    if evidence.series:
        parts.append(f"`{evidence.series}`")
    if evidence.step is not None:
        parts.append(f"{words[evidence.unit or 'step']} {evidence.step:g}")
    if evidence.value is not None:
        value = evidence.value
        parts.append(f"{words['value']} {value:g}" if isinstance(value, float) else f"{value}")
    if evidence.line:
        parts.append(f"{words['line']} {evidence.line}")
    if evidence.confidence == LOW and evidence.points:
        few = "ev_one_point" if evidence.points == 1 else "ev_few_points"
        parts.append(say(Phrase.of(few, points=evidence.points), lang))
    return f"{say(evidence.detail, lang)} ({', '.join(parts)})"


def fact_label(kb: KnowledgeBase, fact: Fact, lang: Lang) -> str:
    """A fact in words, with its id so that readers can search the kb for it."""
    if isinstance(fact, SymptomFact):
        symptom = kb.symptoms.get(fact.id)
        title = symptom.title.get(lang) if symptom else fact.id
        absent = "" if fact.present else f" ({STRINGS[lang]['absent']})"
        return f"{title}{absent} (`{fact.id}`)"
    assert isinstance(fact, ContextFact)
    return f"`{fact.key}` = {context_value(kb, fact, lang)}"


def context_value(kb: KnowledgeBase, fact: ContextFact, lang: Lang) -> str:
    """A choice by its label in ``lang`` with the value a user types, a yes/no in words,
    anything else (a number, a value the kb does not list) as typed."""
    key = kb.context.get(fact.key)
    if isinstance(fact.value, bool):
        return f"{STRINGS[lang]['yes' if fact.value else 'no']} (`{typed(fact.value)}`)"
    for choice in key.choices if key else ():
        if choice.value == fact.value:
            return f"{choice.label.get(lang)} (`{typed(fact.value)}`)"
    return f"`{typed(fact.value)}`"


def words(text: str) -> int:
    """Words as the budget counts them: runs of non-space characters, code included."""
    return len(text.split())


def _code_words(step: Step, framework: object) -> int:
    """The step's fitted code, with its label and fences (three words a block)."""
    return sum(
        words(s.code) + 3 + (words(s.wrong) + 3 if s.wrong else 0)
        for s in framework_snippets(step, framework)
    )


def steps_shown(kb: KnowledgeBase, lesson: Lesson, framework: object) -> int:
    """How many of the lesson's steps the default guide shows within :data:`WORD_BUDGET`.
    What every default cause shows is counted at its longest (the longest reason, the
    :data:`SEE_ALSO` longest linked lessons), so the rendered section stays within it."""
    t = STRINGS[Lang.EN]
    fixed = [lesson.id, "· likely · [1]", lesson.title.en, lesson.summary.en]
    fixed += [t["why_fits"], t["more_reasons"] % {"n": 9}, t["what_to_do"]]
    fixed.append(max((r.because.en for r in lesson.rules), key=words, default=""))
    if lesson.confirm:
        fixed += [t["confirm"], lesson.confirm.text.en, t["confirm_shows"], lesson.confirm.shows.en]
    if lesson.fixed_when:
        fixed += [t["fixed_when"], lesson.fixed_when.en]
    for other in (kb.lessons[i] for i in lesson.otherwise if i in kb.lessons):
        fixed += [t["otherwise"], other.title.en, other.id]
    see = [f"{x.title.en} ({x.id})" for x in linked(kb, lesson)]
    fixed += [t["see_also"], *sorted(see, key=words)[-SEE_ALSO:], t["more_steps"] % {"n": 9}]
    spent = sum(map(words, fixed))
    if lesson.confirm:
        spent += _code_words(lesson.confirm, framework)
    shown = 0
    for step in lesson.steps:
        spent += 2 + words(step.text.en) + _code_words(step, framework)  # its number, marks
        if shown and spent > WORD_BUDGET:
            break
        shown += 1
    return shown


def linked(kb: KnowledgeBase, lesson: Lesson) -> list[Lesson]:
    """What a lesson links to and what links to it by ``supports``, each lesson once."""
    ids = [*lesson.supports, *(x.id for x in kb.supported_by(lesson.id)), *lesson.related]
    return [kb.lessons[i] for i in dict.fromkeys(ids) if i in kb.lessons and i != lesson.id]


def see_also(kb: KnowledgeBase, lesson: Lesson, shown: set[str]) -> list[Lesson]:
    """The linked lessons, none already on the page (``shown``) or named under "If that did
    not help", at most :data:`SEE_ALSO`."""
    skip = shown | set(lesson.otherwise)
    return [other for other in linked(kb, lesson) if other.id not in skip][:SEE_ALSO]


def reasons(diagnosis: Diagnosis) -> list[FiredRule]:
    """The rules that fired, strongest first: the first is the one-line "why this fits"."""
    return sorted(diagnosis.fired, key=lambda f: -f.rule.weight)


@dataclass
class Section:
    """Runs that show the same findings, told once: the first run's result stands for all.
    Of the runs' ids, inputs and notes it keeps the first :data:`MAX_LISTED` (what the
    guide names) and counts the rest, so that a log of thousands of runs costs no more."""

    ids: list[str]
    result: Result
    checklist: Checklist
    count: int = 0  # runs
    inputs: list[ReadRun] = field(default_factory=list)
    input_count: int = 0
    unjudged: list[Phrase] = field(default_factory=list)  # what detection could not judge

    def add(self, run: RunVerdict) -> None:
        self.count += 1
        if len(self.ids) < MAX_LISTED:
            self.ids.append(run.id)
        for read in run.inputs:
            self.input_count += 1
            if len(self.inputs) < MAX_LISTED:
                self.inputs.append(read)
            self.unjudged += read.detection_warnings[: MAX_LISTED - len(self.unjudged)]


def findings(result: Result) -> tuple[object, ...]:
    """What makes two runs' sections the same: symptoms, causes, and the framework (which
    picks the code shown)."""
    symptoms = tuple((s.id, s.present) for s in result.facts.symptoms.values())
    framework = result.facts.context.get("framework")
    return (symptoms, tuple(d.id for d in result.diagnoses), framework and framework.value)


def sections(consultation: Consultation) -> list[Section]:
    """One section per distinct finding, in the order runs were read."""
    grouped: dict[tuple[object, ...], Section] = {}
    for run in consultation.runs:
        key = findings(run.result)
        if key not in grouped:
            grouped[key] = Section([], run.result, run.checklist())
        grouped[key].add(run)
    return list(grouped.values())


def render_guide(
    consultation: Consultation,
    lang: Lang = Lang.EN,
    detailed: int = DETAILED,
    full: bool = False,
    site_url: str | None = None,
) -> str:
    """The Markdown guide: what was observed, causes in order, steps, numbered sources.
    By default each cause fits :data:`WORD_BUDGET`; ``full`` adds every reason and step,
    the mechanism and the caveats. With ``site_url``, each cause links to its page on the
    documentation site."""
    kb = consultation.kb
    return (
        environment()
        .get_template("guide.md.j2")
        .render(
            t=STRINGS[lang],
            lang=lang,
            kb=kb,
            first_runs=islice(consultation.runs, MAX_TABLE),  # the table's, one at a time
            run_count=len(consultation.runs),
            sections=sections(consultation),
            detailed=detailed,
            full=full,
            max_listed=MAX_LISTED,
            max_table=MAX_TABLE,
            cites=CitationIndex(kb, lang),
            fact_label=lambda fact: fact_label(kb, fact, lang),
            evidence_text=lambda ev: evidence_text(ev, lang),
            say=lambda words: say(words, lang),
            sorted_code=framework_snippets,
            likelihood=likelihood,
            standing=lambda candidate: standing_word(kb, candidate, lang),
            reasons=reasons,
            steps_shown=lambda lesson, framework: steps_shown(kb, lesson, framework),
            see_also=lambda lesson, shown: see_also(kb, lesson, set(shown)),
            url=lambda lesson_id: page_url(site_url, lang, "lessons", lesson_id),
        )
    )
