"""A cause's likelihood band (``consult/likelihood.py``) in the reader's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troubleshoot.consult.likelihood import likelihood
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS

if TYPE_CHECKING:
    from troubleshoot.consult.checklist import Candidate
    from troubleshoot.knowledge.load import KnowledgeBase


def likelihood_word(score: float, lang: Lang) -> str:
    """The band of ``score`` as the pages, the terminal summary and the interview say it;
    the page's word for band ``b`` is ``STRINGS[lang]["likelihood_" + b]``."""
    return STRINGS[lang][f"likelihood_{likelihood(score)}"]


def standing_word(kb: KnowledgeBase, candidate: Candidate, lang: Lang) -> str:
    """How far the facts support a cause of the checklist, in words: its likelihood when a
    rule fired, else that it is only possible, or which symptom the question resembled."""
    if candidate.diagnosis is not None:
        return likelihood_word(candidate.diagnosis.score, lang)
    if candidate.status == "related":
        symptom = kb.symptoms[candidate.symptoms[0]].title.get(lang)
        return STRINGS[lang]["resembles"] % {"symptom": symptom}
    return STRINGS[lang]["not_yet_supported"]
