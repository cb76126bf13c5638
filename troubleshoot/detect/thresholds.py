"""Every number the detectors judge by, in one place, each with where it comes from.

Prior tools disagree widely on thresholds and rarely say why (docs/detection.md compares
them), so each field names its source: a prior tool's default, a definition, or our own
calibration on the corpus and the real logs (benchmarks/detection.py). Override any field
with ``dataclasses.replace(DEFAULT, field=value)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # ---- series handling
    # Fewest finite points before any shape judgement (trend, plateau, oscillation).
    # Calibration: the shortest real diverging Caffe run has 8 logged losses.
    min_points: int = 8
    # Rolling-median window as a share of the points (odd, at least 3, at most 101).
    # Calibration: removes per-batch noise in the corpus without flattening NaN onsets.
    smooth_frac: float = 0.05
    # The initial level is the median of this many first finite points. Calibration.
    head_points: int = 3
    # The final level is the median of this last share of the points (at least 3 points).
    tail_frac: float = 0.2
    # A series shows the start of training if its first step is at most this share of its
    # last step (or within two logging intervals of 0). Calibration: excerpts that begin
    # late (caffe-healthy-01 starts at iteration 18500 of 20000) must not be judged
    # "from the start".
    start_max_frac: float = 0.05
    # More backward jumps in step than this means the steps restart every epoch, so the
    # points are used in file order instead of as resumed runs. Calibration.
    max_resumes: int = 3

    # ---- loss value
    # loss-nan-sudden: finite losses needed before the first NaN, and how far the last three
    # may sit above the lowest smoothed loss ("no growth before it"). Calibration: the
    # corpus NaN-sample and log(0) runs sit at 1.0-1.2x, the diverging run at >1e30x.
    nan_sudden_min_history: int = 5
    nan_sudden_max_rise: float = 1.5
    # loss-nan-periodic: episodes (NaN runs or spikes) needed, and how far an interval may
    # stray from the median interval, as a share of it. Calibration.
    periodic_min_episodes: int = 3
    periodic_tolerance: float = 0.1
    # loss-87-3365: values within this of 87.3365 or 87.3356, at least this many times.
    # Source: kb/symptoms/loss-87-3365.yaml; -ln(FLT_MIN) = 87.33654.
    loss_87_tolerance: float = 0.01
    loss_87_min_count: int = 2
    # loss-huge-initial: the first two losses both at least this many times ln(num_classes)
    # ("orders of magnitude" in the definition: one order), or, with no class count, at
    # least the absolute value, AUTOTRAINER's "loss >= 1e3" abnormal-loss bound.
    huge_initial_factor: float = 10.0
    huge_initial_abs: float = 1e3
    # loss-diverging: the final level at least this many times the lowest smoothed loss
    # (TheDeepChecker: ">= 2x the minimum reached"), and the rise at least this share of
    # max(initial, final) level so noise near zero is not a divergence. Calibration.
    diverge_factor: float = 2.0
    diverge_min_rise: float = 0.25
    # loss-flat-from-start: after the first flat_transient share of the points, the
    # smoothed loss neither falls nor rises (median) by flat_max_fall of the initial
    # level, or (with a class count) never falls below ln(num_classes) by more than
    # flat_chance_margin and has its median within flat_chance_margin of it (loss above
    # ln K is spikes, not learning);
    # and it does not fall steadily (Kendall tau at most -slow_min_tau with a drift of at
    # least flat_min_fall from the first to the last quarter). Calibration: the stuck
    # Caffe ImageNet runs fall 0-7% (their LSUV start is above ln 1000) with no drift;
    # slow SGD in the corpus drifts 6% (tau -0.9).
    flat_transient: float = 0.2
    flat_max_fall: float = 0.1
    flat_min_fall: float = 0.04
    flat_chance_margin: float = 0.05
    # loss-slow-decrease and loss-plateau: "still high" means a final level at least this
    # share of ln(num_classes) (or of the initial loss when the class count is unknown).
    # Calibration: the healthy Caffe ImageNet runs end at 0.27-0.60 of ln 1000, the slow
    # ones at 0.66-0.86.
    high_loss_frac: float = 0.65
    # loss-slow-decrease: the loss must fall consistently: Kendall tau of loss against step
    # (after the first 10%) at most minus this. Calibration.
    slow_min_tau: float = 0.3
    # loss-plateau: fell at least plateau_min_drop of the initial level, then the last
    # plateau_window share of the points changed by at most plateau_flat. Calibration;
    # TheDeepChecker calls "< 5% drop per window" not decreasing.
    plateau_min_drop: float = 0.1
    plateau_window: float = 1 / 3
    plateau_flat: float = 0.05
    # loss-plateau-then-drop: an initial stretch within ptd_flat of the first level covering
    # at least ptd_min_flat_frac of the points, then a fall of at least ptd_min_drop.
    # Calibration (corpus: small-init deep net flat for 21%, then -17%).
    ptd_flat: float = 0.05
    ptd_min_flat_frac: float = 0.15
    ptd_min_drop: float = 0.15
    # loss-near-zero: the smoothed loss reaches this share of ln(num_classes) (or of the
    # initial loss) within the first near_zero_within share of the steps. Calibration.
    near_zero_frac: float = 0.01
    near_zero_within: float = 0.3
    # loss-oscillating: median step-to-step swing at least osc_swing of the median level,
    # and no downward trend (second-half median at least osc_no_trend of the first-half
    # median). AUTOTRAINER counts swings >= 0.03 (accuracy) in >= 20% of epochs; ours is
    # relative to the loss level. Calibration.
    osc_swing: float = 0.2
    osc_no_trend: float = 0.9
    # loss-spikes: a point at least spike_factor times the largest of the spike_window
    # points before it, rising by at least spike_min_rise of the initial loss (largest of
    # the first head_points), and back below within spike_window points; spikes must be
    # isolated (at most spike_max_share of the points, or one). Calibration: per-batch
    # noise late in a healthy run (Lightning fixture: 0.08 -> 0.35, a rise of 0.43 x the
    # initial 0.635) is not a spike; the real Caffe spike (9.2 -> 23.4, 2.05 x) and the
    # corpus bad batch (0.54 -> 4.17, 1.54 x) are.
    spike_factor: float = 2.0
    spike_min_rise: float = 0.75
    spike_window: int = 10
    spike_max_share: float = 0.05
    # metrics-constant-after-step: the last const_min_points values equal within
    # const_rel_tol (printing rounds). SageMaker UnchangedTensor: allclose over 3 steps.
    const_min_points: int = 5
    const_rel_tol: float = 1e-6

    # ---- train vs validation vs test
    # Fewest validation points for any validation judgement. Calibration.
    val_min_points: int = 4
    # overfitting: the final validation loss at least this much above its minimum (relative)
    # while the training loss did not rise. UMLAUT/AUTOTRAINER use any rise (> 1e-2);
    # calibration: healthy corpus runs wobble up to +12%.
    overfit_rise: float = 0.2
    # val-loss-plateau: no new best by at least plateau_min_delta (relative, as Keras
    # EarlyStopping's min_delta) for at least val_plateau_min_evals evaluations and for at
    # least as long as it took to reach that best, while the training loss still fell by
    # val_plateau_train_fall (a run whose training has converged too is done, not stuck).
    # Calibration.
    val_plateau_min_delta: float = 0.01
    val_plateau_min_evals: int = 5
    val_plateau_min_points: int = 6
    val_plateau_train_fall: float = 0.25
    # val-acc-up-val-loss-up: validation accuracy still up by at least this over the stretch
    # in which validation loss rose by overfit_rise. Calibration.
    val_acc_min_gain: float = 0.03
    # val-far-below-train: training accuracy at least far_train_gain above chance, and
    # validation keeps at most far_val_share of that gain. Calibration (UMLAUT flags a
    # 0.05 train/val gap as suspicious; "far" needs much more).
    far_train_gain: float = 0.3
    far_val_share: float = 0.3
    # ... with no training accuracy: validation accuracy at most far_val_acc_abs above
    # chance while the training loss is at most far_loss_ratio of the validation loss.
    far_val_acc_abs: float = 0.1
    far_loss_ratio: float = 0.1
    # val-much-better-than-test: accuracy gap at least this, or test loss at least
    # val_test_loss_ratio times the validation loss and above it by val_test_min_gap of
    # the initial training loss (0.014 vs 0.032 at 98% accuracy, the healthy Lightning
    # fixture, is not "much better"). Calibration.
    val_test_acc_gap: float = 0.1
    val_test_loss_ratio: float = 1.5
    val_test_min_gap: float = 0.1

    # ---- accuracy
    # acc-at-chance: final accuracy at most chance + max(at_chance_rel * chance,
    # at_chance_abs); with no class count, at most at_chance_abs (chance for >= 100
    # classes). Calibration.
    at_chance_rel: float = 0.5
    at_chance_abs: float = 0.01
    # acc-low-plateau and underfitting: final accuracy keeps at most low_acc_gain of the
    # possible gain over chance, and has levelled off: over the last plateau_window of the
    # points it changed by at most acc_plateau_flat and rose by at most acc_plateau_rise of
    # its gain over chance (median of the window's last quarter minus its first).
    # AUTOTRAINER "not converging": max acc < 0.6. Calibration for acc_plateau_rise: runs
    # still climbing at the end rise 7.6-12% of their gain in the last third (the healthy
    # Caffe ImageNet tanh run 0.197 -> 0.216, the RMSProp one, adadelta 1e-7), levelled
    # ones at most 2.1% (adagrad 0.170 -> 0.174, the corpus linear underfit 0.4-0.9%).
    low_acc_gain: float = 0.4
    acc_plateau_flat: float = 0.02
    acc_plateau_rise: float = 0.05
    # acc-jump: a flat start (within jump_flat of its median) over at least
    # jump_min_flat_frac of the points, then a rise of at least jump_min_rise within
    # jump_max_points points that is at least jump_min_share of the whole rise to the
    # final level (abrupt, not the start of a steady climb). Calibration.
    jump_flat: float = 0.03
    jump_min_flat_frac: float = 0.15
    jump_min_rise: float = 0.05
    jump_max_points: int = 3
    jump_min_share: float = 0.5

    # ---- per-layer probes
    # grad-vanishing: first/last layer gradient ratio below this and first-layer gradient
    # below grad_vanish_abs. Source: AUTOTRAINER beta_1 = 1e-3, beta_2 = 1e-4.
    grad_vanish_ratio: float = 1e-3
    grad_vanish_abs: float = 1e-4
    # grad-exploding: any gradient norm at least this (TheDeepChecker: mean |g| > 1e6) or
    # infinite.
    grad_explode_abs: float = 1e6
    # dead-relu: share of zero activations at least this in a ReLU layer. DeepDiagnosis:
    # >= 70% of activations <= 0; we ask for more because a healthy ReLU layer is already
    # 45-60% zero in the corpus.
    dead_relu_frac: float = 0.9
    # logits-huge: mean |logit| of the last layer before the loss at least this ("in the
    # hundreds", the symptom's definition).
    logits_huge: float = 100.0

    # ---- KL
    # kl-negative: a logged KL value below minus this (rounding noise is not a symptom).
    kl_negative_tol: float = 1e-4


DEFAULT = Thresholds()
