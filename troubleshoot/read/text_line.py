"""What one line of free-form training output says: its counters and its metrics.

Training scripts print in endless styles, but nearly all of them are ``name: value``,
``name=value`` or ``name value`` pairs plus a position: Keras
(``Epoch 3/10`` then ``469/469 [====] - 3s - loss: 0.12 - val_loss: 0.2``), the PyTorch
tutorials (``[1,  2000] loss: 2.303``, ``Epoch [1/5], Step [100/600], Loss: 0.22``,
``Train Epoch: 1 [0/60000 (0%)]  Loss: 2.30``), tqdm/Lightning bars
(``Epoch 0:  45%|####| 423/938 [00:05<00:06, loss=0.234]``), Hugging Face dicts
(``{'loss': 0.5, 'learning_rate': 5e-05, 'epoch': 0.1}``, or with the numbers quoted as
recent releases print them) and plain
``epoch 3 step 100 loss 0.123``. Parenthesised asides (``(Avg 0.55)``) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from troubleshoot.lang import HAN
from troubleshoot.read.names import SPLITS, ZH_BASES, ZH_SPLITS
from troubleshoot.read.values import to_float

_VALUE = (
    r"[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?"
    r"|1\.#[A-Za-z]+\d*|(?:nan(?:\(ind\))?|NaN|NAN|inf(?:inity)?|Inf(?:inity)?|INF)(?![A-Za-z]))"
)  # a word that goes on is no number: "INFO" is not inf (digits may: "44.41Batch 3")
# Recent Hugging Face releases print every float as a string: {'loss': '0.6413'}.
# A split word before a key keeps it: "Val Loss: 0.61, Val Acc: 0.52" is validation.
_SPLIT_WORD = "|".join(sorted(SPLITS, key=len, reverse=True))
_KEY = rf"(?:(?i:{_SPLIT_WORD})\s+)?[A-Za-z][\w./@-]*?"
_AFTER_KEY = r"['\"]?\s*([:=：＝]\s*|为\s*[:：]?\s*|\s+)['\"]?(" + _VALUE + r")(?![\d.]|\s*/\s*\d)"
_PAIR = re.compile(rf"(?<![\w.])['\"]?({_KEY})" + _AFTER_KEY)
# Text that is not all ASCII may hold Chinese names, which run from the last character that
# is not Chinese (or a counter's last word: 第1轮训练损失) to a base word (names.ZH_BASES),
# with its split word, however spaced (验证 损失). A quarter slower, so only for such text.
_ZH_KEY = rf"(?:(?:{'|'.join(ZH_SPLITS)})\s*)?[{HAN}]*?(?:{'|'.join(ZH_BASES)})值?"
_PAIR_ZH = re.compile(
    rf"(?:(?<![\w.])['\"]?|(?<![{HAN}])(?:轮|步|批|次迭代|次)?)({_KEY}|{_ZH_KEY})" + _AFTER_KEY
)
_COUNTER = re.compile(
    r"(?i)(?<![\w.])(epoch|global[_ ]step|step|iteration|iter|it|batch)s?\b['\"]?\s*[:=#]?\s*"
    r"['\"]?\[?\s*(\d+(?:\.\d+)?)(?:\s*/\s*(\d+))?\]?"
)
# Counters in Chinese: 第3轮 (epoch 3), 第 100 步, 第 5 次迭代, 第2/10轮, 第 3 个 epoch,
# 轮次: 3, 迭代 100.
_ZH_COUNTERS = {
    **{"轮": "epoch", "轮次": "epoch", "轮数": "epoch", "个epoch": "epoch"},
    **{"步": "step", "步数": "step"},
    **{"次迭代": "iteration", "迭代": "iteration", "迭代次数": "iteration"},
    **{"批": "batch", "批次": "batch"},
}
_ZH_COUNTER = re.compile(
    r"第\s*(\d+)\s*(?:/\s*(\d+)\s*)?(轮|步|次迭代|批|个\s*(?i:epoch))"
    r"|(轮次|轮数|步数|迭代次数|迭代|批次)\s*[:：=]?\s*(\d+)(?:\s*/\s*(\d+))?"
)
_BRACKET_PAIR = re.compile(r"\[\s*(\d+)\s*,\s*(\d+)\s*\]")  # [epoch, batch]
_BRACKET_EPOCH_BATCH = re.compile(r"\[(\d+)\]\s*\[(\d+)\s*/\s*(\d+)\]")  # [epoch][batch/total]
_FRACTION = re.compile(r"(?<![\w./:])(\d+)\s*/\s*(\d+)(?![\w./:])")
_KERAS_PROGRESS = re.compile(r"^\s*(\d+)/(\d+) (?:\[|━|-)")
_KERAS_EPOCH = re.compile(r"^\s*Epoch (\d+)/(\d+)\s*$")
_ASIDE = re.compile(r"\([^()]*\)")
_SEGMENTS = re.compile(r"[\r\b]+")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # terminal colours (Keras 3 bars use them)
_FIRST_WORD = re.compile(r"\W*([A-Za-z]+|" + "|".join(ZH_SPLITS) + ")")

COUNTERS = {"epoch", "step", "iteration", "iter", "it", "batch", "global_step", "global step"}
# Keys that are bookkeeping, not metrics.
_NOT_METRICS = re.compile(
    r"(?i)^(?:epochs?|steps?|iterations?|iters?|it|batch(?:es)?|global[_ ]step|eta|v_num"
    r"|total|samples?|examples?|seed|workers?|gpus?|rank|version|s|ms|sec|secs|h|m|it/s|s/it"
    r"|line|lineno"
    r"|speed|throughput|(?:max_)?mem(?:ory)?(?:_\w+)?)$|(?:^|_)(?:time|runtime)$|per_second$"
)
_METRIC_HINT = re.compile(
    r"(?i)loss|acc|kl|perplexity|ppl|dice|iou|error|err\b|" + "|".join(ZH_BASES)
)


@dataclass
class Parsed:
    """One progress update: where it is (any counter found) and the metrics it reports."""

    epoch: float | None = None
    batch: float | None = None
    batches: float | None = None  # batches (or samples) per epoch, if printed
    step: float | None = None  # a global step or iteration counter
    step_unit: str = "step"
    split: str | None = None  # train/val/test, when the line names one up front
    metrics: list[tuple[str, float]] = field(default_factory=list)
    # Keys printed as ``key: value`` or ``key=value``, as programs print; prose says "loss 2".
    labelled: set[str] = field(default_factory=set)
    keras: bool = False  # a Keras progress bar
    # Hugging Face Trainer's closing summary (it holds ``train_runtime``): its ``train_loss``
    # is the mean over the whole run, not the loss at the end, so names stay as written.
    summary: bool = False

    @property
    def placed(self) -> bool:
        """The line says where in training it is: an epoch, batch, step or iteration."""
        return self.keras or any(c is not None for c in (self.epoch, self.batch, self.step))


def segments(line: str) -> list[str]:
    """A line may hold several progress-bar updates separated by \\r or backspaces."""
    return [s for s in _SEGMENTS.split(_ANSI.sub("", line)) if s.strip()]


def keras_epoch(text: str) -> tuple[int, int] | None:
    """``Epoch 3/10`` on its own line: Keras announcing an epoch."""
    m = _KERAS_EPOCH.match(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def parse(text: str) -> Parsed | None:
    """The counters and metrics of one segment; None if it reports no metric."""
    if not _METRIC_HINT.search(text):
        return None
    parsed = Parsed(split=_leading_split(text))
    body = _ASIDE.sub(" ", text)
    progress = _KERAS_PROGRESS.match(body)
    if progress:
        parsed.keras = True
        parsed.batch, parsed.batches = float(progress.group(1)), float(progress.group(2))
        body = body[progress.end() :]
    _counters(body, parsed)
    pairs = (_PAIR if body.isascii() else _PAIR_ZH).findall(body)
    parsed.summary = any(key == "train_runtime" for key, _, _ in pairs)
    for key, separator, raw in pairs:
        low = key.lower()
        bare = low.split()[-1]  # without the split word: "Train Epoch" is a counter
        value = to_float(raw)
        if value is None or bare in COUNTERS or _NOT_METRICS.search(bare):
            continue
        parsed.metrics.append((key, value))
        if separator.strip():
            parsed.labelled.add(key)
    return parsed if any(_METRIC_HINT.search(k) for k, _ in parsed.metrics) else None


def _counters(body: str, parsed: Parsed) -> None:
    both = _BRACKET_EPOCH_BATCH.search(body) or _BRACKET_PAIR.search(body)
    if both:
        parsed.epoch, parsed.batch = float(both.group(1)), float(both.group(2))
        if both.re is _BRACKET_EPOCH_BATCH:
            parsed.batches = float(both.group(3))
    taken: list[tuple[int, int]] = []
    for m in _COUNTER.finditer(body):
        taken.append(m.span())
        _count(parsed, m.group(1).lower(), float(m.group(2)), m.group(3))
    for m in () if body.isascii() else _ZH_COUNTER.finditer(body):
        taken.append(m.span())
        value, total, word = m.group(1, 2, 3) if m.group(1) else m.group(5, 6, 4)
        kind = _ZH_COUNTERS["".join(word.split()).lower()]
        if kind == "step" and parsed.epoch is not None:
            kind = "batch"  # 第2轮，第100步: the step within the epoch, as [2, 100] is
        _count(parsed, kind, float(value), total)
    if parsed.epoch is not None and parsed.batch is None:
        for fraction in _FRACTION.finditer(body):
            if not any(a <= fraction.start() < b for a, b in taken):
                parsed.batch, parsed.batches = float(fraction.group(1)), float(fraction.group(2))
                break


def _count(parsed: Parsed, word: str, value: float, total: str | None) -> None:
    """A counter found: an epoch, a position within the epoch, or a step; the first of
    each kind in the line wins."""
    if word == "epoch":
        parsed.epoch = value if parsed.epoch is None else parsed.epoch
    elif total is not None or word == "batch":  # a position within the epoch
        if parsed.batch is None:
            parsed.batch, parsed.batches = value, float(total) if total else None
    elif parsed.step is None:
        parsed.step = value
        parsed.step_unit = "iteration" if word.startswith("iter") else "step"


def _leading_split(text: str) -> str | None:
    first = _FIRST_WORD.match(text)
    if first is None:
        return None
    return SPLITS.get(first.group(1).lower()) or ZH_SPLITS.get(first.group(1))
