"""kl-negative: a KL divergence is never below zero, so a negative logged value is a bug."""

from __future__ import annotations

import numpy as np

from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView
from troubleshoot.facts import Phrase
from troubleshoot.read.model import KL


def detect_kl(view: RunView, t: Thresholds) -> list[Found]:
    found = []
    for name, curve in view.curves.items():
        if name != KL and not name.endswith(("/kl", "_kl", "kl_loss", "/kld", "kl_div")):
            continue
        below = np.flatnonzero(curve.finite & (curve.values < -t.kl_negative_tol))
        if len(below):
            i = int(below[0])
            detail = Phrase.of("ev_kl_negative", below=len(below), n=len(curve))
            found.append(Found("kl-negative", (view.cite(curve, i, detail),)))
            break
    return found
