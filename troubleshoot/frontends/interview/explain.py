"""The interview's words: each question as text, and the ``why`` and ``how`` answers.

Plain lines, no colour or markup, so that they read the same in a terminal, a log and a
screen reader; the terminal only adds emphasis.
"""

from __future__ import annotations

from dataclasses import dataclass

from troubleshoot.consult.checklist import Candidate
from troubleshoot.consult.questions import GROUPS, Kind, Question, group_of, on_first_screen
from troubleshoot.consult.select import FRAMEWORK, Ask, Situation
from troubleshoot.facts import Fact
from troubleshoot.frontends.i18n import t
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.lang import Lang
from troubleshoot.render.guide import evidence_text, fact_label
from troubleshoot.render.i18n import STRINGS, say
from troubleshoot.render.likelihood import likelihood_word
from troubleshoot.render.rules_text import rule_text


@dataclass(frozen=True)
class Shown:
    """A question as shown: its text, a hint, and numbered options (0 is "not sure")."""

    text: str
    hint: str
    options: list[tuple[str, str]]  # (number, label)
    groups: dict[int, str]  # index in options -> heading shown before it


def _plain(text: str) -> str:
    return text.replace("`", "")


def symptom_title(kb: KnowledgeBase, symptom_id: str, lang: Lang) -> str:
    symptom = kb.symptoms.get(symptom_id)
    return symptom.title.get(lang) if symptom else symptom_id


# The key that lists each group of the opening's other symptoms (a letter no command or
# reply uses), and how many options the opening shows at once without a first screen.
GROUP_KEYS = {"metrics": "a", "log": "e", "probes": "i", "question": "o"}
FITS = 12


def opening_pages(kb: KnowledgeBase, question: Question) -> dict[str, list[int]]:
    """The opening's options (indexes) by page: ``""`` is the first screen (the
    knowledge base's ``first_screen`` symptoms), then a page per group of the others,
    under its key. With few options, all are on the first screen."""
    if len(question.options) <= FITS:
        return {"": list(range(len(question.options)))}
    pages: dict[str, list[int]] = {"": []}
    for i, symptom_id in enumerate(question.options):
        if on_first_screen(kb, symptom_id):
            pages[""].append(i)
        else:
            pages.setdefault(GROUP_KEYS[group_of(kb, symptom_id)], []).append(i)
    return pages


def show(
    kb: KnowledgeBase, question: Question, lang: Lang, known: bool = False, page: str = ""
) -> Shown:
    """The question's text and options in ``lang``, from the knowledge base; for the
    opening, one page of its options (:func:`opening_pages`)."""
    if question.kind is Kind.OPENING:
        return _opening(kb, question, lang, known, page)
    skip = ("0", t(lang, "not_sure"))
    yes_no = [("1", t(lang, "yes")), ("2", t(lang, "no")), skip]
    if question.kind is Kind.SYMPTOM:
        symptom = kb.symptoms.get(question.name)
        text = symptom.question.get(lang) if symptom else question.name
        return Shown(text, "", yes_no, {})
    key = kb.context[question.name]
    text = key.question.get(lang)
    if key.type == "boolean":
        return Shown(text, "", yes_no, {})
    if key.type == "choice":
        choices = [(str(i), c.label.get(lang)) for i, c in enumerate(key.choices, 1)]
        return Shown(text, "", [*choices, skip], {})
    unit = t(lang, "unit", unit=key.unit.get(lang)) if key.unit else ""
    return Shown(text, t(lang, "number_hint", unit=unit), [skip], {})


def _opening(kb: KnowledgeBase, question: Question, lang: Lang, known: bool, page: str) -> Shown:
    """The first screen: its symptoms, a key per group of the others, and "none"; or one
    group's symptoms, numbered as on every page so that answers can mix pages."""
    pages = opening_pages(kb, question)
    options: list[tuple[str, str]] = []
    groups: dict[int, str] = {}
    for i in pages.get(page, []):
        symptom_id = question.options[i]
        group = group_of(kb, symptom_id)
        if page and not options:
            groups[0] = t(lang, f"group_{group}")
        options.append((str(i + 1), symptom_title(kb, symptom_id, lang)))
    if not page:
        for group in GROUPS:
            key = GROUP_KEYS[group]
            if key in pages:
                label = t(lang, "more_group", group=t(lang, f"group_{group}"), n=len(pages[key]))
                options.append((key, label))
        options.append(("0", t(lang, "none_of_these")))
    text = t(lang, "opening_more" if known else "opening")
    hint = t(lang, "opening_note" if not page else "opening_page_note")
    return Shown(text, hint, options, groups)


def answer_text(kb: KnowledgeBase, question: Question, value: object, lang: Lang) -> str:
    """An answer in words, for echoing it and for "going back to"."""
    if value is None:
        return t(lang, "not_sure")
    if question.kind is Kind.OPENING:
        assert isinstance(value, tuple)
        titles = [symptom_title(kb, s, lang) for s in value]
        return t(lang, "list_sep").join(titles) or t(lang, "picked_none")
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    key = kb.context.get(question.name)
    for choice in key.choices if key else ():
        if choice.value == value:
            return choice.label.get(lang)
    return f"{value:g}" if isinstance(value, float) else str(value)


def why(kb: KnowledgeBase, situation: Situation, lang: Lang) -> list[str]:
    """Two or three plain sentences: what the pending question decides between, and how
    to check the answer yourself (the rules behind it are in :func:`how`)."""
    step = situation.step
    assert isinstance(step, Ask)
    question = step.question
    lines = [t(lang, "why_title")]
    if question.kind is Kind.OPENING:
        key = "why_opening_more" if situation.result.facts.present_symptoms() else "why_opening"
        return [*lines, t(lang, key, n=len(situation.possible_causes()))]
    titles = [
        kb.lessons[lesson_id].title.get(lang)
        for lesson_id, *_ in situation.separated_by(question.name)
    ]
    if question.kind is Kind.SYMPTOM and question.name in situation.skipped:
        lines.append(t(lang, "why_confirm"))  # an unpicked neighbour of a pick (misread.py)
    elif not titles and question.name == FRAMEWORK:
        lines.append(t(lang, "why_framework"))
    elif len(titles) == 1:
        lines.append(t(lang, "why_one", cause=titles[0]))
    elif titles:
        more = t(lang, "why_more", n=len(titles) - 2) if len(titles) > 2 else ""
        lines.append(t(lang, "why_between", first=titles[0], second=titles[1], more=more))
    if question.kind is Kind.CONTEXT:
        lines.append(t(lang, "why_matters", text=_plain(kb.context[question.name].why.get(lang))))
    elif question.name in kb.symptoms:
        lines.append(t(lang, "why_check", text=_plain(kb.symptoms[question.name].check.get(lang))))
    return lines


def pending(kb: KnowledgeBase, situation: Situation, lang: Lang) -> list[str]:
    """For ``how``: the rules the pending question decides, and what it is expected to tell."""
    step = situation.step
    if not isinstance(step, Ask) or step.question.kind is Kind.OPENING:
        return []
    lines = [t(lang, "how_pending", question=show(kb, step.question, lang).text)]
    for lesson_id, _share, hyps in situation.separated_by(step.question.name):
        for hyp in hyps:
            assert hyp.rule is not None
            condition = _plain(rule_text(hyp.rule, lang))
            ref = f"{lesson_id}/{hyp.rule.id}"
            lines.append(
                "  " + t(lang, "why_rule", ref=ref, weight=hyp.rule.weight, condition=condition)
            )
    lines.append(t(lang, "why_gain", gain=step.gain))
    return lines


def fact_text(kb: KnowledgeBase, fact: Fact, lang: Lang, brief: bool = False) -> str:
    """A fact with where it came from: answered, given (file), detected (evidence); in
    brief, what was seen without where (the list of what is known keeps to a line each,
    so that the first question still fits a 24-line terminal)."""
    origin = STRINGS[lang][f"origin_{fact.provenance.origin.value}"]
    detail = [origin]
    if fact.provenance.note:
        detail.append(say(fact.provenance.note, lang))
    if fact.provenance.evidence:
        evidence = fact.provenance.evidence[0]
        detail.append(say(evidence.detail, lang) if brief else evidence_text(evidence, lang))
    return f"{_plain(fact_label(kb, fact, lang))} [{_plain('; '.join(detail))}]"


def how(kb: KnowledgeBase, situation: Situation, lang: Lang, limit: int = 5) -> list[str]:
    """The rules and facts behind each ranked diagnosis, then the rules the pending
    question decides."""
    result = situation.result
    lines = [t(lang, "how_title")]
    if not result.diagnoses:
        return [*lines, t(lang, "how_none"), *pending(kb, situation, lang)]
    lines.append(t(lang, "how_score"))
    for rank, diagnosis in enumerate(result.diagnoses[:limit], 1):
        title = diagnosis.lesson.title.get(lang)
        word = likelihood_word(diagnosis.score, lang)
        lines.append(
            t(
                lang,
                "rank_scored",
                rank=rank,
                title=title,
                id=diagnosis.id,
                likelihood=word,
                score=diagnosis.score,
            )
        )
        for fired in diagnosis.fired:
            because = _plain(fired.rule.because.get(lang))
            lines.append(
                "  " + t(lang, "how_rule", ref=fired.ref, weight=fired.rule.weight, because=because)
            )
            facts = "; ".join(fact_text(kb, f, lang) for f in fired.matched)
            lines.append("    " + t(lang, "how_facts", facts=facts))
    return [*lines, *pending(kb, situation, lang)]


def ranking(candidates: list[Candidate], lang: Lang) -> list[str]:
    """The conclusion's causes, one line each: how likely a fired one is, and that an open
    one is possible but not yet supported by the answers."""
    lines = []
    for rank, candidate in enumerate(candidates, 1):
        title = candidate.lesson.title.get(lang)
        if candidate.diagnosis is None:
            lines.append(t(lang, "rank_open", rank=rank, title=title, id=candidate.id))
        else:
            word = likelihood_word(candidate.diagnosis.score, lang)
            lines.append(t(lang, "rank", rank=rank, title=title, id=candidate.id, likelihood=word))
    return lines
