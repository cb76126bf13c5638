"""Series names as files write them, mapped onto the canonical names detectors look for.

Spellings differ by tool (``val_loss``, ``loss/val``, ``Loss/validation``, ``epoch_loss``
under a ``validation/`` folder, ``eval_loss``); detectors should not have to know them.
Anything that is not a loss, accuracy, learning rate or KL term keeps its own name,
lower-cased.
"""

from __future__ import annotations

import re

from troubleshoot.read.model import (
    KL,
    LEARNING_RATE,
    TEST_ACC,
    TEST_LOSS,
    TRAIN_ACC,
    TRAIN_LOSS,
    VAL_ACC,
    VAL_LOSS,
)

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
    "total_loss": "loss",  # detectron2's sum of its loss terms
}
# Scripts written in Chinese print Chinese names: 损失, 验证损失, 验证集上的平均准确率, 学习率,
# 损失值: a split word first or not, 集 ("set"), 上的 ("on the"), 平均 ("mean") or 总
# ("total") before the base word, 值 ("value") after it. 精度 here is accuracy, as Chinese
# tutorials use it. Another word before the base (分类损失, a classification loss) makes
# another series, kept under its own name.
ZH_SPLITS = {"训练": "train", "验证": "val", "测试": "test"}
ZH_BASES = {
    **{"损失": "loss", "准确率": "acc", "正确率": "acc", "准确度": "acc", "精度": "acc"},
    "学习率": "lr",
}
_ZH_NAME = re.compile(
    rf"({'|'.join(ZH_SPLITS)})?\s*集?(?:上的)?(?:平均|总)?({'|'.join(ZH_BASES)})值?"
)
_LR = re.compile(r"(lr|learning_rate|learning-rate|learningrate)([-_/].*)?")
_KL = re.compile(r"kl|kld|kl_loss|kl_div|kl_divergence|kldiv|kl-loss|kl-divergence")
_SEP = re.compile(r"[/._ -]")
# Keras prefixes its TensorBoard tags with the logging period; Lightning suffixes step-level
# values of metrics that are also logged per epoch.
_PERIOD_PREFIX = ("epoch_", "batch_")
_STEP_SUFFIX = "_step"
KNOWN = {TRAIN_LOSS, VAL_LOSS, TEST_LOSS, TRAIN_ACC, VAL_ACC, TEST_ACC, LEARNING_RATE, KL}
# Words a metric's name is made of when it is one (nll_loss, trainLoss, top1_err, val_dice).
METRIC_WORDS = {
    *("loss", "acc", "accuracy", "kl", "kld", "perplexity", "ppl", "dice", "iou"),
    *("error", "err", "lr"),
}
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_ENDINGS = ("loss", "acc", "accuracy")  # trainloss, valacc


def canonical(name: str, split: str | None = "train") -> str:
    """The canonical name for ``name``; ``split`` is assumed when the name gives none.

    >>> canonical("val_loss"), canonical("Loss/train"), canonical("accuracy")
    ('val/loss', 'train/loss', 'train/acc')
    >>> canonical("验证集准确率"), canonical("损失")
    ('val/acc', 'train/loss')
    """
    low = name.strip().lower()
    chinese = _ZH_NAME.fullmatch(low)
    if chinese:
        split_word, base = chinese.groups()
        if ZH_BASES[base] == "lr":
            return LEARNING_RATE
        split = ZH_SPLITS[split_word] if split_word else split
        return f"{split}/{ZH_BASES[base]}" if split else low
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


def is_metric_name(name: str) -> bool:
    """Whether ``name`` is what a training log calls a metric: a loss, accuracy, learning
    rate or KL in a spelling ``canonical`` knows, or a name built from such a word. Random
    text has numbers after all sorts of words; a log has them after these."""
    if canonical(name) in KNOWN or any(base in name for base in ZH_BASES):
        return True
    words = [word.lower() for word in _WORDS.findall(name)]
    return any(word in METRIC_WORDS or word.endswith(_ENDINGS) for word in words)


def split_of(folder: str) -> str | None:
    """The split a folder name stands for (``validation`` -> ``val``), if any."""
    return SPLITS.get(folder.strip().lower())
