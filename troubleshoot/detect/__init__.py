"""Detect symptoms in what readers found: metric curves, log events, per-layer statistics.

``detect(run)`` returns facts with evidence (series, step, value, file and line) for the
engine; docs/detection.md lists every rule and threshold.

The detectors pull in numpy, so ``detect`` is imported on first use: ``kb show`` fills
threshold placeholders from ``troubleshoot.detect.threshold_text`` without paying for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from troubleshoot.detect.run import Detection, detect
    from troubleshoot.detect.thresholds import DEFAULT, Thresholds

__all__ = ["DEFAULT", "Detection", "Thresholds", "detect"]
_HOME = {"DEFAULT": "thresholds", "Detection": "run", "Thresholds": "thresholds", "detect": "run"}


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
