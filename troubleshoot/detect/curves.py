"""A metric series made ready for judging: resumes resolved, NaN split off, noise smoothed.

Real logs restart from checkpoints, print NaN, and are noisy per batch; every detector
needs the same clean view, so it is built once here.
"""

from __future__ import annotations

from dataclasses import dataclass

import bottleneck as bn
import numpy as np

from troubleshoot.detect.thresholds import DEFAULT, Thresholds
from troubleshoot.read.model import Series


@dataclass(frozen=True)
class Curve:
    """One series as arrays, in step order, with the source line of each point."""

    name: str
    steps: np.ndarray
    values: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    @property
    def finite(self) -> np.ndarray:
        return np.isfinite(self.values)

    def only_finite(self) -> Curve:
        keep = self.finite
        return Curve(self.name, self.steps[keep], self.values[keep], self.lines[keep])

    def until(self, index: int) -> Curve:
        return Curve(self.name, self.steps[:index], self.values[:index], self.lines[:index])


def curve_of(series: Series, max_resumes: int) -> tuple[Curve, int]:
    """The series as a Curve, and how many resumes (backward jumps in step) it had.

    After a resume the later points replace the earlier ones from the same steps on. Many
    backward jumps mean steps restart each epoch; then file order is the only order.
    """
    steps = np.asarray(series.steps, dtype=float)
    values = np.asarray(series.values, dtype=float)
    lines = np.asarray(series.lines, dtype=np.int64)
    backward = np.flatnonzero(np.diff(steps) < 0) + 1
    if len(backward) > max_resumes:
        return Curve(series.name, np.arange(len(values), dtype=float), values, lines), 0
    keep = np.ones(len(values), dtype=bool)
    for start in backward:
        earlier = np.arange(start)
        keep[earlier[steps[:start] >= steps[start]]] = False
    return Curve(series.name, steps[keep], values[keep], lines[keep]), len(backward)


def smooth(
    values: np.ndarray,
    frac: float,
    min_window: int = DEFAULT.smooth_min_window,
    max_window: int = DEFAULT.smooth_max_window,
) -> np.ndarray:
    """Centred rolling median; the window grows with the series so noise does not decide."""
    n = len(values)
    window = min(max_window, max(min_window, int(n * frac) | 1))
    if n < window:
        return values.copy()
    padded = np.pad(values, window // 2, mode="edge")
    if np.isnan(values).any():  # NaN in a window makes its median NaN
        return np.median(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1)
    # The window is odd, so each median is one of the values: bottleneck's running median
    # (two heaps, O(log window) a point) gives the same numbers as sorting every window,
    # ten times faster on a run of 1,700 points.
    return bn.move_median(padded, window, min_count=window)[window - 1 :]


def smoothed(values: np.ndarray, t: Thresholds) -> np.ndarray:
    """``smooth`` with the window the thresholds set."""
    return smooth(values, t.smooth_frac, t.smooth_min_window, t.smooth_max_window)


def median(values: np.ndarray) -> float:
    """The median, NaN if any value is NaN, as ``np.median`` gives it (the mean of the two
    middle values for an even count), in a tenth of the time: bottleneck's, in C."""
    return float(bn.median(values))


def head(values: np.ndarray, points: int) -> float:
    return median(values[:points])


def tail(values: np.ndarray, frac: float, min_points: int) -> float:
    """The final level: the median of the last ``frac`` of the values (at least ``min_points``)."""
    return median(values[-max(min_points, int(len(values) * frac)) :])


def final_level(values: np.ndarray, t: Thresholds) -> float:
    """``tail``, or the last value of a series too short to have a final stretch."""
    if len(values) < t.tail_min_points:
        return float(values[-1])
    return tail(values, t.tail_frac, t.tail_min_points)


def block_medians(values: np.ndarray, blocks: int) -> np.ndarray:
    """Medians of ``np.array_split(values, blocks)``, computed blockwise in two reshapes:
    array_split makes the first ``len % blocks`` blocks one longer than the rest."""
    size, longer = divmod(len(values), blocks)
    cut = longer * (size + 1)
    parts = [bn.median(values[cut:].reshape(blocks - longer, size), axis=1)]
    if longer:
        parts.insert(0, bn.median(values[:cut].reshape(longer, size + 1), axis=1))
    return np.concatenate(parts)


def kendall_tau(values: np.ndarray, max_points: int = DEFAULT.tau_max_points) -> float:
    """Rank correlation of value against position: -1 falls steadily, 0 has no trend.

    Long series are reduced to block medians first, which keeps it fast and robust.
    """
    if len(values) > max_points:
        values = block_medians(values, max_points)
    n = len(values)
    if n < 3:
        return 0.0
    # sign(later - earlier) over every pair: the upper triangle of the difference matrix
    signs = np.sign(values[None, :] - values[:, None])
    return float(np.triu(signs, 1).sum()) / (n * (n - 1) // 2)


def includes_start(curve: Curve, max_frac: float, max_gaps: int) -> bool:
    """Whether the series begins at the start of training (not an excerpt from later): its
    first step is at most ``max_frac`` of its last, or ``max_gaps`` logging intervals."""
    if len(curve) < 2:
        return False
    first, last = curve.steps[0], curve.steps[-1]
    gap = median(np.diff(curve.steps))
    return first <= max_frac * last or first <= max_gaps * gap
