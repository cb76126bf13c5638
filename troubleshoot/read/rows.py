"""Rows of named cells (a CSV line, a JSON object) turned into series or layer statistics.

Shared by the CSV, JSON Lines and JSON readers. Each row's position comes from the first
counter column it has (``_step``, ``step``, ``global_step``, ``iteration``, ``epoch``...);
a row without one takes the last position, or its row number if no row has had one.
Empty cells (Lightning writes sparse rows), ``NA`` and text are skipped. A row that names
a ``layer`` holds per-layer statistics instead of run-level metrics.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from troubleshoot.read.layers import (
    BACKWARD_DIFF,
    FORWARD_DATA,
    PARAM_DATA,
    PARAM_DIFF,
    LayerRecorder,
)
from troubleshoot.read.model import RunData
from troubleshoot.read.names import canonical
from troubleshoot.read.runs import RunBuilder
from troubleshoot.read.values import cell_to_float

# Counter columns in order of preference, with the unit they count in (Chinese ones beside
# their English names: 步数 steps, 迭代 iterations, 批次 batches, 轮次 epochs).
COUNTERS = (
    ("_step", "step"),
    ("step", "step"),
    ("global_step", "step"),
    ("trainer/global_step", "step"),
    ("train/global_step", "step"),
    ("步数", "step"),
    ("步", "step"),
    ("iteration", "iteration"),
    ("iter", "iteration"),
    ("it", "iteration"),
    ("迭代次数", "iteration"),
    ("迭代", "iteration"),
    ("batch", "step"),
    ("批次", "step"),
    ("epoch", "epoch"),
    ("train/epoch", "epoch"),
    ("轮次", "epoch"),
    ("轮数", "epoch"),
    ("轮", "epoch"),
)
_COUNTER_NAMES = {name for name, _ in COUNTERS}
_BOOKKEEPING = re.compile(
    r"^(?:_runtime|_timestamp|timestamp|time|wall_?time|wall time|relative time.*|date|datetime"
    r"|created_at|run|run_id|name|state|tags?|notes|layer|phase|blob|seed|memory|max_mem"
    r"|eta|eta_seconds)$"
    # data_time (mmengine, detectron2), eval/runtime, train_samples_per_second, total_flos (HF)
    r"|(?:^|_|/)(?:runtime|time|per_second|flos)$",
    re.IGNORECASE,
)


def is_bookkeeping(name: str) -> bool:
    """Whether a column or tag is bookkeeping (times, rates, memory, names), not a metric."""
    return bool(_BOOKKEEPING.search(name.strip()))


# Per-layer columns: what a user calls them -> (blob, phase), or None for the zero share.
LAYER_COLUMNS: dict[str, tuple[str, str] | None] = {
    "grad_norm": ("weight", PARAM_DIFF),
    "gradient_norm": ("weight", PARAM_DIFF),
    "weight_grad_norm": ("weight", PARAM_DIFF),
    "grad": ("weight", PARAM_DIFF),
    "weight_norm": ("weight", PARAM_DATA),
    "param_norm": ("weight", PARAM_DATA),
    "weight": ("weight", PARAM_DATA),
    "act_norm": ("output", FORWARD_DATA),
    "activation_norm": ("output", FORWARD_DATA),
    "output_norm": ("output", FORWARD_DATA),
    "activation": ("output", FORWARD_DATA),
    "act_mean_abs": ("output", FORWARD_DATA),
    "activation_mean_abs": ("output", FORWARD_DATA),
    "output_mean_abs": ("output", FORWARD_DATA),
    "input_grad_norm": ("input", BACKWARD_DIFF),
    "grad_input_norm": ("input", BACKWARD_DIFF),
    "zero_fraction": None,
    "zero_frac": None,
    "dead_fraction": None,
    "frac_zero": None,
    "sparsity": None,
}


class RowSink:
    """Feeds rows into one RunBuilder, remembering how each column maps."""

    def __init__(self, runs: RunBuilder) -> None:
        self.runs = runs
        self._names: dict[str, str | None] = {}  # column -> series name, None to skip
        self._taken: set[str] = set()
        self._position: tuple[float, str] | None = None
        self._rows = 0
        self._recorder: LayerRecorder | None = None
        self._layers_of: RunData | None = None  # the run whose LayerStats it fills

    def row(self, cells: Mapping[str, object], line: int = 0) -> None:
        self._rows += 1
        lowered = {str(k).strip().lower(): v for k, v in cells.items()}
        step, unit = self._where(lowered)
        layer = lowered.get("layer")
        if isinstance(layer, str) and layer.strip():
            self._layer_row(layer.strip(), lowered, step, line)
            return
        for column, cell in cells.items():
            name = self._name(column)
            if name is None:
                continue
            value = cell_to_float(cell)
            if value is not None:
                self.runs.point(name, step, value, line, unit)

    def _where(self, lowered: Mapping[str, object]) -> tuple[float, str]:
        for column, unit in COUNTERS:
            value = cell_to_float(lowered.get(column))
            if value is not None:
                self._position = (value, unit)
                return self._position
        if self._position is not None:
            return self._position
        return float(self._rows), "step"

    def _name(self, column: str) -> str | None:
        if column in self._names:
            return self._names[column]
        low = column.strip().lower()
        name: str | None = None
        if low and low not in _COUNTER_NAMES and not is_bookkeeping(low):
            name = canonical(column)
            if name in self._taken:  # two columns for one canonical name: keep the first
                name = low
            self._taken.add(name)
        self._names[column] = name
        return name

    def _layer_row(self, layer: str, cells: Mapping[str, object], step: float, line: int) -> None:
        run = self.runs.run
        if self._recorder is None or self._layers_of is not run:
            self._recorder, self._layers_of = LayerRecorder(run.layers), run
        for key, cell in cells.items():
            if key not in LAYER_COLUMNS:
                continue
            value = cell_to_float(cell)
            if value is None:
                continue
            target = LAYER_COLUMNS[key]
            if target is None:
                self._recorder.zero_fraction(layer, step, value, line)
            else:
                self._recorder.norm(layer, target[0], target[1], step, value, line)
