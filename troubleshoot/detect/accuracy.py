"""Symptoms read from accuracy: at chance, stuck low, jumping late, and underfitting.

"Low" is only judged against chance (1/num_classes), so the checks that need it stay
silent when the class count is unknown: 20% top-1 is poor for 10 classes and fine for an
early ImageNet run.
"""

from __future__ import annotations

import numpy as np

from troubleshoot.detect.curves import Curve, final_level, head, median, smoothed
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView
from troubleshoot.facts import Phrase
from troubleshoot.read.model import TRAIN_ACC, VAL_ACC, VAL_LOSS


def detect_accuracy(view: RunView, t: Thresholds) -> list[Found]:
    curves = {name: view.usable(name, t.acc_min_points) for name in (VAL_ACC, TRAIN_ACC)}
    found = at_chance(view, curves, t) or one_class(view, curves, t)
    if not found and view.chance_acc is not None:
        found += low_plateau(view, curves, t)
    found += acc_jump(view, curves, t)
    return found


def at_chance(view: RunView, curves: dict[str, Curve | None], t: Thresholds) -> list[Found]:
    chance = view.chance_acc
    # Few classes leave little room above chance: 0.75 of two classes is not chance.
    near = min(t.at_chance_rel * chance, t.at_chance_gain * (1 - chance)) if chance else 0.0
    limit = chance + max(near, t.at_chance_abs) if chance else t.at_chance_abs
    for name, curve in curves.items():
        if curve is None:
            continue
        final = final_level(curve.values, t)
        if final <= limit:
            detail = (
                Phrase.of(
                    "ev_acc_at_chance", name=name, final=final, limit=limit, n=view.num_classes
                )
                if chance
                else Phrase.of("ev_acc_at_chance_no_classes", name=name, final=final, limit=limit)
            )
            few = len(curve) if len(curve) < t.val_min_points else None
            return [Found("acc-at-chance", (view.cite(curve, len(curve) - 1, detail),), few)]
    return []


def one_class(view: RunView, curves: dict[str, Curve | None], t: Thresholds) -> list[Found]:
    """Validation accuracy identical at every evaluation, from the first on. On a fixed
    validation set that means not one prediction changed: a model that learns does not do
    that, a model that gives every input the same class does, and its accuracy is then that
    class's share. On an imbalanced set that share is chance (the articles' majority-class
    trap), and it is read here without the class count or the class shares, which the run
    need not show: 0.511 at eight evaluations out of eight. A model that now and then
    answers another single class returns to the same share: that counts too, from the first
    evaluation to the last, when the validation loss never got better than where it began
    (a model that learns lowers it)."""
    curve = curves[VAL_ACC]
    if curve is None or len(curve) < t.one_class_min_evals:
        return []
    v = curve.values
    same = np.abs(v - v[0]) <= t.const_rel_tol * v[0]
    if not 0 < v[0] < 1 or not same[-1] or np.mean(same) < t.one_class_share:
        return []
    if not same.all() and not _never_improved(view, t):
        return []
    level, n = float(v[0]), int(same.sum())
    detail = (
        Phrase.of("ev_acc_one_class", name=VAL_ACC, level=level, n=n)
        if same.all()
        else Phrase.of("ev_acc_one_class_mostly", name=VAL_ACC, level=level, n=n, total=len(v))
    )
    return [Found("acc-at-chance", (view.cite(curve, len(curve) - 1, detail),))]


def _never_improved(view: RunView, t: Thresholds) -> bool:
    """The validation loss ends no lower than a ``flat_max_fall`` share below its first."""
    loss = view.usable(VAL_LOSS, t.one_class_min_evals)
    if loss is None:
        return False
    return final_level(loss.values, t) >= (1 - t.flat_max_fall) * float(loss.values[0])


def _plateaued_low(curve: Curve, chance: float, t: Thresholds) -> float | None:
    """The final accuracy if it is low (a small share of the possible gain) and has levelled
    off: over the last plateau_window it moved by at most acc_plateau_flat and rose by at
    most acc_plateau_rise of its gain over chance (a low accuracy still climbing at the end
    of a short run has not levelled off; 0.2 of 1000 classes rising by a tenth of its level
    in the last third is early, not stuck)."""
    if len(curve) < t.val_min_points:
        return None
    final = final_level(curve.values, t)
    if final - chance > t.low_acc_gain * (1 - chance):
        return None
    window = curve.values[int(len(curve) * (1 - t.plateau_window)) :]
    quarter = max(1, int(len(window) * t.edge_frac))
    change = median(window[-quarter:]) - median(window[:quarter])
    if abs(change) > t.acc_plateau_flat or change > t.acc_plateau_rise * max(final - chance, 0.0):
        return None
    return final


def low_plateau(view: RunView, curves: dict[str, Curve | None], t: Thresholds) -> list[Found]:
    """acc-low-plateau on any accuracy series; underfitting when train and val both are."""
    chance = view.chance_acc or 0.0
    low = {
        name: final
        for name, curve in curves.items()
        if curve is not None and (final := _plateaued_low(curve, chance, t)) is not None
    }
    if not low:
        return []
    name = next(iter(low))
    curve = curves[name]
    assert curve is not None
    detail = Phrase.of("ev_acc_low_plateau", name=name, level=low[name], chance=chance)
    found = [Found("acc-low-plateau", (view.cite(curve, len(curve) - 1, detail),))]
    if len(low) == 2:
        train = curves[TRAIN_ACC]
        assert train is not None
        detail = Phrase.of("ev_underfitting", train=low[TRAIN_ACC], val=low[VAL_ACC])
        found.append(Found("underfitting", (view.cite(train, len(train) - 1, detail),)))
    return found


def acc_jump(view: RunView, curves: dict[str, Curve | None], t: Thresholds) -> list[Found]:
    """A flat start, then a rise of jump_min_rise within a few points."""
    for name in (TRAIN_ACC, VAL_ACC):
        curve = curves[name]
        if curve is None or len(curve) < t.min_points:
            continue
        s = smoothed(curve.values, t)
        level = head(s, t.head_points)
        away = np.flatnonzero(np.abs(s - level) > t.jump_flat)
        if not len(away) or away[0] < t.jump_min_flat_frac * len(s):
            continue
        i = int(away[0])
        before = median(curve.values[max(0, i - t.jump_before_points) : i])
        after = median(curve.values[i : i + t.jump_max_points])
        total = final_level(curve.values, t) - before
        if after - before >= t.jump_min_rise and after - before >= t.jump_min_share * total:
            detail = Phrase.of("ev_acc_jump", name=name, level=level, flat=i, n=len(s), after=after)
            return [Found("acc-jump", (view.cite(curve, i, detail),))]
    return []
