"""A cause's likelihood band (``consult/likelihood.py``) in the reader's words."""

from __future__ import annotations

from troubleshoot.consult.likelihood import likelihood
from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS


def likelihood_word(score: float, lang: Lang) -> str:
    """The band of ``score`` as the pages, the terminal summary and the interview say it;
    the page's word for band ``b`` is ``STRINGS[lang]["likelihood_" + b]``."""
    return STRINGS[lang][f"likelihood_{likelihood(score)}"]
