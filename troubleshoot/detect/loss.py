"""Symptoms read from the training loss alone: NaN, signature values, and curve shapes.

Shape judgements use the smoothed finite loss and need ``min_points`` points; those that
are about the start of training (flat from the start, huge initial loss) also need the
series to begin at the start, so an excerpt from late in a run is not misread. A shorter
excerpt (a few lines pasted into a forum) is judged only for what a reader tells from a few
displays (NaN, a loss growing at every display, a loss sitting at chance), and what it shows
is marked as seen from few points (``Found.seen``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import bottleneck as bn
import numpy as np

from troubleshoot.detect.curves import (
    Curve,
    head,
    includes_start,
    kendall_tau,
    median,
    smoothed,
    tail,
)
from troubleshoot.detect.outcome import generalises
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView, zeros_hiding_nan
from troubleshoot.facts import Phrase
from troubleshoot.read.model import TRAIN_ACC, TRAIN_LOSS, VAL_ACC, VAL_LOSS


@dataclass(frozen=True)
class Shape:
    """The finite training loss and the levels every shape detector compares."""

    curve: Curve
    smooth: np.ndarray
    first: float  # initial level
    final: float  # final level
    ref: float  # what "high" is measured against: min(initial level, ln(num_classes))
    from_start: bool
    floor: float  # the least scale rises and swings are measured against (see scale_floor)

    @property
    def ref_name(self) -> str:
        """What "high" is measured against, for the evidence's wording: start or chance."""
        return "start" if self.ref == self.first else "chance"

    @property
    def n(self) -> int:
        return len(self.curve)


def detect_loss(view: RunView, t: Thresholds) -> list[Found]:
    found = list(loss_87(view, t))
    curve = view.get(TRAIN_LOSS)
    if curve is None:
        return found + nan_in_validation(view) + flat_in_validation(view, t)
    logged = len(curve)  # the points the file holds, before any cut
    few = logged if logged < t.min_points else None
    found += [Found(f.symptom, f.evidence, few) for f in nan_symptoms(view, curve, t)]
    if not any(f.symptom == "loss-nan" for f in found):
        hidden = nan_in_validation(view)
        if hidden:  # what is logged after it is the trainer's filler, not training
            found += hidden
            curve = view.before_the_loss_broke(curve)
            if not len(curve):
                return found
    # In Caffe's GPU softmax a NaN probability becomes 87.3365: it is a NaN in disguise.
    disguised = at_87(curve.values, t)
    nonfinite = int(np.count_nonzero(~curve.finite))
    curve = Curve(curve.name, curve.steps, np.where(disguised, np.nan, curve.values), curve.lines)
    finite = curve.only_finite()
    if len(finite) and float(finite.values.min()) < 0:
        view.warnings.append(Phrase.of("note_negative_loss", source=view.source, series=curve.name))
        return found
    few = len(finite) if len(finite) < t.min_points else None
    if len(finite) >= t.huge_initial_points and _from_start(finite, t):
        found += [Found(f.symptom, f.evidence, few) for f in huge_initial(view, finite, t)]
    if few is not None:
        found += growing(view, finite, t)
        if np.isfinite(curve.values[-1]):
            found += sits_at_chance(view, finite, t) or flat_in_validation(view, t)
        if len(finite):
            view.warnings.append(
                Phrase.of(
                    "note_few_points",
                    source=view.source,
                    series=curve.name,
                    points=logged,
                    usable=len(finite),
                    need=t.min_points,
                )
            )
            if nonfinite:
                view.warnings.append(Phrase.of("note_left_out_nonfinite", n=nonfinite))
            if disguised.any():
                n = int(np.count_nonzero(disguised))
                view.warnings.append(
                    Phrase.of("note_left_out_87", n=n, level=f"{t.loss_87_level:g}")
                )
        return found
    shape = shape_of(view, finite, t)
    for check in (diverging, oscillating, spikes):
        found += check(view, shape, t)
    if np.isfinite(curve.values[-1]):
        # Progress judgements only for runs that did not end in NaN: a run cut short by
        # NaN has not shown how far it would have got.
        flat = flat_from_start(view, shape, t)
        found += flat
        for check in (plateau_then_drop, near_zero):
            found += check(view, shape, t)
        if not flat:
            found += plateau(view, shape, t) + slow_decrease(view, shape, t)
    found += constant_after_step(view, t)
    return found


def _from_start(curve: Curve, t: Thresholds) -> bool:
    return includes_start(curve, t.start_max_frac, t.start_max_gaps)


def shape_of(view: RunView, finite: Curve, t: Thresholds) -> Shape:
    values = finite.values
    first = head(values, t.head_points)
    chance = view.chance_loss
    from_start = _from_start(finite, t)
    # An excerpt from late in a run (a resumed job, a log's tail) does not show the initial
    # loss: its first level says nothing of how high the loss still is, ln K does.
    ref = first if not chance else min(first, chance) if from_start else chance
    return Shape(
        curve=finite,
        smooth=smoothed(values, t),
        first=first,
        final=tail(values, t.tail_frac, t.tail_min_points),
        ref=ref,
        from_start=from_start,
        floor=scale_floor(view, from_start, t),
    )


def scale_floor(view: RunView, from_start: bool, t: Thresholds) -> float:
    """The least scale against which rises, swings and spikes are measured.

    A series from the start measures them against its own levels. An excerpt from late in a
    classification run does not show where its loss started: per-batch noise around a
    converged loss (0.004 to 0.25) is huge against its own level and small against where
    any classifier's loss starts, so it is measured against at least ln(num_classes), or
    ln(late_scale_classes) without a class count."""
    if from_start or not view.classification:
        return 0.0
    return view.chance_loss or math.log(t.late_scale_classes)


# ---------------------------------------------------------------- values


def at_87(values: np.ndarray, t: Thresholds) -> np.ndarray:
    """Which values are -ln(FLT_MIN), alone or times a small integer loss weight."""
    with np.errstate(invalid="ignore"):
        hit = np.zeros(len(values), dtype=bool)
        for level in (t.loss_87_level, t.loss_87_alt):
            hit |= np.abs(values - level) <= t.loss_87_tolerance
        k = np.round(values / t.loss_87_exact)
        weighted = (k >= 2) & (k <= t.loss_87_max_weight)  # k = 1 is the plain level above
        near = np.abs(values - k * t.loss_87_exact) <= t.loss_87_weight_tol * np.abs(values)
        hit |= weighted & near
    return hit & np.isfinite(values)


def loss_87(view: RunView, t: Thresholds) -> Iterator[Found]:
    """87.3365 = -ln(FLT_MIN), or a loss weight times it, in any loss series."""
    for curve in view.loss_curves:
        hits = np.flatnonzero(at_87(curve.values, t))
        if len(hits) >= t.loss_87_min_count:
            i = int(hits[0])
            detail = Phrase.of("ev_loss_87", hits=len(hits), level=t.loss_87_level)
            if abs(curve.values[i] - t.loss_87_level) > t.loss_87_tolerance:
                detail = Phrase.of(
                    "ev_loss_87_weighted",
                    hits=len(hits),
                    level=t.loss_87_level,
                    value=curve.values[i],
                )
            yield Found("loss-87-3365", (view.cite(curve, i, detail),))
            return


def nan_symptoms(view: RunView, curve: Curve, t: Thresholds) -> list[Found]:
    bad = np.flatnonzero(~curve.finite)
    if not len(bad):
        return list(periodic(view, curve, [], t))
    i = int(bad[0])
    found = [
        Found(
            "loss-nan",
            (view.cite(curve, i, Phrase.of("ev_loss_nan", bad=len(bad), n=len(curve))),),
        )
    ]
    pre = curve.until(i).only_finite().values
    if len(pre) >= t.nan_sudden_min_history:
        base = float(smoothed(pre, t).min())
        before = median(pre[-t.nan_sudden_recent :])
        if base > 0 and before <= t.nan_sudden_max_rise * base:
            detail = Phrase.of("ev_loss_nan_sudden", before=before, lowest=base)
            found.append(Found("loss-nan-sudden", (view.cite(curve, i, detail),)))
    starts = [int(j) for j in bad if j == 0 or curve.finite[j - 1]]
    found += periodic(view, curve, starts, t)
    return found


def nan_in_validation(view: RunView) -> list[Found]:
    """A validation loss that is not finite while the training loss looks finite: the
    training loss can hide a NaN (Hugging Face's Trainer leaves non-finite losses out of the
    logged average by default, ``logging_nan_inf_filter``, and logs 0 when all were), but a
    model whose weights turned NaN evaluates to NaN."""
    val = view.get(VAL_LOSS)
    if val is None:
        return []
    bad = np.flatnonzero(~val.finite)
    if not len(bad):
        return []
    first = int(bad[0])
    evidence = [view.cite(val, first, Phrase.of("ev_loss_nan", bad=len(bad), n=len(val)))]
    train = view.get(TRAIN_LOSS)
    hidden = zeros_hiding_nan(train, val, first)
    if train is not None and hidden is not None:
        evidence.append(view.cite(train, hidden, Phrase.of("ev_loss_nan_logged_zero")))
    return [Found("loss-nan", tuple(evidence))]


def periodic(view: RunView, curve: Curve, nan_starts: list[int], t: Thresholds) -> list[Found]:
    """NaN episodes, or loss spikes, recurring at a regular step interval."""
    for kind, episodes in (("nan", nan_starts), ("spike", spike_indices(curve, t))):
        if len(episodes) < t.periodic_min_episodes:
            continue
        steps = curve.steps[episodes]
        intervals = np.diff(steps)
        period = median(intervals)
        gap = median(np.diff(curve.steps))
        if period > 0 and np.all(np.abs(intervals - period) <= t.periodic_tolerance * period + gap):
            detail = Phrase.of(f"ev_periodic_{kind}", period=period, times=len(episodes))
            evidence = tuple(view.cite(curve, j, detail) for j in episodes[:3])
            return [Found("loss-nan-periodic", evidence)]
    return []


def huge_initial(view: RunView, curve: Curve, t: Thresholds) -> list[Found]:
    start = float(min(curve.values[: t.huge_initial_points]))
    chance = view.chance_loss
    limit = t.huge_initial_factor * chance if chance else t.huge_initial_abs
    if start < limit:
        return []
    detail = (
        Phrase.of(
            "ev_huge_initial",
            start=start,
            limit=limit,
            factor=t.huge_initial_factor,
            n=view.num_classes,
        )
        if chance
        else Phrase.of("ev_huge_initial_absolute", start=start, limit=limit)
    )
    return [Found("loss-huge-initial", (view.cite(curve, 0, detail),))]


# ---------------------------------------------------------------- short excerpts
# What a reader of a few pasted displays tells at once; the evidence says how few they were.


def growing(view: RunView, curve: Curve, t: Thresholds) -> list[Found]:
    """A short excerpt whose loss rises at every display and at least doubles."""
    v, n = curve.values, len(curve)
    if n < t.short_grow_points or not np.all(np.diff(v) > 0) or v[-1] < t.diverge_factor * v[0]:
        return []
    detail = Phrase.of("ev_growing", first=v[0], final=v[-1], points=n)
    return [Found("loss-diverging", (view.cite(curve, n - 1, detail),), n)]


def sits_at_chance(view: RunView, curve: Curve, t: Thresholds) -> list[Found]:
    """A short excerpt from the start whose loss sits at ln(num_classes) at every display
    after the first (which may be above it, never below)."""
    chance, v, n = view.chance_loss, curve.values, len(curve)
    if chance is None or n < t.short_chance_points or not _from_start(curve, t):
        return []
    band = t.short_chance_margin * chance
    if v[0] < chance - band or np.any(np.abs(v[1:] - chance) > band):
        return []
    detail = Phrase.of(
        "ev_at_chance_every",
        low=v[1:].min(),
        high=v[1:].max(),
        n=view.num_classes,
        chance=chance,
    )
    return [Found("loss-flat-from-start", (view.cite(curve, n - 1, detail),), n)]


# ---------------------------------------------------------------- shapes


def flat_from_start(
    view: RunView, s: Shape, t: Thresholds, only_at_chance: bool = False
) -> list[Found]:
    """After the first transient the smoothed loss stays near its first level (or, with a
    class count, near ln(num_classes)) and does not fall steadily; ``only_at_chance``: near
    ln(num_classes) only."""
    if not s.from_start or s.first <= 0:
        return []
    late = s.smooth[int(s.n * t.flat_transient) :]
    q = max(1, int(len(late) * t.edge_frac))
    tau = kendall_tau(late, t.tau_max_points)
    drift = (median(late[:q]) - median(late[-q:])) / s.first
    lowest = float(late.min())
    fall = (s.first - lowest) / s.first
    rise = (median(late) - s.first) / s.first
    chance = view.chance_loss
    # At chance: never meaningfully below ln K (nothing learned) and typically at it. Loss
    # above ln K is worse than guessing (spikes, bursts), not learning, so it does not count.
    at_chance = (
        chance is not None
        and lowest >= (1 - t.flat_chance_margin) * chance
        and median(late) <= (1 + t.flat_chance_margin) * chance
    )
    if only_at_chance and not at_chance:
        return []
    # A steady fall, however small, is slow, not flat; but one that has not taken the loss
    # a flat_max_fall below where it started while it sits at ln K is the articles' flat
    # ("dropped by less than about 10% and sits near ln(C)"): nothing learned yet.
    steady = tau <= -t.slow_min_tau and drift >= t.flat_min_fall
    if steady and not (at_chance and fall < t.flat_max_fall):
        return []
    if not at_chance and (fall >= t.flat_max_fall or rise >= t.flat_max_fall):
        return []
    detail = (
        Phrase.of(
            "ev_flat_at_chance", level=lowest, first=s.first, n=view.num_classes, chance=chance
        )
        if at_chance
        else Phrase.of("ev_flat_from_start", level=lowest, first=s.first)
    )
    i = int(np.argmin(late)) + int(s.n * t.flat_transient)
    return [Found("loss-flat-from-start", (view.cite(s.curve, i, detail),))]


def flat_in_validation(view: RunView, t: Thresholds) -> list[Found]:
    """A validation loss at ln K from the first evaluation on, judged as flat_from_start
    judges the training loss, where the training loss is too short to judge (a Trainer that
    logs it every few hundred steps, a run of few epochs) or not logged. Only at chance: a
    validation loss level from the start at some other value (a fine-tune) says little."""
    val = view.get(VAL_LOSS)
    if val is None or view.chance_loss is None or not val.finite.all():
        return []
    if len(val) < t.min_points or float(val.values.min()) < 0:
        return []
    return flat_from_start(view, shape_of(view, val, t), t, only_at_chance=True)


def diverging(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    """The final level a multiple of the lowest. A loss that reaches zero or below (a
    perfect fit, a loss that may be negative) has no such multiple and is not judged."""
    low = int(np.argmin(s.smooth))
    floor = float(s.smooth[low])
    tail_len = max(t.tail_min_points, int(s.n * t.tail_frac))
    if low >= s.n - tail_len or floor <= 0:
        return []
    if s.final < t.diverge_factor * floor or s.final - floor < t.diverge_min_rise * max(
        s.first, s.final, s.floor
    ):
        return []
    return [
        Found(
            "loss-diverging",
            (
                view.cite(s.curve, low, Phrase.of("ev_lowest_loss")),
                view.cite(
                    s.curve,
                    s.n - 1,
                    Phrase.of("ev_diverging", final=s.final, ratio=s.final / floor),
                ),
            ),
        )
    ]


def converged(level: float, chance: float | None, t: Thresholds) -> bool:
    """A loss level far below chance (ln K) is a run that has learned: levelling off there is
    convergence, whatever the shape (a fine-tune starts low and moves little)."""
    return chance is not None and level <= t.converged_chance_frac * chance


def slow_decrease(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    """Only for a run known to classify: a regression loss has no level that is "still
    high" on its own (its scale is the target's), and a fall that levels off may be a
    finished run."""
    if not view.classification or s.ref <= 0 or not s.from_start or s.final >= s.first:
        return []
    if converged(s.final, view.chance_loss, t):
        return []
    tau = kendall_tau(s.curve.values, t.tau_max_points)
    high = t.high_loss_frac * max(s.ref, s.first)
    if tau > -t.slow_min_tau or s.final < high:
        return []
    detail = Phrase.of(
        f"ev_slow_decrease_{s.ref_name}", tau=tau, final=s.final, share=s.final / s.ref
    )
    return [Found("loss-slow-decrease", (view.cite(s.curve, s.n - 1, detail),))]


def plateau(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    """As ``slow_decrease``, only for a run known to classify."""
    if not view.classification or s.ref <= 0 or (view.chance_loss is None and not s.from_start):
        return []
    if converged(s.final, view.chance_loss, t):
        return []
    if s.first - s.final < t.plateau_min_drop * s.first or s.final < t.high_loss_frac * s.ref:
        return []
    start = int(s.n * (1 - t.plateau_window))
    window = s.smooth[start:]
    quarter = max(1, int(len(window) * t.edge_frac))
    begin = median(window[:quarter])
    end = median(window[-quarter:])
    if abs(begin - end) > t.plateau_flat * end:
        return []
    detail = Phrase.of(f"ev_plateau_{s.ref_name}", first=s.first, end=end, share=s.final / s.ref)
    return [Found("loss-plateau", (view.cite(s.curve, start, detail),))]


def plateau_then_drop(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    if not s.from_start:
        return []
    level = head(s.smooth, t.head_points)
    away = np.flatnonzero(np.abs(s.smooth - level) > t.ptd_flat * level)
    flat_len = int(away[0]) if len(away) else s.n
    short = flat_len < max(t.ptd_min_flat_points, t.ptd_min_flat_frac * s.n)
    if short or s.final > (1 - t.ptd_min_drop) * level:
        return []
    detail = Phrase.of("ev_plateau_then_drop", level=level, flat=flat_len, n=s.n, final=s.final)
    return [Found("loss-plateau-then-drop", (view.cite(s.curve, flat_len, detail),))]


def near_zero(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    """The training loss at about zero early. Not when the validation accuracy shows the
    model generalises: the articles' check takes a poor validation score to confirm it,
    and an easy task fitted exactly (a small CNN on simple images) scores near perfect."""
    if not s.from_start or generalises(view, t):
        return []
    limit = t.near_zero_frac * (view.chance_loss or float(s.curve.values[0]))
    below = np.flatnonzero(s.smooth <= limit)
    if not len(below):
        return []
    i = int(below[0])
    steps = s.curve.steps
    share = (steps[i] - steps[0]) / max(steps[-1] - steps[0], 1e-12)
    if share > t.near_zero_within:
        return []
    detail = Phrase.of("ev_near_zero", limit=limit, share=share)
    return [Found("loss-near-zero", (view.cite(s.curve, i, detail),))]


def oscillating(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    v = s.curve.values[int(s.n * t.osc_skip) :]
    level = median(v)
    d = np.diff(v)
    if level <= 0 or len(d) < t.osc_min_steps:
        return []
    swing = median(np.abs(d)) / max(level, s.floor)
    turns = float(np.mean(np.sign(d[1:]) != np.sign(d[:-1])))
    half = len(v) // 2
    before = median(v[:half])
    trend = median(v[half:]) / before if before > 0 else float("inf")
    if swing < t.osc_swing or turns < t.osc_min_turns or trend < t.osc_no_trend:
        return []
    detail = Phrase.of("ev_oscillating", swing=swing, turns=turns)
    return [Found("loss-oscillating", (view.cite(s.curve, s.n - 1, detail),))]


def spike_indices(curve: Curve, t: Thresholds, floor: float = 0.0) -> list[int]:
    """Isolated points far above everything in the window before them (finite only).

    A spike must also rise by spike_min_rise of the initial loss (per-batch noise late in
    training is large relative to the loss but small against where it started) and fall
    back within spike_window points (a jump to a new level is not a spike). ``floor`` is
    the least initial loss (``scale_floor``).
    """
    keep = np.flatnonzero(curve.finite)
    v = curve.values[keep]
    n, w = len(v), t.spike_window
    if n < t.min_points:
        return []
    initial = max(float(v[: t.head_points].max()), floor)
    # before[i]: the largest of the w points before i; after[i]: the smallest of the w
    # points after i (+inf past the end, where nothing follows).
    before = bn.move_max(np.concatenate([np.full(w, -np.inf), v]), w)[w - 1 : w - 1 + n]
    after = bn.move_min(np.concatenate([v, np.full(w, np.inf)]), w)[w : w + n]
    bar = t.spike_factor * before
    hit = (v >= bar) & (v - before >= t.spike_min_rise * initial) & (after < bar)
    hit[: min(t.spike_min_before, n)] = False  # a spike needs points before it
    hit[-1] = False  # ... and after it
    out = keep[hit].tolist()
    return out if len(out) <= max(1, t.spike_max_share * n) else []


def spikes(view: RunView, s: Shape, t: Thresholds) -> list[Found]:
    found = spike_indices(s.curve, t, s.floor)
    if not found:
        return []
    detail = Phrase.of("ev_spikes", factor=t.spike_factor, window=t.spike_window)
    return [Found("loss-spikes", tuple(view.cite(s.curve, i, detail) for i in found[:3]))]


def constant_after_step(view: RunView, t: Thresholds) -> list[Found]:
    """Loss (and accuracy, when logged) identical from some step to the end. A loss that
    stays at exactly 0 is a fit with nothing left to learn (every answer right with
    probability 1 at the precision printed), not a stall."""
    for loss_name, acc_name in ((TRAIN_LOSS, TRAIN_ACC), (VAL_LOSS, VAL_ACC)):
        loss = view.get(loss_name)
        if loss is None:
            continue
        loss = loss.only_finite()
        start = _constant_from(loss.values, t)
        if start is None or loss.values[-1] == 0:
            continue
        acc = view.get(acc_name)
        if acc is not None:
            after = acc.values[acc.steps >= loss.steps[start]]
            if len(after) < 2 or not _all_equal(after, t):
                continue
        value = loss.values[-1]
        detail = (
            Phrase.of("ev_constant_with_acc", loss=loss_name, value=value, acc=acc_name)
            if acc is not None
            else Phrase.of("ev_constant", loss=loss_name, value=value)
        )
        return [Found("metrics-constant-after-step", (view.cite(loss, start, detail),))]
    return []


def _same_as_last(values: np.ndarray, t: Thresholds) -> np.ndarray:
    last = values[-1]
    return np.abs(values - last) <= t.const_rel_tol * max(abs(last), 1e-12)


def _all_equal(values: np.ndarray, t: Thresholds) -> bool:
    return bool(np.all(np.isfinite(values)) and np.all(_same_as_last(values, t)))


def _constant_from(values: np.ndarray, t: Thresholds) -> int | None:
    """Index from which every value equals the last one, after values that differed."""
    if not len(values):
        return None
    differ = np.flatnonzero(~_same_as_last(values, t))
    if not len(differ) or len(values) - (int(differ[-1]) + 1) < t.const_min_points:
        return None
    return int(differ[-1]) + 1
