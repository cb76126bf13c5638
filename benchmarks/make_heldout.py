"""Train the held-out corpus: runs the detectors were never tuned on.

The development corpus (``make_corpus.py``) is one setting: a 10-class Gaussian mixture,
an MLP, 20 inputs. This script is a separate, broader configuration: other data (scikit-
learn's digits, synthetic images, sequences, tabular sets with 2 to 100 classes, balanced
or not, regression), other models (MLP, small CNN, LSTM, a small transformer), four
optimisers, batch sizes 1 to 512, and the files the real libraries write: Keras 3's
CSVLogger and progress output, PyTorch Lightning's CSVLogger and TensorBoard logger,
Hugging Face ``Trainer``'s ``trainer_state.json`` and printed dicts, plain PyTorch prints in
the styles people write, TensorBoard event files and JSONL.

Each run injects one of the articles' faults (or none) and is labelled by what its full
training record shows, not by what the fault was meant to do: ``oracle()`` reads every
step's loss and every evaluation (far more than the written log holds) and names the
symptoms present by the definitions in ``kb/symptoms/``. A faulty run whose fault did not
show is not written (the manifest's ``dropped`` says why); a run is healthy only when the
oracle finds nothing. The labels come from this file alone: nothing here calls the
product.

How it is kept apart: the detectors are developed against the development corpora only.
This corpus (the default ``--seed-base 130000``, ``benchmarks/heldout.tar.xz``) is read only
by ``benchmarks/detection.py`` to report, and only its figures are published. The same
generator with ``--seed-base 70000 --count 200`` makes the broad development draw
(``benchmarks/devbroad.tar.xz``): runs as broad as these, drawn apart from them, which may
be looked at and tuned on. A miss the held-out figures reveal is fixed, if at all, through
a run of that draw (or another development case) that shows the same thing. Once held-out
runs have been read one by one, the corpus is drawn anew with another ``--seed-base`` and
the old draw becomes development material: the first draw (``--seed-base 10000``), whose
runs earlier reports listed, is ``benchmarks/devformer.tar.xz``; ``--seed-base 190000 --count
200`` made a third development draw (``benchmarks/devthird.tar.xz``).

Needs (not the product's dependencies): ``pip install torch==2.13.0 keras lightning
tensorboard transformers accelerate scikit-learn``; then
``python benchmarks/make_heldout.py --out DIR [--seed-base N] [--shard i/n]`` (shards run
in parallel), then ``python benchmarks/make_heldout.py --out DIR --pack
benchmarks/heldout.tar.xz``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import shutil
import sys
import tarfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3 without TensorFlow
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
from sklearn.datasets import load_digits, make_classification, make_friedman1
from torch import nn

torch.set_num_threads(1)

# ---------------------------------------------------------------- data


@dataclass
class Task:
    name: str
    kind: str  # "image", "sequence", "tabular", "regression"
    x: np.ndarray
    y: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    classes: int  # 0 for regression
    shape: tuple[int, ...]  # one sample's shape

    @property
    def majority(self) -> float:
        if not self.classes:
            return 0.0
        return float(np.bincount(self.vy, minlength=self.classes).max() / len(self.vy))


def split(x: np.ndarray, y: np.ndarray, val: float, rng: np.random.Generator):
    order = rng.permutation(len(x))
    cut = int(len(x) * (1 - val))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def digits(seed: int, size: str) -> Task:
    d = load_digits()
    rng = np.random.default_rng(seed)
    x = (d.data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    x, y, vx, vy = split(x, d.target.astype(np.int64), 0.25, rng)
    if size == "small":
        x, y = x[:150], y[:150]
    return Task("digits", "image", x, y, vx, vy, 10, (1, 8, 8))


def shapes(seed: int, size: str, classes: int = 5) -> Task:
    """16x16 images: each class a bar at its own angle, with noise and jitter."""
    rng = np.random.default_rng(seed)
    n = 300 if size == "small" else 3000
    yy, xx = np.mgrid[0:16, 0:16] - 7.5

    def draw(label: int) -> np.ndarray:
        angle = math.pi * label / classes + rng.normal(0, 0.08)
        dist = np.abs(xx * math.sin(angle) - yy * math.cos(angle) + rng.normal(0, 1.0))
        return (np.exp(-(dist**2) / 2) + rng.normal(0, 0.3, (16, 16))).astype(np.float32)

    y = rng.integers(0, classes, n + 600)
    x = np.stack([draw(int(c)) for c in y])[:, None]
    return Task(f"shapes{classes}", "image", x[:n], y[:n], x[n:], y[n:], classes, (1, 16, 16))


def waves(seed: int, size: str, classes: int = 4) -> Task:
    """Sequences of 24 steps, 3 channels: the class sets the frequency of a noisy sine."""
    rng = np.random.default_rng(seed)
    n = 300 if size == "small" else 3000
    t = np.arange(24)
    y = rng.integers(0, classes, n + 600)
    phase = rng.uniform(0, 2 * math.pi, (len(y), 1))
    base = np.sin(0.25 * (1 + y[:, None]) * t[None] + phase)
    x = base[:, :, None] + rng.normal(0, 0.6, (len(y), 24, 3))
    x = x.astype(np.float32)
    return Task(f"waves{classes}", "sequence", x[:n], y[:n], x[n:], y[n:], classes, (24, 3))


def tabular(seed: int, size: str, classes: int, imbalanced: bool) -> Task:
    n = 400 if size == "small" else 5000
    if classes == 100:
        n = 1500 if size == "small" else 12000
    weights = None
    if imbalanced:
        raw = np.array([0.5**i for i in range(classes)])
        weights = list(raw / raw.sum())
    x, y = make_classification(
        n_samples=n + 1000,
        n_features=24,
        n_informative=12,
        n_redundant=4,
        n_classes=classes,
        n_clusters_per_class=1,
        weights=weights,
        class_sep=1.5,
        flip_y=0.01,
        random_state=seed,
    )
    x = x.astype(np.float32)
    name = f"tabular{classes}" + ("-imbalanced" if imbalanced else "")
    return Task(name, "tabular", x[:n], y[:n], x[n:], y[n:], classes, (24,))


def friedman(seed: int, size: str) -> Task:
    n = 300 if size == "small" else 4000
    x, y = make_friedman1(n_samples=n + 800, n_features=10, noise=0.5, random_state=seed)
    y = ((y - 14.0) / 5.0).astype(np.float32)[:, None]
    x = x.astype(np.float32)
    return Task("friedman", "regression", x[:n], y[:n], x[n:], y[n:], 0, (10,))


# ---------------------------------------------------------------- models


def make_model(kind: str, task: Task, act: str = "relu", depth: int = 2) -> nn.Module:
    out = task.classes or 1
    activation = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}[act]
    if kind == "mlp":
        width = 128
        layers: list[nn.Module] = [nn.Flatten()]
        size = int(np.prod(task.shape))
        for _ in range(depth):
            layers += [nn.Linear(size, width), activation()]
            size = width
        layers.append(nn.Linear(size, out))
        return nn.Sequential(*layers)
    if kind == "cnn":
        side = task.shape[-1]
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            activation(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            activation(),
            nn.Flatten(),
            nn.Linear(32 * (side // 2) ** 2, 64),
            activation(),
            nn.Linear(64, out),
        )
    if kind == "lstm":
        return Recurrent(task.shape[-1], out)
    if kind == "transformer":
        return TinyTransformer(task.shape[-1], out)
    raise ValueError(kind)


class Recurrent(nn.Module):
    def __init__(self, channels: int, out: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(channels, 48, batch_first=True)
        self.head = nn.Linear(48, out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(x)
        return self.head(h[:, -1])


class TinyTransformer(nn.Module):
    def __init__(self, channels: int, out: int) -> None:
        super().__init__()
        self.embed = nn.Linear(channels, 32)
        self.pos = nn.Parameter(torch.zeros(1, 64, 32))
        layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(32, out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x) + self.pos[:, : x.shape[1]]
        return self.head(self.encoder(h).mean(1))


# ---------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    name: str
    shows: frozenset[str]  # the oracle must find at least one of these to keep the run
    lessons: tuple[str, ...]  # the lessons that explain it
    note: str


FAULTS = {
    f.name: f
    for f in [
        Fault("healthy", frozenset(), (), "no fault"),
        Fault(
            "lr-huge",
            frozenset({"loss-diverging", "loss-nan", "loss-flat-from-start", "loss-oscillating"}),
            ("lr-too-large", "nan-exploding-gradient"),
            "learning rate 100 to 1000 times the working one",
        ),
        Fault(
            "sgd-crawl",
            frozenset({"loss-slow-decrease", "loss-flat-from-start"}),
            ("sgd-momentum",),
            "plain SGD without momentum at a learning rate 100 times too small",
        ),
        Fault(
            "zero-init",
            frozenset({"loss-flat-from-start", "acc-at-chance"}),
            ("zero-init",),
            "every weight and bias initialised to zero",
        ),
        Fault(
            "random-labels",
            frozenset({"acc-at-chance", "val-far-below-train", "loss-flat-from-start"}),
            ("verify-labels",),
            "training labels shuffled against their samples",
        ),
        Fault(
            "nan-sample",
            frozenset({"loss-nan"}),
            ("nan-bad-input",),
            "one training sample holds NaN",
        ),
        Fault(
            "log-no-eps",
            frozenset({"loss-nan"}),
            ("nan-log-epsilon", "nan-faulty-loss"),
            "cross-entropy written as -log(softmax(z)[y]) with no epsilon, at a high rate",
        ),
        Fault(
            "target-scale",
            frozenset({"loss-huge-initial", "loss-nan"}),
            ("regression-target-scale",),
            "regression targets in raw units, 1000 times the normalised ones",
        ),
        Fault(
            "deep-sigmoid",
            frozenset({"loss-flat-from-start", "loss-slow-decrease", "acc-at-chance"}),
            ("sigmoid-vanishing-gradient",),
            "eight sigmoid layers trained with plain SGD",
        ),
        Fault(
            "dead-bias",
            frozenset({"loss-flat-from-start", "acc-at-chance"}),
            ("dead-relu",),
            "hidden biases initialised to -10: every ReLU outputs zero",
        ),
        Fault(
            "overfit",
            frozenset({"overfitting", "val-acc-up-val-loss-up"}),
            ("overfitting-toolbox", "confidence-vs-accuracy", "plateau-lr-drop"),
            "a small training set, a wide model and many epochs",
        ),
        Fault(
            "sorted-no-shuffle",
            frozenset({"loss-oscillating", "loss-spikes"}),
            ("shuffle-each-epoch", "mixed-label-batches"),
            "training data sorted by label and never shuffled",
        ),
        Fault(
            "relu-on-logits",
            frozenset({"loss-flat-from-start", "loss-slow-decrease", "acc-at-chance"}),
            ("no-activation-on-logits",),
            "a ReLU after the last layer, in front of the softmax loss",
        ),
        Fault(
            "bn-batch-of-one",
            frozenset({"error-bn-single-sample"}),
            ("bn-small-batch",),
            "BatchNorm in the model and a last batch of one sample: PyTorch raises",
        ),
        Fault(
            "labels-from-one",
            frozenset({"error-label-out-of-range"}),
            ("labels-start-at-zero",),
            "labels numbered 1..K for K outputs: PyTorch raises",
        ),
    ]
}


# ---------------------------------------------------------------- one run's setting


@dataclass
class Setting:
    run: str
    seed: int
    task: str
    size: str
    model: str
    optimizer: str
    lr: float
    batch: int
    epochs: int
    fault: str
    library: str  # "torch", "keras", "lightning", "hf"
    fmt: str
    log_every: int  # steps between training-loss records; 0 = once per epoch
    act: str = "relu"
    depth: int = 2


def build_task(s: Setting) -> Task:
    name = s.task
    if name == "digits":
        return digits(s.seed, s.size)
    if name.startswith("shapes"):
        return shapes(s.seed, s.size, int(name[6:]))
    if name.startswith("waves"):
        return waves(s.seed, s.size, int(name[5:]))
    if name.startswith("tabular"):
        classes = int(name[7:].split("-")[0])
        return tabular(s.seed, s.size, classes, name.endswith("imbalanced"))
    if name == "friedman":
        return friedman(s.seed, s.size)
    raise ValueError(name)


def apply_data_fault(s: Setting, task: Task) -> Task:
    rng = np.random.default_rng(s.seed + 7)
    if s.fault == "random-labels":
        task.y = rng.permutation(task.y)
    elif s.fault == "nan-sample":
        task.x = task.x.copy()
        task.x[int(rng.integers(len(task.x) // 3, len(task.x)))].flat[0] = np.nan
    elif s.fault == "target-scale":
        task.y, task.vy = task.y * 1000, task.vy * 1000
    elif s.fault == "sorted-no-shuffle":
        order = np.argsort(task.y, kind="stable")
        task.x, task.y = task.x[order], task.y[order]
    elif s.fault == "labels-from-one":
        task.y, task.vy = task.y + 1, task.vy + 1
    elif s.fault == "overfit":
        task.x, task.y = task.x[:60], task.y[:60]
    elif s.fault == "bn-batch-of-one":
        keep = (len(task.x) - 1) // s.batch * s.batch + 1
        task.x, task.y = task.x[:keep], task.y[:keep]
    return task


def apply_model_fault(s: Setting, model: nn.Module) -> nn.Module:
    if s.fault == "zero-init":
        for p in model.parameters():
            nn.init.zeros_(p)
    elif s.fault == "dead-bias":
        linears = [m for m in model.modules() if isinstance(m, nn.Linear | nn.Conv2d)]
        for m in linears[:-1]:
            nn.init.constant_(m.bias, -10.0)
    elif s.fault == "relu-on-logits":
        model = nn.Sequential(model, nn.ReLU())
    elif s.fault == "bn-batch-of-one":
        assert isinstance(model, nn.Sequential)
        model = nn.Sequential(model[0], model[1], nn.BatchNorm1d(128), *list(model)[2:])
    return model


def loss_of(s: Setting, task: Task) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if not task.classes:
        return nn.functional.mse_loss
    if s.fault == "log-no-eps":
        return lambda z, y: -torch.log(torch.softmax(z, 1)[torch.arange(len(y)), y]).mean()
    return nn.functional.cross_entropy


def optimizer_of(s: Setting, params: Iterator[nn.Parameter]) -> torch.optim.Optimizer:
    if s.optimizer == "sgd":
        return torch.optim.SGD(params, lr=s.lr)
    if s.optimizer == "sgdm":
        return torch.optim.SGD(params, lr=s.lr, momentum=0.9)
    if s.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=s.lr)
    if s.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=s.lr)
    return torch.optim.Adam(params, lr=s.lr)


# ---------------------------------------------------------------- the full record


@dataclass
class Record:
    """Every step's training loss and every evaluation: what the oracle reads."""

    steps: list[float] = field(default_factory=list)  # training loss, every step
    train_acc: list[float] = field(default_factory=list)  # every step
    val: list[tuple[int, float, float]] = field(default_factory=list)  # (step, loss, acc)
    crash: str | None = None


def accuracy(z: torch.Tensor, y: torch.Tensor) -> float:
    return float((z.argmax(1) == y).float().mean()) if z.ndim == 2 and z.shape[1] > 1 else math.nan


# ---------------------------------------------------------------- the oracle


# Every symptom the oracle judges; the two that need every step only when the log has them.
JUDGED = frozenset(
    {
        "error-bn-single-sample",
        "error-label-out-of-range",
        "loss-nan",
        "loss-flat-from-start",
        "loss-slow-decrease",
        "loss-diverging",
        "loss-huge-initial",
        "acc-at-chance",
        "overfitting",
        "val-acc-up-val-loss-up",
        "val-far-below-train",
    }
)
STEP_JUDGED = frozenset({"loss-oscillating", "loss-spikes"})


def judged(s: Setting) -> tuple[bool, frozenset[str]]:
    """Whether the log keeps every step, and the symptoms the labels then speak for."""
    fine = s.log_every == 1 and s.library in ("torch", "lightning")
    return fine, JUDGED | STEP_JUDGED if fine else JUDGED


def oracle(rec: Record, task: Task, fine: bool) -> set[str]:
    """The symptoms a run's full record shows, by the definitions in kb/symptoms/.

    Written from the definitions, with margins wide enough that a label is not a matter of
    taste; the product's detectors are not consulted. Spikes and swings count only when
    the log keeps every step (``fine``): in epoch means or running means nobody could see
    them."""
    found: set[str] = set()
    if rec.crash:
        if "Expected more than 1 value per channel" in rec.crash:
            found.add("error-bn-single-sample")
        if "out of bounds" in rec.crash:
            found.add("error-label-out-of-range")
    losses = np.array(rec.steps, dtype=float)
    if len(losses) == 0:
        return found
    finite = np.isfinite(losses)
    if not finite.all():
        found.add("loss-nan")
    good = losses[finite]
    if len(good) < 4:
        return found
    n = len(good)
    start = float(np.mean(good[: max(1, n // 50)]))  # before the first updates tell
    tail = float(np.mean(good[-max(1, n // 5) :]))
    low = float(np.min(_smooth(good)))
    chance_loss = math.log(task.classes) if task.classes > 1 else None
    if start > 0 and tail >= 0.92 * start:
        found.add("loss-flat-from-start")
    elif task.classes and start > 0 and 0.92 * start > tail >= 0.6 * start and _still_falling(good):
        found.add("loss-slow-decrease")
    if tail > 2.0 * low and tail > 1.2 * start:
        found.add("loss-diverging")
    first = float(good[0])
    if (not task.classes and first > 1000) or (chance_loss and first > 5 * chance_loss + 10):
        found.add("loss-huge-initial")
    if fine and _oscillates(good):
        found.add("loss-oscillating")
    if fine and _spikes(good) >= 3:
        found.add("loss-spikes")
    if rec.val and task.classes:
        accs = np.array([a for _, _, a in rec.val], dtype=float)
        final = float(np.nanmean(accs[-max(1, len(accs) // 4) :]))
        chance = max(1.0 / task.classes, task.majority)
        if math.isfinite(final) and final <= chance + 0.04:
            found.add("acc-at-chance")
    if rec.val:
        vl = np.array([v for _, v, _ in rec.val], dtype=float)
        if np.isfinite(vl).all() and len(vl) >= 4:
            best = int(np.argmin(vl))
            if vl[-1] >= 1.3 * vl[best] and best < len(vl) - 1 and tail < 0.7 * vl[-1]:
                found.add("overfitting")
                if task.classes:
                    accs = [a for _, _, a in rec.val]
                    if accs[-1] >= accs[best] - 0.01:
                        found.add("val-acc-up-val-loss-up")
        if task.classes and rec.train_acc:
            train_acc = float(np.nanmean(rec.train_acc[-max(1, len(rec.train_acc) // 10) :]))
            val_acc = rec.val[-1][2]
            if train_acc > 0.9 and val_acc < 0.5 * train_acc:
                found.add("val-far-below-train")
    return found


def _smooth(x: np.ndarray) -> np.ndarray:
    k = max(1, len(x) // 20)
    return np.convolve(x, np.ones(k) / k, mode="valid")


def _still_falling(x: np.ndarray) -> bool:
    half = x[len(x) // 2 :]
    return float(np.polyfit(np.arange(len(half)), half, 1)[0]) < 0


def _oscillates(x: np.ndarray) -> bool:
    """Large swings between neighbouring stretches of the run and no clear downward trend:
    the loss averaged over 50 equal stretches moves by more than 30% of its level from one
    stretch to the next (median over the run), and the last third is not below 80% of the
    first. Step-to-step noise of a healthy run averages out within a stretch."""
    if len(x) < 100:
        return False
    means = np.array([c.mean() for c in np.array_split(x, 50)])
    third = len(means) // 3
    trending = means[-third:].mean() < 0.8 * means[:third].mean()
    level = float(np.median(means))
    return not trending and level > 0 and float(np.median(np.abs(np.diff(means)))) > 0.3 * level


def _spikes(x: np.ndarray) -> int:
    """Steps whose loss is three times the median of the 20 before it or more."""
    return sum(1 for i in range(20, len(x)) if x[i] > 3 * float(np.median(x[i - 20 : i])) > 0)


def healthy_enough(rec: Record, task: Task) -> bool:
    """A healthy run really learned: the loss fell by half or more and validation is well
    above chance (classification) or well below its start (regression)."""
    losses = np.array(rec.steps, dtype=float)
    if rec.crash or not np.isfinite(losses).all() or len(losses) < 4 or not rec.val:
        return False
    n = len(losses)
    if np.mean(losses[-max(1, n // 5) :]) > 0.5 * np.mean(losses[: max(1, n // 20)]):
        return False
    if task.classes:
        chance = max(1.0 / task.classes, task.majority)
        return rec.val[-1][2] >= chance + 0.2
    return True


# ---------------------------------------------------------------- training: plain PyTorch


def batches(n: int, size: int, shuffle: bool, rng: np.random.Generator) -> Iterator[np.ndarray]:
    order = rng.permutation(n) if shuffle else np.arange(n)
    for b in range(0, n, size):
        yield order[b : b + size]


def train_torch(s: Setting, task: Task, log: Callable[[str, int, int, dict], None]) -> Record:
    """A plain loop; ``log(kind, epoch, step, values)`` writes what the run's format keeps."""
    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    model = apply_model_fault(s, make_model(s.model, task, s.act, s.depth))
    opt = optimizer_of(s, model.parameters())
    loss_fn = loss_of(s, task)
    x, y = torch.tensor(task.x), torch.tensor(task.y)
    vx, vy = torch.tensor(task.vx), torch.tensor(task.vy)
    rec = Record()
    step = 0
    window: list[float] = []
    accs: list[float] = []
    shuffle = s.fault != "sorted-no-shuffle"
    try:
        for epoch in range(s.epochs):
            model.train()
            for idx in batches(len(x), s.batch, shuffle, rng):
                z = model(x[idx])
                loss = loss_fn(z, y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                step += 1
                rec.steps.append(loss.item())
                window.append(loss.item())
                if task.classes:
                    rec.train_acc.append(accuracy(z, y[idx]))
                    accs.append(rec.train_acc[-1])
                if s.log_every and step % s.log_every == 0:
                    log("train", epoch, step, _means(window, accs))
                    window, accs = [], []
            if not s.log_every:
                log("train", epoch, step, _means(window, accs))
                window, accs = [], []
            model.eval()
            with torch.no_grad():
                z = model(vx)
                vl, va = float(loss_fn(z, vy)), accuracy(z, vy)
            rec.val.append((step, vl, va))
            log("val", epoch, step, {"loss": vl, "acc": va})
    except Exception as exc:  # the script dies as a user's would
        rec.crash = "".join(traceback.format_exception(exc))
    return rec


def _means(window: list[float], accs: list[float]) -> dict:
    out = {"loss": sum(window) / len(window) if window else math.nan}
    if accs:
        out["acc"] = sum(accs) / len(accs)
    return out


# ---------------------------------------------------------------- formats of plain PyTorch


def fmt_num(v: float) -> str:
    return "nan" if not math.isfinite(v) else f"{v:.4f}"


class PrintLog:
    """The prints people write in their own loops, in three styles seen in the wild."""

    def __init__(self, style: int, epochs: int, steps_per_epoch: int, n: int) -> None:
        self.lines: list[str] = []
        self.style, self.epochs, self.per_epoch, self.n = style, epochs, steps_per_epoch, n

    def __call__(self, kind: str, epoch: int, step: int, v: dict) -> None:
        loss = fmt_num(v["loss"])
        if kind == "train":
            if self.style == 0:  # pytorch/examples mnist
                done = min(self.n, (step - epoch * self.per_epoch) * self.n // self.per_epoch)
                pct = 100.0 * done / self.n
                self.lines.append(
                    f"Train Epoch: {epoch + 1} [{done}/{self.n} ({pct:.0f}%)]\tLoss: {loss}"
                )
            elif self.style == 1:
                acc = f", Acc: {v['acc']:.4f}" if "acc" in v else ""
                self.lines.append(
                    f"Epoch [{epoch + 1}/{self.epochs}], Step [{step}], Loss: {loss}{acc}"
                )
            else:
                self.lines.append(f"epoch {epoch + 1} iter {step} train_loss {loss}")
        else:
            acc = v["acc"]
            if self.style == 0:
                acc_text = "" if math.isnan(acc) else f", Accuracy: {100 * acc:.0f}%"
                self.lines.append(f"\nTest set: Average loss: {loss}{acc_text}\n")
            elif self.style == 1:
                acc_text = "" if math.isnan(acc) else f", Val Acc: {acc:.4f}"
                self.lines.append(f"Epoch [{epoch + 1}/{self.epochs}] Val Loss: {loss}{acc_text}")
            else:
                acc_text = "" if math.isnan(acc) else f" val_acc {acc:.4f}"
                self.lines.append(f"epoch {epoch + 1} val_loss {loss}{acc_text}")

    def write(self, path: Path, crash: str | None) -> list[Path]:
        text = "\n".join(self.lines) + "\n"
        if crash:
            text += crash
        path.write_text(text, encoding="utf-8")
        return [path]


class JsonLog:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def __call__(self, kind: str, epoch: int, step: int, v: dict) -> None:
        row: dict = {"step": step, "epoch": epoch}
        prefix = "train_" if kind == "train" else "val_"
        for k, value in v.items():
            if not (k == "acc" and math.isnan(value)):
                row[prefix + k] = value if math.isfinite(value) else None
        self.rows.append(row)

    def write(self, path: Path, crash: str | None) -> list[Path]:
        path.write_text("".join(json.dumps(r) + "\n" for r in self.rows), encoding="utf-8")
        return [path]


class BoardLog:
    """A real TensorBoard event file, written by torch's SummaryWriter."""

    def __init__(self, folder: Path) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.folder = folder
        self.writer = SummaryWriter(log_dir=str(folder))

    def __call__(self, kind: str, epoch: int, step: int, v: dict) -> None:
        for k, value in v.items():
            if not math.isnan(value) or k == "loss":
                self.writer.add_scalar(f"{kind}/{k}", value, step)

    def write(self, path: Path, crash: str | None) -> list[Path]:
        self.writer.close()
        return [self.folder]


# ---------------------------------------------------------------- Keras 3


def train_keras(s: Setting, task: Task, out: Path) -> tuple[Record, list[Path]]:
    import keras

    keras.utils.set_random_seed(s.seed)
    rec = Record()
    classes = task.classes
    model = keras_model(s, task)
    opt = {
        "sgd": lambda: keras.optimizers.SGD(s.lr),
        "sgdm": lambda: keras.optimizers.SGD(s.lr, momentum=0.9),
        "adamw": lambda: keras.optimizers.AdamW(s.lr),
        "rmsprop": lambda: keras.optimizers.RMSprop(s.lr),
        "adam": lambda: keras.optimizers.Adam(s.lr),
    }[s.optimizer]()
    loss = (
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if classes
        else keras.losses.MeanSquaredError()
    )
    model.compile(optimizer=opt, loss=loss, metrics=["accuracy"] if classes else [])

    class Every(keras.callbacks.Callback):
        """Keras reports the running mean of the epoch; the oracle wants each batch."""

        def __init__(self) -> None:
            super().__init__()
            self.previous = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.previous, self.seen = 0.0, 0

        def on_train_batch_end(self, batch, logs=None):
            mean = float(logs["loss"])
            value = mean * (batch + 1) - self.previous * batch
            self.previous = mean
            rec.steps.append(value)
            if "accuracy" in logs:
                rec.train_acc.append(float(logs["accuracy"]))

        def on_epoch_end(self, epoch, logs=None):
            rec.val.append(
                (len(rec.steps), float(logs["val_loss"]), float(logs.get("val_accuracy", math.nan)))
            )

    csv_path = out.with_suffix(".csv")
    progress = io.StringIO()
    callbacks = [Every(), keras.callbacks.CSVLogger(str(csv_path))]
    verbose = 1 if s.fmt == "keras-progress" else 2
    try:
        with contextlib.redirect_stdout(progress):
            model.fit(
                task.x,
                task.y,
                batch_size=s.batch,
                epochs=s.epochs,
                validation_data=(task.vx, task.vy),
                shuffle=s.fault != "sorted-no-shuffle",
                verbose=verbose,
                callbacks=callbacks,
            )
    except Exception as exc:
        rec.crash = "".join(traceback.format_exception(exc))
    if s.fmt == "keras-csv":
        return rec, [csv_path]
    csv_path.unlink(missing_ok=True)
    log = out.with_suffix(".log")
    log.write_text(progress.getvalue() + (rec.crash or ""), encoding="utf-8")
    return rec, [log]


def keras_model(s: Setting, task: Task):
    import keras

    out = task.classes or 1
    init = "zeros" if s.fault == "zero-init" else "glorot_uniform"
    bias = keras.initializers.Constant(-10.0) if s.fault == "dead-bias" else "zeros"
    if s.fault == "zero-init":
        bias = "zeros"
    layers = [keras.Input(task.shape)]
    if s.model == "lstm":
        layers.append(keras.layers.LSTM(48, kernel_initializer=init))
    elif s.model == "cnn":
        layers += [
            keras.layers.Permute((2, 3, 1)),
            keras.layers.Conv2D(
                16,
                3,
                padding="same",
                activation=s.act,
                kernel_initializer=init,
                bias_initializer=bias,
            ),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
        ]
    else:
        layers.append(keras.layers.Flatten())
        for _ in range(s.depth):
            layers.append(
                keras.layers.Dense(
                    128, activation=s.act, kernel_initializer=init, bias_initializer=bias
                )
            )
    last_act = "relu" if s.fault == "relu-on-logits" else None
    layers.append(keras.layers.Dense(out, activation=last_act, kernel_initializer=init))
    return keras.Sequential(layers)


# ---------------------------------------------------------------- PyTorch Lightning


def train_lightning(s: Setting, task: Task, out: Path) -> tuple[Record, list[Path]]:
    import lightning as L
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    L.seed_everything(s.seed, verbose=False)
    rec = Record()
    net = apply_model_fault(s, make_model(s.model, task, s.act, s.depth))
    loss_fn = loss_of(s, task)

    class Module(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def training_step(self, batch, _):
            x, y = batch
            z = self.net(x)
            loss = loss_fn(z, y)
            rec.steps.append(float(loss))
            values = {"train_loss": loss}
            if task.classes:
                rec.train_acc.append(accuracy(z, y))
                values["train_acc"] = rec.train_acc[-1]
            self.log_dict(values, on_step=bool(s.log_every), on_epoch=not s.log_every)
            return loss

        def validation_step(self, batch, _):
            x, y = batch
            z = self.net(x)
            values = {"val_loss": loss_fn(z, y)}
            if task.classes:
                values["val_acc"] = accuracy(z, y)
            self.log_dict(values, on_epoch=True)
            return values

        def on_validation_epoch_end(self):
            if self.trainer.sanity_checking:
                return
            m = self.trainer.callback_metrics
            rec.val.append(
                (len(rec.steps), float(m["val_loss"]), float(m.get("val_acc", math.nan)))
            )

        def configure_optimizers(self):
            return optimizer_of(s, self.parameters())

    def loader(x, y, shuffle):
        ds = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
        return torch.utils.data.DataLoader(ds, batch_size=s.batch, shuffle=shuffle)

    folder = out.parent / out.name
    if s.fmt == "lightning-csv":
        logger = CSVLogger(str(folder), name="", version="")
    else:
        logger = TensorBoardLogger(str(folder), name="", version="")
    trainer = L.Trainer(
        max_epochs=s.epochs,
        logger=logger,
        log_every_n_steps=max(1, s.log_every or 1),
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        accelerator="cpu",
        devices=1,
    )
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            trainer.fit(
                Module(),
                loader(task.x, task.y, s.fault != "sorted-no-shuffle"),
                loader(task.vx, task.vy, False),
            )
    except Exception as exc:
        rec.crash = "".join(traceback.format_exception(exc))
    for stray in folder.rglob("hparams.yaml"):
        stray.unlink()
    return rec, [folder]


# ---------------------------------------------------------------- Hugging Face Trainer


# The Trainer's names; it has no momentum SGD nor plain Adam, so those runs say what ran.
HF_OPTIMISERS = {
    "sgd": "sgd",
    "sgdm": "sgd",
    "adam": "adamw_torch",
    "adamw": "adamw_torch",
    "rmsprop": "rmsprop",
}


def train_hf(s: Setting, task: Task, out: Path) -> tuple[Record, list[Path]]:
    from transformers import Trainer, TrainingArguments
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    rec = Record()
    torch.manual_seed(s.seed)
    net = apply_model_fault(s, make_model(s.model, task, s.act, s.depth))
    loss_fn = loss_of(s, task)

    class Wrapped(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, x, labels):
            z = self.net(x)
            loss = loss_fn(z, labels)
            if self.training:
                rec.steps.append(float(loss))
                if task.classes:
                    rec.train_acc.append(accuracy(z, labels))
            return {"loss": loss, "logits": z}

    class Rows(torch.utils.data.Dataset):
        def __init__(self, x, y):
            self.x, self.y = torch.tensor(x), torch.tensor(y)

        def __len__(self):
            return len(self.x)

        def __getitem__(self, i):
            return {"x": self.x[i], "labels": self.y[i]}

    def metrics(pred):
        logits, labels = pred
        if not task.classes:
            return {}
        return {"accuracy": float((logits.argmax(1) == labels).mean())}

    work = out.parent / (out.name + ".work")
    args = TrainingArguments(
        output_dir=str(work),
        per_device_train_batch_size=s.batch,
        per_device_eval_batch_size=512,
        num_train_epochs=s.epochs,
        learning_rate=s.lr,
        optim=HF_OPTIMISERS[s.optimizer],
        weight_decay=0.0,
        lr_scheduler_type="constant",
        logging_strategy="steps",
        logging_steps=max(1, s.log_every or 10),
        eval_strategy="epoch",
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
        seed=s.seed,
        max_grad_norm=1e9,
    )
    trainer = Trainer(
        model=Wrapped(),
        args=args,
        train_dataset=Rows(task.x, task.y),
        eval_dataset=Rows(task.vx, task.vy),
        compute_metrics=metrics,
    )
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
            trainer.train()
    except Exception as exc:
        rec.crash = "".join(traceback.format_exception(exc))
    for row in trainer.state.log_history:
        if "eval_loss" in row:
            rec.val.append(
                (len(rec.steps), float(row["eval_loss"]), float(row.get("eval_accuracy", math.nan)))
            )
    if s.fmt == "hf-state":
        path = out.with_name(out.name + "-trainer_state.json")
        trainer.state.save_to_json(str(path))
        files = [path]
    else:
        path = out.with_suffix(".log")
        path.write_text(printed.getvalue() + (rec.crash or ""), encoding="utf-8")
        files = [path]
    shutil.rmtree(work, ignore_errors=True)
    return rec, files


# ---------------------------------------------------------------- the configuration


TORCH_FORMATS = ("print", "jsonl", "tensorboard")
FORMATS = {
    "torch": TORCH_FORMATS,
    "keras": ("keras-csv", "keras-progress"),
    "lightning": ("lightning-csv", "lightning-tb"),
    "hf": ("hf-state", "hf-print"),
}
# What each fault needs of a setting.
CLASSIFICATION_ONLY = {
    "zero-init",
    "random-labels",
    "log-no-eps",
    "deep-sigmoid",
    "dead-bias",
    "overfit",
    "sorted-no-shuffle",
    "relu-on-logits",
    "labels-from-one",
}
TORCH_ONLY = {"log-no-eps", "bn-batch-of-one", "labels-from-one", "deep-sigmoid"}
MLP_ONLY = {"deep-sigmoid", "bn-batch-of-one", "dead-bias"}


def settings(seed_base: int, count: int) -> list[Setting]:
    """Draw ``count`` settings across the breadth; about a sixth of them healthy."""
    rng = random.Random(seed_base)
    tasks = [
        ("digits", ("mlp", "cnn")),
        ("shapes5", ("mlp", "cnn")),
        ("shapes2", ("cnn",)),
        ("waves4", ("lstm", "transformer")),
        ("waves2", ("lstm",)),
        ("tabular2", ("mlp",)),
        ("tabular5", ("mlp",)),
        ("tabular10", ("mlp",)),
        ("tabular100", ("mlp",)),
        ("tabular5-imbalanced", ("mlp",)),
        ("tabular10-imbalanced", ("mlp",)),
        ("friedman", ("mlp",)),
    ]
    faulty = [f for f in FAULTS if f != "healthy"]
    out: list[Setting] = []
    drawn = 0
    while len(out) < count:
        fault = "healthy" if drawn % 6 == 0 else faulty[drawn % len(faulty)]
        drawn += 1
        task, models = rng.choice(tasks)
        if task == "friedman" and fault in CLASSIFICATION_ONLY:
            continue
        if fault == "target-scale":
            task, models = "friedman", ("mlp",)
        model = rng.choice(models)
        if fault in MLP_ONLY:
            if "mlp" not in models:
                continue
            model = "mlp"
        library = rng.choice(["torch", "torch", "keras", "lightning", "hf"])
        if fault in TORCH_ONLY:
            library = "torch"
        if library == "keras" and model == "transformer":
            library = "torch"
        fmt = rng.choice(FORMATS[library])
        if fault in ("bn-batch-of-one", "labels-from-one"):
            fmt = "print"
        optimizer, lr = _optimiser(rng, fault, model)
        if library == "hf" and optimizer in ("sgdm", "adam"):
            optimizer = {"sgdm": "sgd", "adam": "adamw"}[optimizer]
        size = "small" if fault == "overfit" else rng.choice(["small", "large", "large"])
        sizes = [1, 8, 32, 64, 128, 512] if size == "large" else [1, 8, 16, 32]
        batch = 32 if fault == "bn-batch-of-one" else rng.choice(sizes)
        if batch == 1 and (model in ("lstm", "transformer") or size == "large"):
            batch = 8
        epochs = 60 if fault == "overfit" else rng.choice([5, 8, 12, 20])
        batch = within_budget(task, size, batch, epochs, STEP_BUDGET[fmt])
        log_every = rng.choice([0, 0, 1, 10, 50])
        act = "sigmoid" if fault == "deep-sigmoid" else rng.choice(["relu", "relu", "tanh"])
        depth = 8 if fault == "deep-sigmoid" else 2
        seed = seed_base + len(out)
        run = f"{len(out):03d}-{fault}-{task}-{model}-{fmt}"
        out.append(
            Setting(
                run,
                seed,
                task,
                size,
                model,
                optimizer,
                lr,
                batch,
                epochs,
                fault,
                library,
                fmt,
                log_every,
                act,
                depth,
            )
        )
    return out


# Most training steps a run may take, so that the corpus trains in an hour on two cores
# and a Keras progress log (a bar redrawn every step) stays a few hundred kilobytes.
STEP_BUDGET = {
    "print": 4000,
    "jsonl": 4000,
    "tensorboard": 4000,
    "keras-csv": 1000,
    "keras-progress": 300,
    "lightning-csv": 1500,
    "lightning-tb": 1500,
    "hf-state": 1000,
    "hf-print": 1000,
}
TRAIN_SIZES = {"digits": (150, 1347), "friedman": (300, 4000)}


def within_budget(task: str, size: str, batch: int, epochs: int, budget: int) -> int:
    """The batch size, doubled until the run fits its step budget."""
    small, large = TRAIN_SIZES.get(task, (1500, 12000) if "100" in task else (400, 5000))
    if task.startswith(("shapes", "waves")):
        small, large = 300, 3000
    n = small if size == "small" else large
    while batch < 512 and epochs * math.ceil(n / batch) > budget:
        batch *= 2
    return batch


def _optimiser(rng: random.Random, fault: str, model: str) -> tuple[str, float]:
    name = rng.choice(["sgd", "sgdm", "adam", "adamw", "rmsprop"])
    good = {"sgd": 0.05, "sgdm": 0.01, "adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3}[name]
    if fault == "lr-huge":
        return name, good * rng.choice([100, 300, 1000])
    if fault == "sgd-crawl":
        return "sgd", 0.05 / 500
    if fault in ("deep-sigmoid",):
        return "sgd", 0.05
    if fault == "log-no-eps":
        return "sgdm", 0.5
    return name, good


# ---------------------------------------------------------------- one run


def run_one(s: Setting, folder: Path) -> tuple[Record, list[Path], Task]:
    task = apply_data_fault(s, build_task(s))
    base = folder / s.run
    if s.library == "keras":
        rec, files = train_keras(s, task, base)
    elif s.library == "lightning":
        rec, files = train_lightning(s, task, base)
    elif s.library == "hf":
        rec, files = train_hf(s, task, base)
    else:
        steps_per_epoch = math.ceil(len(task.x) / s.batch)
        if s.fmt == "print":
            log = PrintLog(s.seed % 3, s.epochs, steps_per_epoch, len(task.x))
            path = base.with_suffix(".log")
        elif s.fmt == "jsonl":
            log, path = JsonLog(), base.with_suffix(".jsonl")
        else:
            log, path = BoardLog(base), base
        rec = train_torch(s, task, log)
        files = log.write(path, rec.crash)
    return rec, files, task


def label(s: Setting, rec: Record, task: Task) -> tuple[dict | None, str | None]:
    """The manifest entry, or why the run is dropped."""
    seen = oracle(rec, task, judged(s)[0])
    fault = FAULTS[s.fault]
    if s.fault == "healthy":
        if seen or not healthy_enough(rec, task):
            return None, f"meant healthy, but shows {sorted(seen) or 'too little learning'}"
        return {"healthy": True, "expected": [], "also": [], "lessons": []}, None
    hit = seen & fault.shows
    if not hit:
        return None, f"{s.fault} did not show ({sorted(seen) or 'nothing'})"
    return {
        "healthy": False,
        "expected": sorted(hit),
        "also": sorted(seen - hit),
        "lessons": list(fault.lessons),
    }, None


def pack(folder: Path, archive: Path) -> None:
    """Join the shards' manifests, say per run which symptoms its labels speak for, and
    write the runs and manifests into one archive (what benchmarks/detection.py reads)."""
    manifest, dropped = [], []
    for path in sorted(folder.glob("manifest*.json")):
        manifest += json.loads(path.read_text())
    for path in sorted(folder.glob("dropped*.json")):
        dropped += json.loads(path.read_text())
    manifest.sort(key=lambda m: m["run"])
    dropped.sort(key=lambda m: m["run"])
    for m in manifest:
        m["judged"] = sorted(judged(Setting(run=m["run"], **m["setting"]))[1])
    staging = folder / "packed"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (staging / "dropped.json").write_text(json.dumps(dropped, indent=1) + "\n")
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(staging / "manifest.json", "manifest.json")
        tar.add(staging / "dropped.json", "dropped.json")
        for m in manifest:
            for name in m["files"]:
                tar.add(folder / name, name)
    shutil.rmtree(staging)
    healthy = sum(m["healthy"] for m in manifest)
    print(f"{archive}: {len(manifest)} runs ({healthy} healthy), {len(dropped)} dropped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="a scratch folder for the runs")
    parser.add_argument("--seed-base", type=int, default=130_000)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--only", type=int, nargs="*", help="run indices, for a look at one")
    parser.add_argument("--shard", default="0/1", help="i/n: train every n-th run from i")
    parser.add_argument("--pack", type=Path, help="join the shards in --out into this archive")
    args = parser.parse_args()
    if args.pack:
        pack(args.out, args.pack)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    manifest, dropped = [], []
    shard, shards = (int(v) for v in args.shard.split("/"))
    for s in settings(args.seed_base, args.count):
        index = int(s.run[:3])
        if (args.only and index not in args.only) or index % shards != shard:
            continue
        rec, files, task = run_one(s, args.out)
        entry, why = label(s, rec, task)
        if entry is None:
            for f in files:
                shutil.rmtree(f) if f.is_dir() else f.unlink(missing_ok=True)
            dropped.append({"run": s.run, "why": why})
            print(f"drop {s.run}: {why}", file=sys.stderr)
            continue
        manifest.append(
            {
                "run": s.run,
                "files": [str(f.relative_to(args.out)) for f in files],
                "format": s.fmt,
                "fault": FAULTS[s.fault].note,
                **entry,
                "context": {},
                "setting": {k: v for k, v in asdict(s).items() if k != "run"},
                "truth": {"num_classes": task.classes, "train_size": len(task.x)},
            }
        )
        print(f"keep {s.run}: {entry['expected'] or 'healthy'}", file=sys.stderr)
    suffix = "" if shards == 1 else f".{shard}"
    (args.out / f"manifest{suffix}.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (args.out / f"dropped{suffix}.json").write_text(json.dumps(dropped, indent=1) + "\n")


if __name__ == "__main__":
    main()
