"""Every number the detectors judge by, in one place, each with what it means and why.

Prior tools disagree widely on thresholds and rarely say why (docs/detection.md compares
them), so each field says where its value comes from: a prior tool's default, a definition,
or our own calibration on the corpus and the real logs (benchmarks/detection.py). Each field
also names the symptoms it decides: the threshold table of docs/detection.md and the
``{name}`` placeholders of ``kb/symptoms/*.yaml`` ``detection`` texts are checked against
that (troubleshoot/detect/threshold_text.py). Override any field with
``dataclasses.replace(DEFAULT, field=value)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T", int, float)


def knob(value: T, means: str, why: str, used_by: tuple[str, ...]) -> T:
    """A threshold field: its default, what it means, why that value, which symptoms use it."""
    return field(default=value, metadata={"means": means, "why": why, "used_by": used_by})


# Symptoms judged on the shape of the smoothed training loss (they need ``min_points``).
LOSS_SHAPES = (
    "loss-diverging",
    "loss-oscillating",
    "loss-spikes",
    "loss-flat-from-start",
    "loss-plateau-then-drop",
    "loss-near-zero",
    "loss-plateau",
    "loss-slow-decrease",
)
# Symptoms about the start of training: judged only on a series that shows the start.
FROM_START = (
    "loss-huge-initial",
    "loss-flat-from-start",
    "loss-plateau-then-drop",
    "loss-near-zero",
    "loss-slow-decrease",
    "loss-plateau",
)
# Symptoms that read an accuracy series.
ACCURACY = ("acc-at-chance", "acc-low-plateau", "underfitting", "acc-jump")
# Symptoms judged against chance level (1/K accuracy, ln K loss) when the class count is known.
CHANCE = (
    "acc-at-chance",
    "acc-low-plateau",
    "underfitting",
    "loss-flat-from-start",
    "loss-huge-initial",
    "loss-near-zero",
    "loss-plateau",
    "loss-slow-decrease",
)
# Symptoms that read where validation loss was lowest and whether it rose after.
VAL_RISE = ("overfitting", "val-acc-up-val-loss-up", "val-loss-plateau")
# Symptoms that use a rolling median of some series.
SMOOTHED = (*LOSS_SHAPES, "loss-nan-sudden", "acc-jump", *VAL_RISE, "val-much-better-than-test")
# Symptoms that use a final level (median of the last ``tail_frac`` of the points).
FINAL_LEVEL = (*LOSS_SHAPES, *ACCURACY, *VAL_RISE, "val-far-below-train")
# Symptoms judged from metric series at all (every series is prepared the same way).
FROM_SERIES = (
    *LOSS_SHAPES,
    "loss-nan",
    "loss-nan-sudden",
    "loss-nan-periodic",
    "loss-87-3365",
    "loss-huge-initial",
    "metrics-constant-after-step",
    *ACCURACY,
    *VAL_RISE,
    "val-far-below-train",
    "val-much-better-than-test",
    "kl-negative",
)


@dataclass(frozen=True)
class Thresholds:
    # ---- series handling
    min_points: int = knob(
        8,
        "fewest finite points for a full shape judgement (trend, plateau, oscillation, jump); "
        "a loss symptom seen in fewer (a pasted excerpt) says so in its evidence: low "
        "confidence, from N points only",
        "calibration: the shortest real diverging Caffe run logs 8 losses",
        (
            *LOSS_SHAPES,
            "loss-nan-periodic",
            "acc-jump",
            "loss-nan",
            "loss-nan-sudden",
            "loss-huge-initial",
        ),
    )
    short_grow_points: int = knob(
        5,
        "from this many finite losses on, a short excerpt is judged growing (loss-diverging) "
        "when the loss rises at every display and ends at least diverge_factor x its first",
        "calibration: four rises in a row; per-batch noise near zero in a healthy run "
        "(Lightning fixture) rises three times running and doubles, real divergence (Caffe "
        "RMSProp) rises four and five times",
        ("loss-diverging",),
    )
    short_chance_points: int = knob(
        5,
        "from this many finite losses on, a short excerpt from the start with a class count is "
        "judged at chance (loss-flat-from-start) when every display after the first sits at "
        "ln(num_classes)",
        '"2.30 five times for 10 classes": four displays at chance after the first one',
        ("loss-flat-from-start",),
    )
    short_chance_margin: float = knob(
        0.01,
        "... within this share of ln(num_classes) (and the first not below it)",
        "calibration: the stuck Caffe ImageNet runs sit within 0.6% of ln 1000 from their "
        "second display; healthy runs falling past it (7.11, 7.00, 6.91) are outside; three "
        "healthy ImageNet runs also sit there (0.01-0.36%) for their first hundreds of "
        "iterations, which five displays cannot tell apart: hence the low confidence",
        ("loss-flat-from-start",),
    )
    smooth_frac: float = knob(
        0.05,
        "rolling-median window as a share of the points",
        "calibration: removes per-batch noise in the corpus without flattening NaN onsets",
        SMOOTHED,
    )
    smooth_min_window: int = knob(
        3, "smallest rolling-median window (points)", "the smallest window with a middle", SMOOTHED
    )
    smooth_max_window: int = knob(
        101,
        "largest rolling-median window (points)",
        "long runs keep their shape; a median over more points costs time and hides changes",
        SMOOTHED,
    )
    head_points: int = knob(
        3,
        "the initial level is the median (a spike's bar: the largest) of this many first points",
        "calibration: one noisy first batch does not set the level",
        (*LOSS_SHAPES, "loss-nan-periodic", "val-much-better-than-test", "acc-jump"),
    )
    tail_frac: float = knob(
        0.2,
        "the final level is the median of this last share of the points",
        "calibration: late per-batch noise does not decide",
        FINAL_LEVEL,
    )
    tail_min_points: int = knob(
        3,
        "fewest points in the final stretch; with fewer in all, the last value is the final level",
        "a median needs three points to ignore one outlier",
        (*FINAL_LEVEL, "val-much-better-than-test"),
    )
    start_max_frac: float = knob(
        0.05,
        "a series shows the start of training if its first step is at most this share of its "
        "last step",
        "calibration: excerpts that begin late (caffe-healthy-01 starts at iteration 18500 of "
        "20000) must not be judged from the start",
        FROM_START,
    )
    start_max_gaps: int = knob(
        2,
        "... or if its first step is within this many logging intervals of step 0",
        "a log that starts printing after its first display interval or two still shows the start",
        FROM_START,
    )
    max_resumes: int = knob(
        3,
        "more backward jumps in step than this means steps restart every epoch (file order is "
        "used), fewer means resumed runs (later points replace earlier ones)",
        "calibration: real resumed jobs restart a few times, per-epoch step counters every epoch",
        FROM_SERIES,
    )
    late_scale_classes: int = knob(
        2,
        "an excerpt from late in a classification run measures rises, swings and spikes "
        "against at least ln(num_classes), or ln(this many classes) without a class count",
        "the least chance loss of any classifier: an excerpt that does not show the start "
        "does not show its scale; per-batch noise around a converged loss (0.004-0.25 in the "
        "healthy Lightning fixture, which starts at 0.63) is noise against it",
        ("loss-diverging", "loss-oscillating", "loss-spikes"),
    )
    tau_max_points: int = knob(
        200,
        "Kendall tau is taken over at most this many block medians of a long series",
        "fast on multi-GB logs, and block medians are robust to per-batch noise",
        ("loss-flat-from-start", "loss-slow-decrease"),
    )
    edge_frac: float = knob(
        0.25,
        "the start and end levels of a window are the medians of its first and last this share",
        "a quarter is enough points to ignore noise and short enough to show a change",
        ("loss-flat-from-start", "loss-plateau", "acc-low-plateau", "underfitting"),
    )

    # ---- loss value
    nan_sudden_min_history: int = knob(
        5,
        "finite losses needed before the first NaN",
        "calibration: fewer say nothing about growth before it",
        ("loss-nan-sudden",),
    )
    nan_sudden_recent: int = knob(
        3,
        "the loss just before the first NaN is the median of this many last finite losses",
        "one noisy batch does not decide",
        ("loss-nan-sudden",),
    )
    nan_sudden_max_rise: float = knob(
        1.5,
        "at most this many times the lowest smoothed loss just before the NaN (no growth)",
        "calibration: the corpus NaN-sample and log(0) runs sit at 1.0-1.2x, the diverging run "
        "at >1e30x",
        ("loss-nan-sudden",),
    )
    periodic_min_episodes: int = knob(
        3,
        "NaN episodes (or spikes) needed for a period",
        "two episodes make one interval, which cannot repeat",
        ("loss-nan-periodic",),
    )
    periodic_tolerance: float = knob(
        0.1,
        "how far each interval may stray from the median interval, as a share of it (plus one "
        "logging interval)",
        "calibration (corpus: NaN every epoch)",
        ("loss-nan-periodic",),
    )
    loss_87_level: float = knob(
        87.3365,
        "the loss Caffe prints when the true class's probability is clamped to FLT_MIN",
        "-ln(FLT_MIN) = -ln(1.17549e-38) = 87.33654, printed to 6 digits",
        ("loss-87-3365",),
    )
    loss_87_alt: float = knob(
        87.3356,
        "the other value reported for it",
        "kb/symptoms/loss-87-3365.yaml: often reported in issues and posts",
        ("loss-87-3365",),
    )
    loss_87_tolerance: float = knob(
        0.01,
        "a loss within this of either value counts",
        "printing rounds to 4 decimals or fewer",
        ("loss-87-3365",),
    )
    loss_87_min_count: int = knob(
        2,
        "values at 87.3365 needed in one loss series",
        "one could be a coincidence; a stuck loss repeats",
        ("loss-87-3365",),
    )
    loss_87_exact: float = knob(
        87.33654475,
        "-ln(FLT_MIN) in full, for losses scaled by a loss weight",
        "definition: -ln(1.17549435e-38)",
        ("loss-87-3365",),
    )
    loss_87_max_weight: int = knob(
        1000,
        "largest integer loss weight k for which k x 87.3365 counts",
        "Caffe prints weighted losses (* 20 = 1746.73); weights above 1000 are unheard of",
        ("loss-87-3365",),
    )
    loss_87_weight_tol: float = knob(
        1e-5,
        "a weighted value counts within this relative distance of k x -ln(FLT_MIN)",
        "Caffe prints 6 significant digits",
        ("loss-87-3365",),
    )
    huge_initial_points: int = knob(
        2,
        "this many first losses must all be huge",
        "one huge first batch can be bad luck",
        ("loss-huge-initial",),
    )
    huge_initial_factor: float = knob(
        10.0,
        "huge means at least this many times ln(num_classes)",
        'the definition\'s "orders of magnitude", read at its least: one order',
        ("loss-huge-initial",),
    )
    huge_initial_abs: float = knob(
        1e3,
        "without a class count, huge means at least this",
        'AUTOTRAINER\'s "loss >= 1e3" abnormal-loss bound',
        ("loss-huge-initial",),
    )
    diverge_factor: float = knob(
        2.0,
        "the final level at least this many times the lowest smoothed loss",
        'TheDeepChecker: ">= 2x the minimum reached"',
        ("loss-diverging",),
    )
    diverge_min_rise: float = knob(
        0.25,
        "the rise at least this share of max(initial, final) level",
        "calibration: noise near zero is not a divergence",
        ("loss-diverging",),
    )
    flat_transient: float = knob(
        0.2,
        "the first share of the points left out as the start-up transient",
        "calibration",
        ("loss-flat-from-start",),
    )
    flat_max_fall: float = knob(
        0.1,
        "flat: the smoothed loss neither falls nor rises (median) by this share of the initial "
        "level",
        "calibration: the stuck Caffe ImageNet runs fall 0-7%",
        ("loss-flat-from-start", "acc-at-chance"),
    )
    flat_min_fall: float = knob(
        0.04,
        "a drift (first to last quarter) of at least this share, with a steady fall, is slow, "
        "not flat",
        "calibration: slow SGD in the corpus drifts 6% (tau -0.9), the stuck runs do not drift",
        ("loss-flat-from-start",),
    )
    flat_chance_margin: float = knob(
        0.05,
        "with a class count, flat also means never more than this share below ln(num_classes) "
        "and the median within it",
        "calibration: the stuck Caffe ImageNet runs (LSUV start above ln 1000) sit at ln 1000",
        ("loss-flat-from-start",),
    )
    slow_min_tau: float = knob(
        0.3,
        "a steady fall is a Kendall tau of loss against step at most minus this",
        "calibration: slow SGD has tau -0.9; noise around a level has tau near 0",
        ("loss-flat-from-start", "loss-slow-decrease"),
    )
    high_loss_frac: float = knob(
        0.65,
        '"still high": a final level at least this share of ln(num_classes) or of the initial loss',
        "calibration: the healthy Caffe ImageNet runs end at 0.27-0.60 of ln 1000, the slow ones "
        "at 0.66-0.86",
        ("loss-slow-decrease", "loss-plateau"),
    )
    plateau_min_drop: float = knob(
        0.1,
        "a plateau comes after a fall of at least this share of the initial level",
        "calibration",
        ("loss-plateau",),
    )
    plateau_window: float = knob(
        1 / 3,
        "the last share of the points that must be level",
        "calibration",
        ("loss-plateau", "acc-low-plateau", "underfitting"),
    )
    plateau_flat: float = knob(
        0.05,
        "level: the window changes by at most this share of its end level",
        'TheDeepChecker calls "< 5% drop per window" not decreasing',
        ("loss-plateau",),
    )
    ptd_flat: float = knob(
        0.05,
        "the initial stretch stays within this share of the first level",
        "calibration (corpus: small-init deep net flat for 21%, then -17%)",
        ("loss-plateau-then-drop",),
    )
    ptd_min_flat_frac: float = knob(
        0.15,
        "the flat stretch covers at least this share of the points",
        "calibration (as above)",
        ("loss-plateau-then-drop",),
    )
    ptd_min_flat_points: int = knob(
        3,
        "... and at least this many points",
        "fewer are noise, not a plateau",
        ("loss-plateau-then-drop",),
    )
    ptd_min_drop: float = knob(
        0.15,
        "then the loss ends at least this share below the flat level",
        "calibration (as above)",
        ("loss-plateau-then-drop",),
    )
    near_zero_frac: float = knob(
        0.01,
        "near zero: this share of ln(num_classes) (or of the first loss)",
        "calibration (corpus label leak)",
        ("loss-near-zero",),
    )
    near_zero_within: float = knob(
        0.3,
        "... reached within this first share of the steps",
        "calibration (corpus label leak: 17% of the steps)",
        ("loss-near-zero",),
    )
    osc_skip: float = knob(
        0.1,
        "the first share of the points left out before judging oscillation",
        "the start-up fall is not a swing",
        ("loss-oscillating",),
    )
    osc_min_steps: int = knob(
        3,
        "fewest step-to-step changes to judge oscillation on",
        "direction changes need at least three changes to mean anything",
        ("loss-oscillating",),
    )
    osc_swing: float = knob(
        0.2,
        "median step-to-step swing at least this share of the median level",
        "AUTOTRAINER counts swings >= 0.03 (accuracy) in >= 20% of epochs; ours is relative to "
        "the loss level; calibration",
        ("loss-oscillating",),
    )
    osc_min_turns: float = knob(
        0.3,
        "the direction changes in at least this share of the steps",
        "calibration: a noisy fall turns less often",
        ("loss-oscillating",),
    )
    osc_no_trend: float = knob(
        0.9,
        "no downward trend: the second-half median at least this share of the first-half median",
        "calibration",
        ("loss-oscillating",),
    )
    spike_factor: float = knob(
        2.0,
        "a spike is at least this many times the largest of the spike_window points before it",
        "calibration: the real Caffe spike (9.2 -> 23.4) and the corpus bad batch (0.54 -> 4.17)",
        ("loss-spikes", "loss-nan-periodic"),
    )
    spike_min_rise: float = knob(
        0.75,
        "... rising by at least this share of the initial loss (largest of the first head_points)",
        "calibration: per-batch noise late in a healthy run rises 0.43 x the initial loss "
        "(Lightning fixture), real spikes 1.54-2.05 x",
        ("loss-spikes", "loss-nan-periodic"),
    )
    spike_window: int = knob(
        10,
        "points before a spike it is compared with, and within which it must fall back",
        "calibration: a jump to a new level is not a spike",
        ("loss-spikes", "loss-nan-periodic"),
    )
    spike_min_before: int = knob(
        3,
        "fewest points before a spike",
        "the first points are the initial level, not spikes",
        ("loss-spikes", "loss-nan-periodic"),
    )
    spike_max_share: float = knob(
        0.05,
        "spikes are isolated: at most this share of the points (or one)",
        "calibration: more is noise or oscillation",
        ("loss-spikes", "loss-nan-periodic"),
    )
    const_min_points: int = knob(
        5,
        "the last this many losses are equal",
        "SageMaker UnchangedTensor: allclose over 3 steps; we ask for more",
        ("metrics-constant-after-step",),
    )
    const_rel_tol: float = knob(
        1e-6,
        "equal: within this relative tolerance",
        "printing rounds",
        ("metrics-constant-after-step", "acc-at-chance"),
    )

    # ---- train vs validation vs test
    val_min_points: int = knob(
        4,
        "fewest evaluations (or training points) for a validation or accuracy-level judgement; "
        "a level read from fewer (at chance, far below training) says so in its evidence: low "
        "confidence, from N points only",
        "calibration: validation is often evaluated once per epoch",
        (*VAL_RISE, "val-far-below-train", "acc-low-plateau", "underfitting", "acc-at-chance"),
    )
    short_val_points: int = knob(
        3,
        "from this many evaluations on (fewer than val_min_points), validation loss rising at "
        "each one by overfit_rise in all, while the training loss is at most far_loss_ratio of "
        "it, is judged overfitting",
        "two rises in a row with training far below: what a reader sees in three pasted "
        "epochs; the corpus's healthy runs end with training loss at 0.55-0.89 of validation, "
        "and none of 634 three-evaluation windows of the corpus reads as overfitting outside "
        "the run where it is visible (val-shift-text)",
        ("overfitting",),
    )
    val_smooth_min_points: int = knob(
        5,
        "validation loss is smoothed only with at least this many evaluations",
        "a rolling median of fewer would flatten the rise itself",
        VAL_RISE,
    )
    val_tail_min_points: int = knob(
        2,
        "the final validation level is the median of at least this many last evaluations",
        "evaluations are few: two are enough to ignore neither",
        VAL_RISE,
    )
    overfit_min_after: int = knob(
        2,
        "the lowest validation loss comes before the last this many evaluations",
        "a minimum at the very end has not risen yet",
        VAL_RISE,
    )
    overfit_rise: float = knob(
        0.2,
        "the final validation loss at least this much above its minimum (relative)",
        "UMLAUT/AUTOTRAINER use any rise (> 1e-2); calibration: healthy corpus runs wobble up "
        "to +12%",
        VAL_RISE,
    )
    val_plateau_min_delta: float = knob(
        0.01,
        "a new best must improve by at least this (relative)",
        "Keras EarlyStopping's min_delta",
        ("val-loss-plateau",),
    )
    val_plateau_min_evals: int = knob(
        5,
        "no new best for at least this many evaluations (and as long as reaching the best took)",
        "Keras EarlyStopping's patience",
        ("val-loss-plateau",),
    )
    val_plateau_min_points: int = knob(
        6,
        "fewest evaluations to judge a validation plateau",
        "a best and patience evaluations after it",
        ("val-loss-plateau",),
    )
    val_plateau_train_fall: float = knob(
        0.25,
        "meanwhile the training loss fell by at least this share",
        "calibration: a run whose training has converged too is done, not stuck",
        ("val-loss-plateau",),
    )
    val_acc_min_gain: float = knob(
        0.03,
        "validation accuracy still up by at least this while validation loss rose",
        "calibration: evaluation noise near chance is about +-0.02",
        ("val-acc-up-val-loss-up",),
    )
    far_train_gain: float = knob(
        0.3,
        "training accuracy at least this above chance",
        'calibration; UMLAUT flags a 0.05 train/val gap as suspicious, "far" needs much more',
        ("val-far-below-train",),
    )
    far_val_share: float = knob(
        0.3,
        "validation keeps at most this share of the training gain over chance",
        "calibration",
        ("val-far-below-train", "overfitting"),
    )
    far_val_acc_abs: float = knob(
        0.1,
        "with no training accuracy: validation accuracy at most this above chance",
        "calibration",
        ("val-far-below-train",),
    )
    far_loss_ratio: float = knob(
        0.1,
        "... while the training loss is at most this share of the validation loss",
        "calibration",
        ("val-far-below-train", "overfitting"),
    )
    few_acc_gap: float = knob(
        0.1,
        "with fewer than short_val_points evaluations (a pasted line or two, numbers stated "
        "in a question): training accuracy at least this above the validation accuracy, "
        "which keeps more than far_val_share of the training gain over chance, is judged "
        "overfitting",
        "AUTOTRAINER's over-fitting feature, train_acc - val_acc >= 0.1 (its decision left "
        "commented out); from so few points the finding is marked low confidence",
        ("overfitting",),
    )
    val_test_acc_gap: float = knob(
        0.1,
        "validation accuracy at least this above test accuracy",
        "calibration",
        ("val-much-better-than-test",),
    )
    val_test_loss_ratio: float = knob(
        1.5,
        "or the test loss at least this many times the validation loss",
        "calibration",
        ("val-much-better-than-test",),
    )
    val_test_min_gap: float = knob(
        0.1,
        "... and above it by at least this share of the initial training loss",
        'calibration: 0.014 vs 0.032 at 98% accuracy (healthy Lightning fixture) is not "much"',
        ("val-much-better-than-test",),
    )

    # ---- accuracy
    acc_min_points: int = knob(
        2,
        "fewest finite accuracy points for any accuracy judgement",
        "one point is no series",
        ACCURACY,
    )
    at_chance_rel: float = knob(
        0.5,
        "at chance: final accuracy at most chance plus this share of chance ...",
        "calibration",
        ("acc-at-chance", "acc-low-plateau", "underfitting"),
    )
    at_chance_gain: float = knob(
        0.15,
        "... but never more than this share of the possible gain over chance (1 - chance)",
        "calibration: with two classes half of chance is 0.75, a model half-way to perfect; "
        "slowly learning binary runs of the broad development draw end at 0.6-0.66. Binds "
        "only below five classes (for 10 classes 0.135 > 0.05)",
        ("acc-at-chance", "acc-low-plateau", "underfitting"),
    )
    at_chance_abs: float = knob(
        0.01,
        "... or plus this, whichever is larger; with no class count, at most this",
        "chance for 100 or more classes",
        ("acc-at-chance", "acc-low-plateau", "underfitting"),
    )
    low_acc_gain: float = knob(
        0.4,
        "low: the final accuracy keeps at most this share of the possible gain over chance",
        'AUTOTRAINER "not converging": max acc < 0.6; calibration',
        ("acc-low-plateau", "underfitting"),
    )
    one_class_min_evals: int = knob(
        5,
        "a validation accuracy identical (within const_rel_tol) at this many evaluations or "
        "more, from the first on and strictly between 0 and 1, is a model giving every input "
        "one class: acc-at-chance at that class's share, with no class count needed",
        "calibration: the broad development draw's one-class models on imbalanced sets hold "
        "their validation accuracy to the printed digit over 5-20 evaluations; a model that "
        "learns changes at least one prediction between five evaluations",
        ("acc-at-chance",),
    )
    one_class_share: float = knob(
        0.75,
        "... or at this share of them, the first and the last among them, while the validation "
        "loss never fell more than flat_max_fall below its first value",
        "calibration: a one-class model of the third development draw that switches once to "
        "another class keeps its share at 19 of 20 evaluations (one that switches often, 13 "
        "of 20, is left alone); a model that learns lowers its validation loss",
        ("acc-at-chance",),
    )
    acc_plateau_flat: float = knob(
        0.02,
        "levelled off: over the last plateau_window it changed by at most this",
        "calibration",
        ("acc-low-plateau", "underfitting"),
    )
    acc_plateau_rise: float = knob(
        0.05,
        "... and rose by at most this share of its gain over chance",
        "calibration: runs still climbing rise 7.6-12% of their gain in the last third, "
        "levelled ones at most 2.1%",
        ("acc-low-plateau", "underfitting"),
    )
    jump_flat: float = knob(
        0.03,
        "a flat start stays within this of its median (smoothed accuracy)",
        "calibration",
        ("acc-jump",),
    )
    jump_min_flat_frac: float = knob(
        0.15,
        "the flat start covers at least this share of the points",
        "calibration",
        ("acc-jump",),
    )
    jump_before_points: int = knob(
        3,
        "the level before the jump is the median of this many points before it",
        "one noisy evaluation does not decide",
        ("acc-jump",),
    )
    jump_min_rise: float = knob(
        0.08,
        "then a rise of at least this ...",
        "calibration: the corpus run stuck at chance escapes by 0.10 within three "
        "evaluations; evaluation noise on drawn runs (one healthy, one at chance) rose 0.06",
        ("acc-jump",),
    )
    jump_max_points: int = knob(
        3,
        "... within this many points",
        "calibration: abrupt, not the start of a steady climb",
        ("acc-jump",),
    )
    jump_min_share: float = knob(
        0.5,
        "that rise is at least this share of the whole rise to the final level",
        "calibration: steady climbs are not jumps",
        ("acc-jump",),
    )

    # ---- the class count, when nobody stated it (detect/classes.py)
    classes_loss_tol: float = knob(
        0.02,
        "K is read from the loss when each of the first head_points losses lies within this of "
        "ln K (nats), for exactly one integer K >= 2",
        "an untrained softmax classifier starts at ln K: the corpus runs stuck there keep their "
        "first three losses within 0.006 of ln 10; healthy runs may start as close, but their "
        "third display is already 0.085-1.9 below. The window admits one K only up to about 24 "
        "(ln 25 - ln 24 = 0.041)",
        CHANCE,
    )
    classes_loss_alone_tol: float = knob(
        0.002,
        "with no accuracy and no task stated, K is read from the loss only when every one of "
        "the first head_points losses lies within this of ln K",
        "nothing else says the run classifies, so the loss itself must: a pasted excerpt "
        "printing 2.3026 (ln 10 = 2.302585) at every display is read as ten classes at chance, "
        "while a regression loss would have to sit at a logarithm of an integer to four "
        "digits, display after display",
        CHANCE,
    )
    classes_acc_max: int = knob(
        10,
        "K is read from a stuck accuracy only up to this many classes",
        "1/K of neighbouring K lie within evaluation noise of each other above about 10",
        CHANCE,
    )
    classes_acc_min_points: int = knob(
        4,
        "fewest accuracy points to read K from",
        "as val_min_points: a few evaluations",
        CHANCE,
    )
    classes_acc_tol: float = knob(
        0.3,
        "an accuracy point sits at 1/K when within this share of 1/K",
        "calibration: the validation accuracies of the corpus runs at chance (10 classes) "
        "range over 0.078-0.13",
        CHANCE,
    )
    classes_acc_share: float = knob(
        0.8,
        "... and at least this share of the points does",
        "a stuck accuracy stays; one lucky evaluation does not undo it",
        CHANCE,
    )
    classes_loss_loose: float = knob(
        0.1,
        "a K read from accuracy also needs the initial loss within this of ln K (nats), when a "
        "loss is logged",
        "a 100-class run stuck at 20% starts near ln 100 = 4.6, not ln 5 = 1.6; the corpus "
        "runs at chance start 0.000-0.037 above ln 10 (the initial level: the median of the "
        "first head_points)",
        CHANCE,
    )
    converged_chance_frac: float = knob(
        0.25,
        "a loss that levels off at most this share of ln K has converged: no plateau, slow "
        "decrease or validation plateau",
        "calibration: healthy corpus runs end at 0.11-0.21 of ln 10 (training and validation); "
        "the labelled plateaus and slow runs at 0.29 or more (Caffe ImageNet: 0.66 or more of "
        "ln 1000), or with validation far above training (converged_max_gap)",
        ("loss-plateau", "loss-slow-decrease", "val-loss-plateau"),
    )
    converged_start_frac: float = knob(
        0.2,
        "... or, for validation, at most this share of its first evaluation (also with no "
        "class count known)",
        "a five-fold fall is learning (healthy corpus training losses end at 0.13-0.22 of their "
        "first); the labelled validation plateaus keep 0.50 and 1.04 of their first evaluation",
        ("val-loss-plateau",),
    )
    converged_acc_gain: float = knob(
        0.9,
        "a run whose final validation accuracy keeps at least this share of the possible "
        "gain over chance (1/K, or 0 with no class count) has learned well: a validation "
        "loss levelling off there is convergence, and a training loss at zero a fit the "
        "validation confirms (no val-loss-plateau, no loss-near-zero)",
        "the articles' check: a poor validation score confirms loss-near-zero. Calibration: "
        "healthy runs of the broad development draw end at 0.94-1.00 validation accuracy; "
        "the development corpus's labelled validation plateaus at 0.81-0.86 of 10 classes "
        "(0.79-0.84 of the gain); the corpus label leak also ends at 1.00 and is no longer "
        "told from an easy task fitted exactly",
        ("val-loss-plateau", "loss-near-zero"),
    )
    converged_max_gap: float = knob(
        1.6,
        "a validation loss has converged only within this many times the training loss",
        "calibration: healthy corpus runs end with validation 1.1-1.5 x training; the labelled "
        "validation plateau whose training loss converged (sgd-momentum) at 2.3 x",
        ("val-loss-plateau",),
    )

    # ---- per-layer probes
    recent_points: int = knob(
        3,
        "a layer statistic's latest value is the median of this many last finite values",
        "one noisy step does not decide",
        ("grad-vanishing", "dead-relu"),
    )
    grad_vanish_ratio: float = knob(
        1e-3,
        "first-layer / last-layer weight gradient below this",
        "AUTOTRAINER beta_1",
        ("grad-vanishing",),
    )
    grad_vanish_abs: float = knob(
        1e-4,
        "... and the first-layer gradient below this",
        "AUTOTRAINER beta_2",
        ("grad-vanishing",),
    )
    grad_explode_abs: float = knob(
        1e6,
        "any gradient at least this (or infinite)",
        "TheDeepChecker: mean |g| > 1e6",
        ("grad-exploding",),
    )
    dead_relu_frac: float = knob(
        0.9,
        "share of zero activations in a ReLU layer at least this",
        "DeepDiagnosis: >= 70% <= 0; a healthy ReLU layer is already 45-60% zero in the corpus",
        ("dead-relu",),
    )
    logits_huge: float = knob(
        100.0,
        "mean |logit| of the last layer before the loss at least this",
        'the symptom\'s definition: "in the hundreds"',
        ("logits-huge",),
    )

    # ---- KL
    kl_negative_tol: float = knob(
        1e-4,
        "a logged KL value below minus this",
        "KL >= 0 by definition; the tolerance absorbs rounding",
        ("kl-negative",),
    )


DEFAULT = Thresholds()
