"""Series names as files write them, mapped onto the canonical names detectors look for.

Spellings differ by tool (``val_loss``, ``loss/val``, ``Loss/validation``, ``epoch_loss``
under a ``validation/`` folder, ``eval_loss``); detectors should not have to know them.
Anything that is not a loss, accuracy, learning rate or KL term keeps its own name,
lower-cased.
"""

from __future__ import annotations

import re

from troubleshoot.read.model import KL, LEARNING_RATE

SPLITS = {
    "train": "train",
    "training": "train",
    "trn": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "eval": "val",
    "dev": "val",
    "test": "test",
    "testing": "test",
}
BASES = {
    "loss": "loss",
    "acc": "acc",
    "accuracy": "acc",
    "top1": "acc",
    "acc1": "acc",
    "acc@1": "acc",
    "top1_acc": "acc",
    "top1_accuracy": "acc",
}
_LR = re.compile(r"(lr|learning_rate|learning-rate|learningrate)([-_/].*)?")
_KL = re.compile(r"kl|kld|kl_loss|kl_div|kl_divergence|kldiv|kl-loss|kl-divergence")
_SEP = re.compile(r"[/._ -]")
# Keras prefixes its TensorBoard tags with the logging period; Lightning suffixes step-level
# values of metrics that are also logged per epoch.
_PERIOD_PREFIX = ("epoch_", "batch_")
_STEP_SUFFIX = "_step"


def canonical(name: str, split: str | None = "train") -> str:
    """The canonical name for ``name``; ``split`` is assumed when the name gives none.

    >>> canonical("val_loss"), canonical("Loss/train"), canonical("accuracy")
    ('val/loss', 'train/loss', 'train/acc')
    """
    low = name.strip().lower()
    bare = low.removeprefix("epoch_")
    if _LR.fullmatch(bare):
        return LEARNING_RATE
    if _KL.fullmatch(bare):
        return KL
    core = low.removesuffix(_STEP_SUFFIX) if low.endswith("loss" + _STEP_SUFFIX) else low
    for prefix in _PERIOD_PREFIX:
        if core.startswith(prefix) and core[len(prefix) :] in BASES:
            core = core[len(prefix) :]
    if core in BASES:
        return f"{split}/{BASES[core]}" if split else low
    for cut in _SEP.finditer(core):
        head, tail = core[: cut.start()], core[cut.end() :]
        for split_word, base in ((head, tail), (tail, head)):
            if split_word not in SPLITS:
                continue
            base = base.removeprefix("epoch_")
            if base in BASES:
                return f"{SPLITS[split_word]}/{BASES[base]}"
            if _LR.fullmatch(base):
                return LEARNING_RATE
            if _KL.fullmatch(base):
                return KL
    return low


def split_of(folder: str) -> str | None:
    """The split a folder name stands for (``validation`` -> ``val``), if any."""
    return SPLITS.get(folder.strip().lower())
