"""What every reader produces and every detector consumes.

Readers stream their input and keep only these compact structures: series as growing
arrays of floats, error events, and per-layer statistics, so memory stays bounded by the
number of logged points rather than by the size of the file.
"""

from __future__ import annotations

import errno
from array import array
from dataclasses import dataclass, field

from troubleshoot.facts import Phrase, PhrasedError

# Canonical series names. Readers map what a file calls a series ("loss", "train_loss",
# "Train net output #0: loss", "val_loss", "Test net output #1: loss", "lr", ...) onto these
# where they can, and keep any other series under its own (lower-cased) name.
TRAIN_LOSS = "train/loss"
VAL_LOSS = "val/loss"
TRAIN_ACC = "train/acc"
VAL_ACC = "val/acc"
TEST_LOSS = "test/loss"
TEST_ACC = "test/acc"
LEARNING_RATE = "lr"
KL = "kl"
# Kept under its own name, the whole model's gradient norm as Hugging Face's Trainer logs it.
GRAD_NORM = "grad_norm"


@dataclass
class Series:
    """One metric over steps (or epochs, if the file has no steps: ``unit`` says which)."""

    name: str
    unit: str = "step"  # "step", "iteration" or "epoch"
    steps: array = field(default_factory=lambda: array("d"))
    values: array = field(default_factory=lambda: array("d"))
    # Source line per point, 0 if none. Four bytes ("I") each: a 1 GB log holds millions of
    # points, and no log has 4 billion lines.
    lines: array = field(default_factory=lambda: array("I"))

    def append(self, step: float, value: float, line: int = 0) -> None:
        self.steps.append(step)
        self.values.append(value)
        self.lines.append(line)

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class LogEvent:
    """A recognised error or signature in text output, tied to its line."""

    kind: str  # the id of the signature in kb/errors/, or "error-unrecognised"
    line: int
    text: str
    symptoms: tuple[str, ...] = ()  # the symptom ids it establishes
    context: tuple[tuple[str, str | int | float | bool], ...] = ()  # the context it reveals


@dataclass
class LayerStats:
    """Per-layer statistics (Caffe ``debug_info`` or a user's own per-layer CSV/JSONL).

    ``norms[(layer, blob, phase)]`` is a series of the blob's norm over iterations, where
    phase is "forward-data", "backward-diff", "param-data" or "param-diff". Readers may
    keep only a bounded window per key; ``zero_fraction`` holds a user-logged share of zero
    activations per layer when a file has it.
    """

    norms: dict[tuple[str, str, str], Series] = field(default_factory=dict)
    zero_fraction: dict[str, Series] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # layers in forward order, as first seen

    def series(self, layer: str, blob: str, phase: str) -> Series:
        key = (layer, blob, phase)
        if key not in self.norms:
            self.norms[key] = Series(name=f"{layer}/{blob}/{phase}", unit="iteration")
            if layer not in self.order:
                self.order.append(layer)
        return self.norms[key]


@dataclass(frozen=True)
class ClassHint:
    """A class count the run's own output states: a printed setting (``num_classes=10``) or
    the width of the last layer of a printed model. Used only where nobody stated the count
    and the run is known to classify."""

    n: int
    line: int
    key: str  # the setting's name, or the layer's name for a width
    setting: bool  # a stated setting rather than a layer's width
    kind: str = ""  # the layer type of a width ("Linear", "Dense")
    source: str = ""  # the file it sits in, when not the run's own (Lightning's hparams.yaml)


@dataclass
class RunData:
    """Everything read from one run: one file, one run folder, or one run of several in a file."""

    source: str  # the path it came from (plus "#run-N" when a file holds several runs)
    format: str  # e.g. "caffe-glog", "keras-csv", "lightning-csv", "tensorboard", "text"
    series: dict[str, Series] = field(default_factory=dict)
    events: list[LogEvent] = field(default_factory=list)
    layers: LayerStats = field(default_factory=LayerStats)
    context: dict[str, str | int | float | bool] = field(default_factory=dict)
    # Where the run states a context value: its line (0 if not counted) and the name of the
    # definition it sits in (a Caffe net's class count: the last InnerProduct's name).
    context_at: dict[str, tuple[int, str]] = field(default_factory=dict)
    class_hint: ClassHint | None = None
    warnings: list[Phrase] = field(default_factory=list)

    def get(self, name: str, unit: str = "step") -> Series:
        if name not in self.series:
            self.series[name] = Series(name=name, unit=unit)
        return self.series[name]


class UnreadableInput(PhrasedError):
    """The input is not something troubleshoot can read; its phrases (``e_*`` keys of
    ``render/i18n.py``) say what it is."""


def os_problem(exc: OSError) -> Phrase | str:
    """Why the system refused a file, as a phrase for the usual reasons (``os_*`` keys),
    else in the system's own words."""
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return Phrase("os_denied")
    if isinstance(exc, IsADirectoryError):
        return Phrase("os_is_folder")
    if isinstance(exc, FileNotFoundError):
        return Phrase("os_missing")
    if exc.errno == errno.ENOSPC:
        return Phrase("os_no_space")
    return exc.strerror or str(exc)
