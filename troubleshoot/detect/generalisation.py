"""Symptoms that compare training, validation and test: the gaps between them.

Validation is evaluated rarely (often once per epoch), so these checks work with a few
points: they need ``val_min_points`` evaluations and compare medians of the last ones. A
pasted excerpt may hold fewer: then only a validation loss rising at every evaluation far
above the training loss is judged (overfitting), and a level read from so few points (far
below training) is marked as such (``Found.seen``).
"""

from __future__ import annotations

import numpy as np

from troubleshoot.detect.curves import Curve, final_level, smoothed, tail
from troubleshoot.detect.loss import converged
from troubleshoot.detect.outcome import generalises
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView, logged_before
from troubleshoot.facts import Phrase
from troubleshoot.read.model import TEST_ACC, TEST_LOSS, TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS


def detect_generalisation(view: RunView, t: Thresholds) -> list[Found]:
    found: list[Found] = []
    val = view.usable(VAL_LOSS, 0)
    if val is not None and len(val) >= t.val_min_points:
        found += overfitting(view, val, t)
        found += val_loss_plateau(view, val, t)
    elif val is not None and len(val) >= t.short_val_points:
        found += rising_over_few(view, val, t)
    elif val is not None and len(val):
        found += gap_at_few(view, val, t)
    if not any(f.symptom == "overfitting" for f in found):
        found += acc_gap_at_few(view, t)
    found += val_far_below_train(view, t)
    found += val_much_better_than_test(view, t)
    return found


def _few(curve: Curve, t: Thresholds) -> int | None:
    """The points a level was read from, when they are fewer than a judgement needs."""
    return len(curve) if len(curve) < t.val_min_points else None


def _level_at(curve: Curve, step: float, t: Thresholds) -> float:
    """The smoothed value of a curve at (the last point up to) a step."""
    s = smoothed(curve.values, t)
    i = max(0, int(np.searchsorted(curve.steps, step, side="right")) - 1)
    return float(s[i])


def _val_rise(val: Curve, t: Thresholds) -> tuple[int, float] | None:
    """Where validation loss was lowest and its final level, if it then rose enough."""
    s = smoothed(val.values, t) if len(val) >= t.val_smooth_min_points else val.values
    low = int(np.argmin(s))
    final = tail(val.values, t.tail_frac, t.val_tail_min_points)
    if low >= len(val) - t.overfit_min_after or final < (1 + t.overfit_rise) * s[low]:
        return None
    return low, final


def overfitting(view: RunView, val: Curve, t: Thresholds) -> list[Found]:
    rise = _val_rise(val, t)
    train = view.usable(TRAIN_LOSS, 0)
    if rise is None or train is None or len(train) < t.val_min_points:
        return []
    low, final = rise
    then = _level_at(train, val.steps[low], t)
    now = _level_at(train, train.steps[-1], t)
    if now > then:
        return []
    found = [
        Found(
            "overfitting",
            (
                view.cite(val, low, Phrase.of("ev_lowest_val_loss")),
                view.cite(
                    val,
                    len(val) - 1,
                    Phrase.of("ev_overfitting", final=final, then=then, now=now),
                ),
            ),
        )
    ]
    found += val_acc_up_val_loss_up(view, val, low, t)
    return found


def rising_over_few(view: RunView, val: Curve, t: Thresholds) -> list[Found]:
    """A few evaluations (a pasted excerpt): validation loss up at each one while the
    training loss sits far below it."""
    train = view.usable(TRAIN_LOSS, 0)
    v, n = val.values, len(val)
    if train is None or not len(train) or not np.all(np.diff(v) > 0):
        return []
    now = final_level(train.values, t)
    if v[-1] < (1 + t.overfit_rise) * v[0] or now > t.far_loss_ratio * v[-1]:
        return []
    detail = Phrase.of("ev_overfitting_few", first=v[0], final=v[-1], points=n, train=now)
    return [Found("overfitting", (view.cite(val, n - 1, detail),), n)]


def gap_at_few(view: RunView, val: Curve, t: Thresholds) -> list[Found]:
    """One or two evaluations (a pasted line or two): too few to see a rise, but a training
    loss that fell (or is all there is) to far below the validation loss at the last one is
    a model that fits its training data far better than new data."""
    trained = _logged_with_last(view.usable(TRAIN_LOSS, 0), val)
    if not len(trained) or trained[-1] > trained[0]:  # a training loss that grew is diverging
        return []
    now, v, n = float(trained[-1]), float(val.values[-1]), len(val)
    if now > t.far_loss_ratio * v:
        return []
    detail = Phrase.of("ev_overfitting_gap", train=now, val=v)
    return [Found("overfitting", (view.cite(val, n - 1, detail),), n)]


def acc_gap_at_few(view: RunView, t: Thresholds) -> list[Found]:
    """One or two evaluations of accuracy (a pasted line, numbers stated in words): validation
    accuracy well below the training accuracy logged with it, yet not so far below that the
    model learned nothing that carries over (that is val-far-below-train). Only a training
    accuracy logged once per evaluation (an epoch's, as Keras prints it) is compared: one
    batch's accuracy, logged every step, varies too much to set against an evaluation."""
    val = view.usable(VAL_ACC, 0)
    if val is None or not 0 < len(val) < t.short_val_points:
        return []
    trained = _logged_with_last(view.usable(TRAIN_ACC, 0), val)
    if not 0 < len(trained) <= len(val):  # a batch's accuracy is no match for an evaluation's
        return []
    chance = view.chance_acc or 0.0
    now, v, n = float(trained[-1]), float(val.values[-1]), len(val)
    if now - v < t.few_acc_gap or v - chance <= t.far_val_share * (now - chance):
        return []
    detail = Phrase.of("ev_overfitting_acc_gap", train=now, val=v)
    return [Found("overfitting", (view.cite(val, n - 1, detail),), n)]


def _logged_with_last(train: Curve | None, val: Curve) -> np.ndarray:
    """The training values logged with or before the last evaluation (none if no series)."""
    if train is None or not len(train):
        return np.empty(0)
    return train.values[logged_before(train, val, len(val) - 1, inclusive=True)]


def val_acc_up_val_loss_up(view: RunView, val: Curve, low: int, t: Thresholds) -> list[Found]:
    acc = view.usable(VAL_ACC, 0)
    if acc is None or len(acc) < t.val_min_points:
        return []
    then = _level_at(acc, val.steps[low], t)
    now = tail(acc.values, t.tail_frac, t.val_tail_min_points)
    if now - then < t.val_acc_min_gain:
        return []
    detail = Phrase.of("ev_val_acc_up_val_loss_up", then=then, now=now)
    return [Found("val-acc-up-val-loss-up", (view.cite(acc, len(acc) - 1, detail),))]


def val_loss_plateau(view: RunView, val: Curve, t: Thresholds) -> list[Found]:
    """No new best (by min_delta) for a long stretch, while not rising (that is overfitting)."""
    if len(val) < t.val_plateau_min_points:
        return []
    best, last_best = np.inf, 0
    for i, v in enumerate(val.values):
        if v < best * (1 - t.val_plateau_min_delta):
            best, last_best = v, i
    stretch = len(val) - 1 - last_best
    if stretch < max(t.val_plateau_min_evals, last_best):
        return []
    train = view.usable(TRAIN_LOSS, 0)
    if _val_rise(val, t) is not None or train is None or len(train) < t.val_min_points:
        return []
    then = _level_at(train, val.steps[last_best], t)
    now = _level_at(train, train.steps[-1], t)
    if now > (1 - t.val_plateau_train_fall) * then or _val_converged(view, val, now, t):
        return []
    if generalises(view, t):  # levelled off after learning well: the run is done
        return []
    detail = Phrase.of("ev_val_loss_plateau", best=best, evals=stretch, then=then, now=now)
    return [Found("val-loss-plateau", (view.cite(val, last_best, detail),))]


def _val_converged(view: RunView, val: Curve, train_now: float, t: Thresholds) -> bool:
    """Validation loss that levelled off far below chance (or far below where it started)
    and close to the training loss has converged: a healthy run's end, not a plateau. Far
    above training it is a plateau however low, since more fitting no longer generalises."""
    final = final_level(val.values, t)
    low = converged(final, view.chance_loss, t) or final <= t.converged_start_frac * float(
        val.values[0]
    )
    return low and final <= t.converged_max_gap * train_now


def val_far_below_train(view: RunView, t: Thresholds) -> list[Found]:
    chance = view.chance_acc or 0.0
    val_acc = view.usable(VAL_ACC, 0)
    if val_acc is None or len(val_acc) < 1:
        return []
    va = final_level(val_acc.values, t)
    train_acc = view.usable(TRAIN_ACC, 0)
    if train_acc is not None and len(train_acc) >= t.val_min_points:
        tr = tail(train_acc.values, t.tail_frac, t.tail_min_points)
        gain = tr - chance
        if gain < t.far_train_gain or va - chance > t.far_val_share * gain:
            return []
        detail = Phrase.of("ev_val_far_below_train", val=va, train=tr, chance=chance)
        evidence = (view.cite(val_acc, len(val_acc) - 1, detail),)
        return [Found("val-far-below-train", evidence, _few(val_acc, t))]
    train, val = view.usable(TRAIN_LOSS, 0), view.usable(VAL_LOSS, 0)
    if train is None or val is None or not len(train) or not len(val):
        return []
    tl = final_level(train.values, t)
    vl = float(val.values[-1])
    if va - chance > t.far_val_acc_abs or tl > t.far_loss_ratio * vl:
        return []
    detail = Phrase.of("ev_val_far_below_train_loss", val=va, val_loss=vl, train_loss=tl)
    evidence = (view.cite(val_acc, len(val_acc) - 1, detail),)
    return [Found("val-far-below-train", evidence, _few(val_acc, t))]


def val_much_better_than_test(view: RunView, t: Thresholds) -> list[Found]:
    """Needs both a validation and a separate test series (a final test row is enough)."""
    train = view.usable(TRAIN_LOSS, 0)
    scale = float(train.values[: t.head_points].max()) if train is not None and len(train) else 0
    for val_name, test_name, worse in (
        (VAL_ACC, TEST_ACC, lambda v, x: v - x >= t.val_test_acc_gap),
        (
            VAL_LOSS,
            TEST_LOSS,
            lambda v, x: x >= t.val_test_loss_ratio * v and x - v >= t.val_test_min_gap * scale,
        ),
    ):
        val, test = view.usable(val_name, 0), view.usable(test_name, 0)
        if val is None or test is None or not len(val) or not len(test):
            continue
        x = float(test.values[-1])
        enough = len(val) >= t.tail_min_points
        v = _level_at(val, test.steps[-1], t) if enough else float(val.values[-1])
        if worse(v, x):
            detail = Phrase.of(
                "ev_val_much_better_than_test",
                val_name=val_name,
                val=v,
                test_name=test_name,
                test=x,
            )
            return [Found("val-much-better-than-test", (view.cite(test, len(test) - 1, detail),))]
        return []
    return []
