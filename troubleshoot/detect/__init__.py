"""Detect symptoms in what readers found: metric curves, log events, per-layer statistics.

``detect(run)`` returns facts with evidence (series, step, value, file and line) for the
engine; docs/detection.md lists every rule and threshold.
"""

from troubleshoot.detect.run import Detection, detect
from troubleshoot.detect.thresholds import DEFAULT, Thresholds

__all__ = ["DEFAULT", "Detection", "Thresholds", "detect"]
