"""Class counts a run's own output states: printed settings and the width of the last layer.

Training scripts often print their configuration (``num_classes=10``, an argparse
``Namespace(..., num_classes=10)``, a dict ``{'num_labels': 2}``, ``--num-classes 100``) and
their model: PyTorch's repr ends a classifier in ``Linear(..., out_features=10)``, a Keras
``model.summary()`` table in a Dense layer whose output shape is ``(None, 10)``. A setting is
a statement; a layer's width is the class count only for a run known to classify, which the
detectors decide. Of several model prints the first is taken, and in it the last such
layer: a log that prints a classifier head and then its backbone or a generator (continual
learning) must not take the backbone's width. Lines inside a Python traceback are skipped
by the reader, and so are lines typed at a Python prompt (``>>> num_classes = 4``): they are
source code, not the run's settings.
"""

from __future__ import annotations

import re
from pathlib import Path

from troubleshoot.read.model import ClassHint

# A class-count key on its own (not num_classes_per_batch, max_num_classes), quoted or not,
# then =, : or a space, then a whole number.
_SETTING = re.compile(
    r"(?<![\w-])(?:--)?['\"]?(?P<key>(?:num|n|nb)[_-](?:classes|class|labels))['\"]?"
    r"\s*(?:=|:|\s)\s*(?P<n>\d+)(?![\w.])",
    re.IGNORECASE,
)
# PyTorch: "  (fc2): Linear(in_features=128, out_features=10, bias=True)".
_LINEAR = re.compile(r"^\s+\((?P<name>[\w.]+)\): Linear\(in_features=\d+, out_features=(?P<n>\d+)")
# Keras 2 and 3 summaries: "dense_1 (Dense)   (None, 10)   650", Keras 3 inside box bars.
_DENSE = re.compile(r"(?P<name>[\w.]+) \(Dense\)\s*[│|]?\s*\(None, (?P<n>\d+)\)")
_TYPED = (">>> ", "... ")  # code typed at a Python prompt, not a setting the run printed
HPARAMS = "hparams.yaml"  # Lightning's loggers save the hyper-parameters beside metrics.csv


def setting(number: int, line: str) -> ClassHint | None:
    """A class count stated as a setting on this line."""
    m = _SETTING.search(line)
    if m is None:
        return None
    return ClassHint(int(m["n"]), number, m["key"].replace("-", "_"), setting=True)


class ClassHints:
    """Follows the lines of one text; hands out each setting, and each model's last output
    layer once its print ends (a line opening with ``)`` or Keras's "Total params")."""

    def __init__(self) -> None:
        self.pending: ClassHint | None = None

    def line(self, number: int, line: str) -> ClassHint | None:
        if line.startswith(_TYPED):
            return None
        for pattern, kind in ((_LINEAR, "Linear"), (_DENSE, "Dense")):
            m = pattern.search(line) if kind in line else None
            if m:
                self.pending = ClassHint(int(m["n"]), number, m["name"], False, kind)
                return None
        if self.pending is not None and (line.startswith(")") or "Total params" in line):
            return self.finish()
        lowered = line.lower()  # most lines name no class count: skip the pattern for them
        return setting(number, line) if "class" in lowered or "label" in lowered else None

    def finish(self) -> ClassHint | None:
        """The model print still open at the end of the text, if any."""
        done, self.pending = self.pending, None
        return done


def better(old: ClassHint | None, new: ClassHint | None) -> ClassHint | None:
    """A setting over a width; otherwise the first one seen."""
    if new is None or (old is not None and (old.setting or not new.setting)):
        return old
    return new


def hparams_hint(folder: Path) -> ClassHint | None:
    """The class count in the ``hparams.yaml`` a Lightning logger wrote beside its metrics."""
    path = folder / HPARAMS
    if not path.is_file():
        return None
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        found = setting(number, line)
        if found is not None:
            return ClassHint(found.n, number, found.key, True, source=str(path))
    return None
