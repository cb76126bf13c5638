"""Rows of OpenMMLab's JSON logs (mmdetection, mmpretrain, mmsegmentation, ...), put on one
training axis before they reach the row reader.

Two generations write one JSON object per line:

- mmengine's ``vis_data/scalars.json``: training rows carry ``step`` (the global iteration,
  ``runner.iter + 1``) next to ``epoch`` and ``iter``; evaluation rows carry only the metrics,
  ``data_time``, ``time`` and a ``step`` that counts epochs (``runner.epoch``) when
  validation runs by epoch, so it is no position on the training axis.
- mmcv 1.x's ``*.log.json``: an ``env_info``/``config`` header row, then rows with
  ``mode`` (``train`` or ``val``), ``epoch`` and ``iter``, the iteration within the epoch.

An evaluation row is placed where training stood when it ran (the row reader gives a row
without a counter the last position) and its metrics are named for the validation split
where the name is a known one (``loss`` there is ``val/loss``); other names (``coco/bbox_mAP``,
``accuracy/top1``) are kept as written.
"""

from __future__ import annotations

from collections.abc import Mapping

from troubleshoot.read.clock import EpochClock
from troubleshoot.read.names import KNOWN, canonical
from troubleshoot.read.values import cell_to_float

_MMENGINE_TRAIN = {"step", "iter", "data_time", "time"}
_EVAL_MODES = {"val": "val", "test": "test"}


class OpenMMLabRows:
    """Recognises the dialect from the rows and rewrites each row for the row reader."""

    def __init__(self) -> None:
        self.mmengine = False
        self.mmcv = False
        self.clock = EpochClock()

    def rewrite(self, row: Mapping[str, object]) -> Mapping[str, object] | None:
        """The row as the row reader should see it; None to skip it (mmcv's header)."""
        if "mode" in row and "epoch" in row:
            self.mmcv = True
            return self._mmcv(row)
        if self.mmcv:
            return None  # the env_info/config header, or other rows without a mode
        if not self.mmengine and row.keys() >= _MMENGINE_TRAIN:
            self.mmengine = True
        if self.mmengine and "iter" not in row:
            return _evaluation(row, "val", drop={"step", "epoch"})
        return row

    def _mmcv(self, row: Mapping[str, object]) -> Mapping[str, object]:
        mode = str(row.get("mode"))
        if mode in _EVAL_MODES:
            return _evaluation(row, _EVAL_MODES[mode], drop={"mode", "epoch", "iter"})
        epoch, inner = cell_to_float(row.get("epoch")), cell_to_float(row.get("iter"))
        cells = {k: v for k, v in row.items() if k not in {"mode", "epoch", "iter"}}
        if epoch is not None and inner is not None:
            cells["step"] = self.clock.step(epoch, inner, None)
        return cells


def _evaluation(row: Mapping[str, object], split: str, drop: set[str]) -> dict[str, object]:
    cells: dict[str, object] = {}
    for key, value in row.items():
        if key in drop:
            continue
        name = canonical(key, split)
        cells[name if name in KNOWN else key] = value
    return cells
