"""How likely a cause is, in words a reader can check, from its combined rule score.

A score such as 0.30 is a sum of rule weights, not a probability, so the pages say a word
instead; the JSON contract keeps the number beside the word. The bands live here and only
here. Their calibration (what share of the causes shown in each band fit the labelled
fault of a corpus run) is measured by ``benchmarks/guides.py`` in
``docs/benchmarks/guides.md``.
"""

from __future__ import annotations

from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS

# (lowest score, band), highest first. A single rule of weight 0.6 or more, or two middling
# rules that agree, make a cause "likely"; one weak rule (at most 0.3, the fallbacks that keep
# a cause on the list until it is ruled out) makes it only "worth a check".
BANDS: tuple[tuple[float, str], ...] = (
    (0.6, "likely"),
    (0.35, "possible"),
    (0.0, "worth-a-check"),
)


def likelihood(score: float) -> str:
    """The band of ``score``: ``likely``, ``possible`` or ``worth-a-check``; the page's word
    for it is ``STRINGS[lang]["likelihood_" + band]``."""
    return next(band for low, band in BANDS if score >= low)


def likelihood_word(score: float, lang: Lang) -> str:
    """The band of ``score`` as the pages and the terminal summary say it."""
    return STRINGS[lang][f"likelihood_{likelihood(score)}"]
