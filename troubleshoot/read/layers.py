"""Per-layer statistics kept within a fixed size, however long the log.

Caffe's ``debug_info`` prints a few numbers per layer and blob at every displayed
iteration, which in a long run is most of the file. Each (layer, blob, phase) series keeps
at most ``cap`` points: when it is full, every second point is dropped and from then on
only every second new point is taken (then every fourth, and so on), so the kept points
stay evenly spread over the whole run. The first non-finite value of a series is always
kept, because where a NaN first appears is the point of reading these statistics.
"""

from __future__ import annotations

import math
from array import array

from troubleshoot.read.model import LayerStats, Series

CAP = 2048

FORWARD_DATA = "forward-data"
BACKWARD_DIFF = "backward-diff"
PARAM_DATA = "param-data"
PARAM_DIFF = "param-diff"


class LayerRecorder:
    """Adds points to a LayerStats, decimating each series beyond ``cap`` points."""

    def __init__(self, stats: LayerStats, cap: int = CAP) -> None:
        self.stats = stats
        self.cap = cap
        self._stride: dict[int, int] = {}  # id(series) -> keep every n-th offered point
        self._offered: dict[int, int] = {}
        self._nan_kept: set[int] = set()

    def norm(self, layer: str, blob: str, phase: str, step: float, value: float, line: int) -> None:
        self._add(self.stats.series(layer, blob, phase), step, value, line)

    def zero_fraction(self, layer: str, step: float, value: float, line: int) -> None:
        series = self.stats.zero_fraction.get(layer)
        if series is None:
            series = self.stats.zero_fraction[layer] = Series(f"{layer}/zero-fraction", "step")
            if layer not in self.stats.order:
                self.stats.order.append(layer)
        self._add(series, step, value, line)

    def _add(self, series: Series, step: float, value: float, line: int) -> None:
        key = id(series)
        offered = self._offered.get(key, 0)
        self._offered[key] = offered + 1
        first_nan = not math.isfinite(value) and key not in self._nan_kept
        if first_nan:
            self._nan_kept.add(key)
        elif offered % self._stride.get(key, 1):
            return
        series.append(step, value, line)
        if len(series) > self.cap:
            _halve(series)
            self._stride[key] = self._stride.get(key, 1) * 2


def _halve(series: Series) -> None:
    """Keep every second point, and every non-finite one."""
    values = series.values
    keep = [i for i in range(len(values)) if i % 2 == 0 or not math.isfinite(values[i])]
    series.steps = array("d", (series.steps[i] for i in keep))
    series.values = array("d", (values[i] for i in keep))
    series.lines = array(series.lines.typecode, (series.lines[i] for i in keep))
