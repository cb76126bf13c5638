"""The vectorised series helpers give exactly what the plain loops they replaced gave.

spike_indices, kendall_tau (with its block medians) and smooth run on every loss series of
every run in a log, so they are written with whole-array numpy operations. The references
below are the straightforward definitions, one point or one pair at a time; random series
(plateaus, spikes, ties, NaN, inf) must give identical results, so the speed-up cannot
change a detection.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from troubleshoot.detect import DEFAULT
from troubleshoot.detect.curves import Curve, block_medians, kendall_tau, smooth
from troubleshoot.detect.loss import spike_indices

# ---------------------------------------------------------------- references


def spike_indices_reference(curve: Curve, t) -> list[int]:
    keep = np.flatnonzero(curve.finite)
    v = curve.values[keep]
    if len(v) < t.min_points:
        return []
    initial = float(v[: t.head_points].max())
    out = []
    for i in range(3, len(v)):
        before = float(v[max(0, i - t.spike_window) : i].max())
        after = v[i + 1 : i + 1 + t.spike_window]
        if (
            v[i] >= t.spike_factor * before
            and v[i] - before >= t.spike_min_rise * initial
            and len(after)
            and after.min() < t.spike_factor * before
        ):
            out.append(int(keep[i]))
    return out if len(out) <= max(1, t.spike_max_share * len(v)) else []


def kendall_tau_reference(values: np.ndarray, max_points: int = 200) -> float:
    if len(values) > max_points:
        values = np.array([np.median(b) for b in np.array_split(values, max_points)])
    n = len(values)
    if n < 3:
        return 0.0
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            total += float(np.sign(values[j] - values[i]))
    return total / (n * (n - 1) // 2)


def smooth_reference(values: np.ndarray, frac: float) -> np.ndarray:
    n = len(values)
    window = min(101, max(3, int(n * frac) | 1))
    if n < window:
        return values.copy()
    half = window // 2
    padded = np.pad(values, half, mode="edge")
    return np.array([np.median(padded[i : i + window]) for i in range(n)])


# ---------------------------------------------------------------- inputs

# Few distinct levels make ties and exact repeats common; wide ones make spikes.
LEVELS = st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.0, 2.3, 7.0, 50.0, 1e3])
VALUES = st.one_of(
    st.floats(0, 100, allow_nan=False),
    LEVELS,
    st.sampled_from([float("nan"), float("inf"), -1.5]),
)


def series(max_size: int, values=VALUES):
    return arrays(np.float64, st.integers(0, max_size), elements=values)


def curve_of_values(values: np.ndarray) -> Curve:
    n = len(values)
    return Curve("train/loss", np.arange(n, dtype=float) * 10, values, np.arange(n))


# ---------------------------------------------------------------- tests


@settings(max_examples=300, deadline=None)
@given(
    values=series(120),
    window=st.integers(1, 15),
    factor=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    rise=st.sampled_from([0.0, 0.1, 0.75, 2.0]),
    share=st.sampled_from([0.0, 0.05, 0.5, 1.0]),
)
def test_spike_indices_matches_the_loop(values, window, factor, rise, share):
    t = dataclasses.replace(
        DEFAULT,
        spike_window=window,
        spike_factor=factor,
        spike_min_rise=rise,
        spike_max_share=share,
    )
    curve = curve_of_values(values)
    assert spike_indices(curve, t) == spike_indices_reference(curve, t)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 600), spikes=st.integers(0, 12))
def test_spike_indices_matches_the_loop_on_noisy_falling_losses(seed, n, spikes):
    rng = np.random.default_rng(seed)
    values = 3 * np.exp(-np.arange(n) / (n / 3)) + rng.uniform(0, 0.3, n)
    values[rng.integers(0, n, spikes)] *= rng.uniform(1, 8, spikes)
    curve = curve_of_values(values)
    assert spike_indices(curve, DEFAULT) == spike_indices_reference(curve, DEFAULT)


@settings(max_examples=200, deadline=None)
@given(
    values=series(260, st.one_of(st.floats(-1e3, 1e3, allow_nan=False), LEVELS)),
    max_points=st.integers(3, 40),
)
def test_kendall_tau_matches_the_pairwise_loop(values, max_points):
    assert kendall_tau(values, max_points) == kendall_tau_reference(values, max_points)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(201, 3000))
def test_kendall_tau_matches_on_long_series_with_the_default_blocks(seed, n):
    values = np.random.default_rng(seed).normal(size=n).cumsum()
    assert kendall_tau(values) == kendall_tau_reference(values)


@given(values=series(300, st.floats(-50, 50)), blocks=st.integers(1, 60))
def test_block_medians_are_the_medians_of_array_split(values, blocks):
    if len(values) < blocks:
        return  # kendall_tau only splits series longer than the number of blocks
    expected = [np.median(b) for b in np.array_split(values, blocks)]
    np.testing.assert_array_equal(block_medians(values, blocks), expected)


@settings(max_examples=200, deadline=None)
@given(values=series(400), frac=st.sampled_from([0.05, 0.01, 0.2, 0.5]))
def test_smooth_matches_the_median_of_each_window(values, frac):
    np.testing.assert_array_equal(smooth(values, frac), smooth_reference(values, frac))


def test_smooth_window_is_capped_at_101_points():
    values = np.random.default_rng(3).normal(size=5000)
    np.testing.assert_array_equal(smooth(values, 0.05), smooth_reference(values, 0.05))
