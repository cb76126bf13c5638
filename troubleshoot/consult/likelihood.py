"""How likely a cause is, as a band of its combined rule score: one scale for every page,
the terminal, the interview's stopping rule and the JSON contract.

A score such as 0.30 is a sum of rule weights, not a probability, so people are shown a
word instead (``render/likelihood.py`` words it); the JSON contract keeps the number beside
the band. The bands live here and only here. Their calibration (what share of the causes
shown in each band fit the labelled fault of a corpus run) is measured by
``benchmarks/guides.py`` in ``docs/benchmarks/guides.md``.
"""

from __future__ import annotations

# (lowest score, band), highest first. A single rule of weight 0.6 or more, or two middling
# rules that agree, make a cause "likely"; one weak rule (at most 0.3, the fallbacks that keep
# a cause on the list until it is ruled out) makes it only "worth a check".
BANDS: tuple[tuple[float, str], ...] = (
    (0.6, "likely"),
    (0.35, "possible"),
    (0.0, "worth-a-check"),
)
LIKELY = BANDS[0][0]


def likelihood(score: float) -> str:
    """The band of ``score``: ``likely``, ``possible`` or ``worth-a-check``."""
    return next(band for low, band in BANDS if score >= low)
