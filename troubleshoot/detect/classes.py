"""The class count a classification run shows when nobody stated it.

Chance level (1/K accuracy, ln K cross-entropy) decides at-chance and flat-at-chance, so a
run that does not state K loses those judgements. An expert reads K off the run instead:
an untrained softmax classifier starts at a loss of ln K, and a classifier that learns
nothing stays at an accuracy of 1/K. Both are read only where they fit one integer K and
nothing else (ln K of neighbouring K lie closer together as K grows, so a large K cannot
be told from the loss alone), and only for a run known to classify (an accuracy series or
a classification task), or, with a much tighter margin, when the loss itself sits at ln K
display after display. A class count the reader found (a Caffe net's last InnerProduct
``num_output``, logged hyper-parameters) or the user stated is used before any of this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from troubleshoot.detect.curves import Curve, head, includes_start, median
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import RunView
from troubleshoot.facts import Evidence, Phrase
from troubleshoot.read.model import TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS


@dataclass(frozen=True)
class Inferred:
    """A class count read off the run, with the observations it rests on."""

    n: int
    evidence: tuple[Evidence, ...]


def infer_classes(view: RunView, t: Thresholds) -> Inferred | None:
    """K from the initial loss at ln K, else from an accuracy stuck at 1/K that the initial
    loss does not contradict; None when the run shows neither unambiguously."""
    if view.num_classes is not None:
        return None
    # Nothing else says the run classifies: the loss must, sitting at ln K to the digit.
    tol = t.classes_loss_tol if view.classification else t.classes_loss_alone_tol
    loss = _start_loss(view, t)
    if loss is not None:
        first = loss.values[: t.head_points]
        n = _only_integer(median(first), tol)
        if n is not None and np.all(np.abs(first - math.log(n)) <= tol):
            detail = Phrase.of("ev_classes_from_loss", first=median(first), n=n, chance=math.log(n))
            return Inferred(n, (view.cite(loss, 0, detail),))
    if not view.classification:
        return None
    for name in (VAL_ACC, TRAIN_ACC):
        found = _stuck_at_one_in(view, name, loss, t)
        if found is not None:
            return found
    return None


def _start_loss(view: RunView, t: Thresholds) -> Curve | None:
    """The first finite training (else validation) loss series that shows the start."""
    for name in (TRAIN_LOSS, VAL_LOSS):
        curve = view.get(name)
        if curve is None:
            continue
        curve = curve.only_finite()
        if len(curve) >= t.head_points and includes_start(
            curve, t.start_max_frac, t.start_max_gaps
        ):
            return curve
    return None


def _only_integer(level: float, tol: float) -> int | None:
    """The one integer K >= 2 with ln K within ``tol`` of ``level``, if exactly one is."""
    if not 0 < level < math.log(1 / tol):  # beyond, the window holds several K
        return None
    low, high = math.ceil(math.exp(level - tol)), math.floor(math.exp(level + tol))
    return low if low == high and low >= 2 else None


def _stuck_at_one_in(
    view: RunView, name: str, loss: Curve | None, t: Thresholds
) -> Inferred | None:
    """An accuracy series that stays near 1/K for a small K. Evaluation noise lets a few
    neighbouring K fit; the initial loss (when logged) picks the one whose ln K it is near,
    and rules out a run that only looks stuck: a 100-class run stuck at 20% starts near
    ln 100, not ln 5."""
    # A model whose weights turned NaN answers one class (argmax of NaN): its accuracy is
    # that class's share, not 1/K.
    curve = view.usable(name, t.classes_acc_min_points)
    if curve is None:
        return None
    level = median(curve.values)
    fits = [
        n
        for n in range(2, t.classes_acc_max + 1)
        if np.mean(np.abs(curve.values - 1 / n) <= t.classes_acc_tol / n) >= t.classes_acc_share
    ]
    if not fits or level <= 0:
        return None
    if loss is None:
        n = round(1 / level)
        if n not in fits:
            return None
        detail = Phrase.of("ev_classes_from_acc", level=level, n=n)
        return Inferred(n, (view.cite(curve, len(curve) - 1, detail),))
    start = head(loss.values, t.head_points)
    n = min(fits, key=lambda k: abs(start - math.log(k)))
    if abs(start - math.log(n)) > t.classes_loss_loose:
        return None
    return Inferred(
        n,
        (
            view.cite(curve, len(curve) - 1, Phrase.of("ev_classes_from_acc", level=level, n=n)),
            view.cite(
                loss, 0, Phrase.of("ev_classes_loss_agrees", first=start, n=n, chance=math.log(n))
            ),
        ),
    )
