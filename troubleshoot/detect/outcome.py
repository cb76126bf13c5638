"""How well a classification run ended, as its validation accuracy tells.

A validation loss that levels off, or a training loss that falls to zero fast, reads the
same in a stuck run and in a finished healthy one; the articles tell them apart by the
validation score ("a poor validation score confirms a problem"). This is that check, one
place for every detector that needs it.
"""

from __future__ import annotations

from troubleshoot.detect.curves import final_level
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import RunView
from troubleshoot.read.model import VAL_ACC


def generalises(view: RunView, t: Thresholds) -> bool:
    """The final validation accuracy keeps at least ``converged_acc_gain`` of the possible
    gain over chance: 1/K when the class count is known, else 0 (an accuracy that high is
    high for any class count)."""
    curve = view.usable(VAL_ACC, t.val_min_points)
    if curve is None:
        return False
    chance = view.chance_acc or 0.0
    return final_level(curve.values, t) >= chance + t.converged_acc_gain * (1 - chance)
