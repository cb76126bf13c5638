"""The interview's words: each question as text, and the ``why`` and ``how`` answers.

Plain lines, no colour or markup, so that they read the same in a terminal, a log and a
screen reader; the terminal only adds emphasis.
"""

from __future__ import annotations

from dataclasses import dataclass

from troubleshoot.consult.consultation import Result
from troubleshoot.consult.questions import Kind, Question, group_of
from troubleshoot.consult.select import Ask, Situation
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


def show(kb: KnowledgeBase, question: Question, lang: Lang, known: bool = False) -> Shown:
    """The question's text and options in ``lang``, from the knowledge base."""
    if question.kind is Kind.OPENING:
        options: list[tuple[str, str]] = []
        groups: dict[int, str] = {}
        for i, symptom_id in enumerate(question.options):
            group = group_of(kb, symptom_id)
            if not options or group != group_of(kb, question.options[i - 1]):
                groups[i] = t(lang, f"group_{group}")
            options.append((str(i + 1), symptom_title(kb, symptom_id, lang)))
        options.append(("0", t(lang, "none_of_these")))
        text = t(lang, "opening_more" if known else "opening")
        return Shown(text, t(lang, "opening_note"), options, groups)
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


def answer_text(kb: KnowledgeBase, question: Question, value: object, lang: Lang) -> str:
    """An answer in words, for echoing it and for "going back to"."""
    if value is None:
        return t(lang, "not_sure")
    if question.kind is Kind.OPENING:
        assert isinstance(value, tuple)
        titles = [symptom_title(kb, s, lang) for s in value]
        return ", ".join(titles) or t(lang, "picked_none")
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    key = kb.context.get(question.name)
    for choice in key.choices if key else ():
        if choice.value == value:
            return choice.label.get(lang)
    return f"{value:g}" if isinstance(value, float) else str(value)


def why(kb: KnowledgeBase, situation: Situation, lang: Lang) -> list[str]:
    """Which candidate diagnoses the pending question separates, through which rules."""
    step = situation.step
    assert isinstance(step, Ask)
    question = step.question
    lines = [t(lang, "why_title")]
    if question.kind is Kind.OPENING:
        live = {h.lesson_id for h in situation.hypotheses if h.lesson_id}
        return [*lines, t(lang, "why_opening", n=len(live))]
    lines.append(t(lang, "why_separates"))
    for lesson_id, share, hyps in situation.separated_by(question.name):
        title = kb.lessons[lesson_id].title.get(lang)
        lines.append(f"- {title} ({lesson_id}, {share:.0%})")
        for hyp in hyps:
            assert hyp.rule is not None
            condition = _plain(rule_text(hyp.rule, lang))
            ref = f"{lesson_id}/{hyp.rule.id}"
            lines.append(
                "  " + t(lang, "why_rule", ref=ref, weight=hyp.rule.weight, condition=condition)
            )
    if question.kind is Kind.CONTEXT:
        lines.append(t(lang, "why_matters", text=_plain(kb.context[question.name].why.get(lang))))
    elif question.name in kb.symptoms:
        lines.append(t(lang, "why_check", text=_plain(kb.symptoms[question.name].check.get(lang))))
    lines.append(t(lang, "why_gain", gain=step.gain))
    return lines


def fact_text(kb: KnowledgeBase, fact: Fact, lang: Lang) -> str:
    """A fact with where it came from: answered, given (file), detected (evidence)."""
    origin = STRINGS[lang][f"origin_{fact.provenance.origin.value}"]
    detail = [origin]
    if fact.provenance.note:
        detail.append(say(fact.provenance.note, lang))
    if fact.provenance.evidence:
        detail.append(evidence_text(fact.provenance.evidence[0], lang))
    return f"{_plain(fact_label(kb, fact, lang))} [{'; '.join(detail)}]"


def how(kb: KnowledgeBase, result: Result, lang: Lang, limit: int = 5) -> list[str]:
    """The rules and facts behind each ranked diagnosis."""
    lines = [t(lang, "how_title")]
    if not result.diagnoses:
        return [*lines, t(lang, "how_none")]
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
    return lines


def ranking(result: Result, lang: Lang, limit: int = 5) -> list[str]:
    return [
        t(
            lang,
            "rank",
            rank=rank,
            title=d.lesson.title.get(lang),
            id=d.id,
            likelihood=likelihood_word(d.score, lang),
        )
        for rank, d in enumerate(result.diagnoses[:limit], 1)
    ]
