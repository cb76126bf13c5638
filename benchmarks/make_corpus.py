"""Train small models with injected faults and write their logs: the detection corpus.

Each run really trains (CPU PyTorch, a few seconds) on synthetic data, so its curves carry
real optimiser noise, real NaN propagation and real gradient statistics, not shapes drawn
by hand. Runs are written in the formats users have (PyTorch-style prints, a Keras
CSVLogger file, a Lightning ``metrics.csv``, JSONL, a per-layer probe CSV) together with
``manifest.json`` (the files of each run, the fault injected, the expected symptoms,
whether the run is healthy, and the context a user would state, such as the class count).
The tests and benchmarks/detection.py read these files with the product's readers. A run
whose fault makes PyTorch raise (BatchNorm on a batch of one) stops there, and its text
log ends with the traceback the script died with.

PyTorch is needed only here: ``pip install torch==2.13.0`` (the CPU build these files were
made with) then
``python benchmarks/make_corpus.py [--out tests/fixtures/corpus] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import copy
import csv
import itertools
import json
import math
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

FLT_MIN = 1.17549435e-38
N_CLASSES = 10
DIM = 20


# ---------------------------------------------------------------- data


@dataclass
class Data:
    x: torch.Tensor
    y: torch.Tensor
    vx: torch.Tensor
    vy: torch.Tensor
    tx: torch.Tensor | None = None
    ty: torch.Tensor | None = None


def blobs(
    seed: int, n_train: int = 3000, n_val: int = 1000, spread: float = 1.0, n_test: int = 0
) -> Data:
    """A Gaussian mixture, one centre per class: learnable to about 90% accuracy."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(N_CLASSES, DIM, generator=g) * spread / math.sqrt(2)

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        y = torch.randint(0, N_CLASSES, (n,), generator=g)
        x = centres[y] + torch.randn(n, DIM, generator=g)
        return x, y

    x, y = sample(n_train)
    vx, vy = sample(n_val)
    tx, ty = sample(n_test) if n_test else (None, None)
    return Data(x, y, vx, vy, tx, ty)


def wave(seed: int, n_train: int = 2000, n_val: int = 500) -> Data:
    """A smooth regression target: y = sin(w.x) + noise."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(DIM, generator=g) / math.sqrt(DIM)

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(n, DIM, generator=g)
        return x, torch.sin(2 * x @ w).unsqueeze(1) + 0.05 * torch.randn(n, 1, generator=g)

    x, y = sample(n_train)
    vx, vy = sample(n_val)
    return Data(x, y, vx, vy)


def bimodal(seed: int, n_train: int = 3000, n_val: int = 1000) -> Data:
    """Two opposite centres per class: an MLP separates them, a linear model cannot."""
    g = torch.Generator().manual_seed(seed)
    c1 = torch.randn(N_CLASSES, DIM, generator=g) * 1.5
    c2 = -c1 + 0.6 * torch.randn(N_CLASSES, DIM, generator=g)

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        y = torch.randint(0, N_CLASSES, (n,), generator=g)
        first = torch.rand(n, generator=g) < 0.5
        return torch.where(first[:, None], c1[y], c2[y]) + torch.randn(n, DIM, generator=g), y

    x, y = sample(n_train)
    vx, vy = sample(n_val)
    return Data(x, y, vx, vy)


def noisy_labels(seed: int) -> Data:
    """1000 samples, 30% of the training labels replaced at random."""
    data = blobs(seed, n_train=1000, spread=1.3)
    g = torch.Generator().manual_seed(seed + 1)
    flip = torch.rand(len(data.y), generator=g) < 0.3
    data.y = torch.where(flip, torch.randint(0, N_CLASSES, data.y.shape, generator=g), data.y)
    return data


def wave_x100(seed: int) -> Data:
    """The regression target in raw units (x100), not normalised."""
    data = wave(seed)
    data.y, data.vy = data.y * 100, data.vy * 100
    return data


def loud_and_quiet(seed: int, n_train: int = 300, quiet: float = 0.05) -> Data:
    """Unnormalised features: half carry a weak class signal at unit scale (loud), half a
    strong one at 1/20 of that scale (quiet). A network fits the few training samples
    through the loud half within a few epochs and grows overconfident, while the quiet
    half, whose gradients are 20x smaller, is learned slowly and keeps helping."""
    g = torch.Generator().manual_seed(seed)
    half = DIM // 2
    loud_centres = torch.randn(N_CLASSES, half, generator=g) * 0.8
    quiet_centres = torch.randn(N_CLASSES, half, generator=g)

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        y = torch.randint(0, N_CLASSES, (n,), generator=g)
        loud = loud_centres[y] + torch.randn(n, half, generator=g)
        faint = quiet * (quiet_centres[y] + 0.4 * torch.randn(n, half, generator=g))
        return torch.cat([loud, faint], 1), y

    x, y = sample(n_train)
    vx, vy = sample(1000)
    return Data(x, y, vx, vy)


def one_left_over(seed: int) -> Data:
    """2945 training samples: with batches of 64 the last batch of an epoch holds one."""
    return blobs(seed, n_train=64 * 46 + 1)


def tiny(seed: int) -> Data:
    return blobs(seed, n_train=150, spread=1.2)


def few(seed: int) -> Data:
    return blobs(seed, n_train=1000, spread=1.6)


def with_test(seed: int) -> Data:
    return blobs(seed, n_test=1000)


# ---------------------------------------------------------------- models


def mlp(
    widths: list[int],
    act: Callable[[], nn.Module] = nn.ReLU,
    init: str = "default",
    init_std: float = 0.05,
    batchnorm: bool = False,
) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        lin = nn.Linear(a, b)
        if init == "zero":
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)
        elif init == "small":
            nn.init.normal_(lin.weight, std=init_std)
            nn.init.zeros_(lin.bias)
        elif init == "dead-bias" and i < len(widths) - 2:
            nn.init.constant_(lin.bias, -8.0)
        layers.append(lin)
        if i < len(widths) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1d(b))
            layers.append(act())
    return nn.Sequential(*layers)


# ---------------------------------------------------------------- recording


@dataclass
class Recorder:
    """Everything a run logs, under canonical names, plus per-layer probes."""

    series: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    probes: list[dict] = field(default_factory=list)
    crash: str | None = None  # the traceback the training script died with, as printed
    order: list[tuple[str, float, float]] = field(default_factory=list)  # as logged

    def log(self, name: str, step: float, value: float) -> None:
        self.series.setdefault(name, []).append((step, float(value)))
        self.order.append((name, step, float(value)))


def layer_probes(model: nn.Sequential, x: torch.Tensor, step: int, rec: Recorder) -> None:
    """One row per layer, in forward order: weight and gradient L2 norms (linear layers),
    mean |output|, and the share of exactly-zero outputs (ReLU)."""
    h = x
    with torch.no_grad():
        for i, module in enumerate(model):
            h = module(h)
            kind = type(module).__name__.lower()
            row: dict = {"step": step, "layer": f"{'fc' if kind == 'linear' else kind}{i}"}
            if isinstance(module, nn.Linear) and module.weight.grad is not None:
                row["weight_norm"] = float(module.weight.norm())
                row["grad_norm"] = float(module.weight.grad.norm())
            row["act_mean_abs"] = float(h.abs().mean())
            if isinstance(module, nn.ReLU):
                row["zero_fraction"] = float((h == 0).float().mean())
            rec.probes.append(row)


# ---------------------------------------------------------------- training


@dataclass
class Spec:
    """How to train one run; each fault is one field changed from the healthy default."""

    seed: int = 0
    data: Callable[[int], Data] = blobs
    widths: list[int] = field(default_factory=lambda: [DIM, 64, 64, N_CLASSES])
    act: Callable[[], nn.Module] = nn.ReLU
    init: str = "default"
    init_std: float = 0.05  # for init="small"
    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.0
    batch: int = 64
    epochs: int = 12
    log_every: int = 10
    shuffle: bool = True
    regression: bool = False
    loss: str = "ce"  # "ce", "log-softmax-no-eps", "caffe-clamp", "mse"
    input_scale: float = 1.0
    lr_zero_after_epoch: int | None = None
    skip_nonfinite: bool = False  # skip the update on a non-finite loss (as AMP's scaler does)
    nan_sample: int | None = None  # put NaN into this training sample
    spike_rate: float = 0.0  # this share of batches, at random, get their inputs scaled by 30
    leak_label: bool = False  # append the one-hot label to the inputs
    shuffle_labels: bool = False
    val_shift: float = 0.0  # shift the validation inputs (a split from another distribution)
    test_shift: float | None = None  # log a test set, shifted by this much
    probes: bool = False
    eval_every_epochs: int = 1
    restart_at_epoch: int | None = None  # log a resume from an earlier checkpoint
    weight_decay: float = 0.0
    vae: bool = False
    batchnorm: bool = False  # BatchNorm1d after each hidden linear layer


def make_loss(spec: Spec) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if spec.regression:
        return nn.functional.mse_loss
    if spec.loss == "log-softmax-no-eps":
        return lambda out, y: -torch.log(torch.softmax(out, 1)[torch.arange(len(y)), y]).mean()
    if spec.loss == "caffe-clamp":

        def caffe(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            p = torch.softmax(out, 1)[torch.arange(len(y)), y]
            # CUDA Caffe: -log(max(p, FLT_MIN)) with fmaxf, which turns a NaN p into FLT_MIN
            return -torch.log(torch.fmax(p, torch.tensor(FLT_MIN))).mean()

        return caffe
    return nn.functional.cross_entropy


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, spec: Spec) -> tuple[float, float]:
    with torch.no_grad():
        out = model(x)
        loss = float(make_loss(spec)(out, y))
        acc = float("nan") if spec.regression else float((out.argmax(1) == y).float().mean())
    return loss, acc


def prepare(spec: Spec) -> Data:
    data = spec.data(spec.seed)
    data.x = data.x * spec.input_scale
    data.vx = data.vx * spec.input_scale
    if data.tx is not None:
        data.tx = data.tx * spec.input_scale
    if spec.leak_label:
        data.x = torch.cat([data.x, nn.functional.one_hot(data.y, N_CLASSES).float()], 1)
        data.vx = torch.cat([data.vx, nn.functional.one_hot(data.vy, N_CLASSES).float()], 1)
    if spec.shuffle_labels:
        data.y = data.y[torch.randperm(len(data.y), generator=torch.Generator().manual_seed(7))]
    if spec.val_shift:
        data.vx = data.vx + spec.val_shift
    if spec.test_shift is not None and data.tx is not None:
        data.tx = data.tx + spec.test_shift
    if spec.nan_sample is not None:
        data.x = data.x.clone()
        data.x[spec.nan_sample, 0] = float("nan")
    return data


def train(spec: Spec) -> Recorder:
    torch.manual_seed(spec.seed)
    random.seed(spec.seed)
    data = prepare(spec)
    widths = list(spec.widths)
    widths[0] = data.x.shape[1]
    model = mlp(widths, spec.act, spec.init, spec.init_std, spec.batchnorm)
    if spec.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=spec.lr, momentum=spec.momentum)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=spec.lr, weight_decay=spec.weight_decay)
    loss_fn = make_loss(spec)
    rec = Recorder()
    try:
        _train_loop(spec, data, model, opt, loss_fn, rec)
    except Exception as exc:  # any error the script would die with
        # The script dies here, as a user's would; its log ends with the traceback.
        # main() stops if the run was not meant to fail.
        rec.crash = "".join(traceback.format_exception(exc))
    return rec


def _train_loop(
    spec: Spec,
    data: Data,
    model: nn.Sequential,
    opt: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    rec: Recorder,
) -> None:
    spikes = torch.Generator().manual_seed(spec.seed + 100)
    n = len(data.x)
    step = 0
    window: list[float] = []
    accs: list[float] = []
    checkpoint = None
    restart_at = spec.restart_at_epoch
    epoch = 0
    while epoch < spec.epochs:
        if restart_at is not None and epoch == restart_at - 2:
            checkpoint = copy.deepcopy((epoch, step, model.state_dict(), opt.state_dict()))
        if checkpoint and epoch == restart_at:
            # the job died here and was resumed from the checkpoint two epochs back
            epoch, step, model_state, opt_state = checkpoint
            model.load_state_dict(model_state)
            opt.load_state_dict(opt_state)
            checkpoint = restart_at = None
        if spec.lr_zero_after_epoch is not None and epoch >= spec.lr_zero_after_epoch:
            for group in opt.param_groups:
                group["lr"] = 0.0
        order = torch.randperm(n) if spec.shuffle else torch.arange(n)
        epoch_losses: list[float] = []
        for b in range(0, n, spec.batch):
            idx = order[b : b + spec.batch]
            x, y = data.x[idx], data.y[idx]
            if spec.spike_rate and float(torch.rand(1, generator=spikes)) < spec.spike_rate:
                x = x * 30
            model.train()
            out = model(x)
            loss = loss_fn(out, y)
            opt.zero_grad()
            if math.isfinite(loss.item()) or not spec.skip_nonfinite:
                loss.backward()
                opt.step()
            step += 1
            value = loss.item()
            window.append(value)
            epoch_losses.append(value)
            if not spec.regression:
                accs.append(float((out.argmax(1) == y).float().mean()))
            if step % spec.log_every == 0:
                rec.log("train/loss", step, sum(window) / len(window))
                if accs:
                    rec.log("train/acc", step, sum(accs) / len(accs))
                rec.log("lr", step, opt.param_groups[0]["lr"])
                window, accs = [], []
                if spec.probes:
                    layer_probes(model, data.vx[:256], step, rec)
        if (epoch + 1) % spec.eval_every_epochs == 0:
            model.eval()
            vl, va = evaluate(model, data.vx, data.vy, spec)
            rec.log("val/loss", step, vl)
            if not spec.regression:
                rec.log("val/acc", step, va)
            if data.tx is not None:
                tl, ta = evaluate(model, data.tx, data.ty, spec)
                rec.log("test/loss", step, tl)
                rec.log("test/acc", step, ta)
        epoch += 1


def train_vae(spec: Spec) -> Recorder:
    """A tiny VAE whose KL term has its sign flipped: the logged KL goes negative."""
    torch.manual_seed(spec.seed)
    data = prepare(spec)
    enc = nn.Sequential(nn.Linear(DIM, 32), nn.ReLU(), nn.Linear(32, 8))
    dec = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, DIM))
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=spec.lr)
    rec = Recorder()
    step = 0
    for _ in range(spec.epochs):
        order = torch.randperm(len(data.x))
        for b in range(0, len(data.x), spec.batch):
            x = data.x[order[b : b + spec.batch]]
            mu, logvar = enc(x).chunk(2, 1)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            recon = nn.functional.mse_loss(dec(z), x)
            kl = 0.5 * torch.mean(torch.sum(1 + logvar - mu**2 - logvar.exp(), 1))  # sign bug
            loss = recon + 0.1 * kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % spec.log_every == 0:
                rec.log("train/loss", step, loss.item())
                rec.log("kl", step, kl.item())
    return rec


# ---------------------------------------------------------------- the runs


@dataclass
class Run:
    name: str
    spec: Spec
    fmt: str  # "text", "keras-csv", "lightning-csv", "jsonl"
    expected: list[str]
    fault: str
    healthy: bool = False
    also: list[str] = field(default_factory=list)  # visibly present too, not the fault's mark


def healthy(seed: int, fmt: str, **changes) -> Run:
    spec = Spec(seed=seed, **changes)
    what = ", ".join(f"{k}={v}" for k, v in changes.items()) or "defaults"
    return Run(f"healthy-{seed}-{fmt}", spec, fmt, [], f"none ({what})", healthy=True)


def wide() -> list[int]:
    return [DIM, 512, 512, N_CLASSES]


RUNS: list[Run] = [
    *(healthy(s, f) for s, f in enumerate(["text", "keras-csv", "lightning-csv", "jsonl"])),
    healthy(4, "text", batch=16, log_every=25),
    healthy(5, "jsonl", optimizer="sgd", lr=0.01, momentum=0.9),
    healthy(6, "lightning-csv", eval_every_epochs=4),
    healthy(7, "jsonl", probes=True),
    healthy(8, "text", restart_at_epoch=6),
    Run(
        "healthy-regression-9-jsonl",
        Spec(seed=9, data=wave, widths=[DIM, 64, 64, 1], regression=True, lr=3e-3),
        "jsonl",
        [],
        "none (MSE regression)",
        healthy=True,
    ),
    Run(
        "lr-diverge-linreg-text",
        Spec(
            seed=31,
            data=wave,
            widths=[DIM, 1],
            regression=True,
            optimizer="sgd",
            lr=1.1,
            epochs=4,
            log_every=2,
            probes=True,
        ),
        "text",
        ["loss-diverging", "loss-nan", "grad-exploding", "nan-in-layer"],
        "linear regression, SGD learning rate 1.1 (above 2/lambda_max)",
    ),
    Run(
        "lr-huge-adam-keras",
        Spec(seed=11, lr=0.5, epochs=12),
        "keras-csv",
        ["loss-flat-from-start", "acc-at-chance"],
        "Adam learning rate 0.5 (500x the default): the network dies at once",
        also=["loss-huge-initial"],
    ),
    Run(
        "lr-high-regression-oscillating-jsonl",
        Spec(
            seed=10,
            data=wave_x100,
            widths=[DIM, 64, 64, 1],
            regression=True,
            optimizer="sgd",
            lr=3e-3,
            epochs=6,
            log_every=5,
        ),
        "jsonl",
        ["loss-oscillating", "loss-huge-initial"],
        "unnormalised regression target (x100) with SGD learning rate 3e-3",
        also=["loss-diverging"],  # smoothed loss 1.3e3 mid-run, back to ~3e3 at the end
    ),
    Run(
        "target-scale-plateau-drop-text",
        Spec(
            seed=10,
            data=wave_x100,
            widths=[DIM, 64, 64, 1],
            regression=True,
            optimizer="sgd",
            lr=3e-4,
            epochs=6,
        ),
        "text",
        ["loss-huge-initial", "loss-plateau-then-drop"],
        "unnormalised regression target (x100) with SGD learning rate 3e-4",
    ),
    Run(
        "small-init-deep-lightning",
        Spec(seed=34, widths=[DIM, *[32] * 8, N_CLASSES], init="small", init_std=0.03, epochs=10),
        "lightning-csv",
        ["loss-plateau-then-drop", "acc-jump"],
        "9-layer ReLU MLP initialised with std 0.03: stuck at chance, then escapes",
        # after the escape it learns little: loss 1.92 (83% of ln 10), accuracy ~0.2
        also=["acc-low-plateau", "loss-plateau", "loss-slow-decrease", "underfitting"],
    ),
    Run(
        "zero-init-jsonl",
        Spec(seed=12, init="zero", probes=True, epochs=8),
        "jsonl",
        ["loss-flat-from-start", "grad-zero", "acc-at-chance"],
        "every weight and bias initialised to zero",
        also=["dead-relu"],
    ),
    Run(
        "sigmoid-deep-text",
        Spec(
            seed=13,
            widths=[DIM, *[32] * 10, N_CLASSES],
            act=nn.Sigmoid,
            init="small",
            optimizer="sgd",
            lr=0.05,
            probes=True,
            epochs=8,
        ),
        "text",
        ["grad-vanishing", "loss-flat-from-start", "acc-at-chance"],
        "11-layer sigmoid MLP, small init, SGD",
    ),
    Run(
        "nan-sample-sudden-lightning",
        Spec(seed=14, nan_sample=2900, shuffle=False, epochs=3, log_every=2, probes=True),
        "lightning-csv",
        ["loss-nan", "loss-nan-sudden", "nan-in-layer"],
        "one training sample near the end of the data contains NaN (no guard)",
        also=["acc-at-chance"],  # NaN outputs: accuracy 0.1 after the NaN
    ),
    Run(
        "nan-sample-periodic-text",
        Spec(seed=15, nan_sample=1234, shuffle=False, skip_nonfinite=True, epochs=10),
        "text",
        ["loss-nan", "loss-nan-periodic"],
        "one training sample contains NaN; unshuffled loader; non-finite steps skipped",
    ),
    Run(
        "log-zero-loss-jsonl",
        Spec(seed=16, loss="log-softmax-no-eps", input_scale=20.0, lr=0.05, epochs=6),
        "jsonl",
        ["loss-nan", "loss-nan-sudden"],
        "loss = -log(softmax) without epsilon, inputs scaled x20: log(0)",
        also=["acc-at-chance"],  # NaN outputs: accuracy 0.1 after the NaN
    ),
    Run(
        "overfit-tiny-data-keras",
        Spec(seed=17, data=tiny, widths=wide(), epochs=120, batch=32, log_every=5),
        "keras-csv",
        ["overfitting"],
        "150 training samples, 2x512 MLP, 120 epochs",
        also=["loss-near-zero"],  # training loss 0.023 after 10% of the steps
    ),
    Run(
        "overfit-mild-lightning",
        Spec(seed=35, data=few, widths=wide(), epochs=60, batch=32, log_every=10),
        "lightning-csv",
        ["overfitting"],
        "1000 samples, 2x512 MLP, 60 epochs: validation loss 0.036 -> 0.044",
        also=["loss-near-zero"],  # training loss 0.015 at the second logged point
    ),
    Run(
        "sgd-momentum-val-plateau-jsonl",
        Spec(seed=5, optimizer="sgd", lr=0.05, momentum=0.9),
        "jsonl",
        ["val-loss-plateau"],
        "SGD momentum 0.9 at learning rate 0.05: validation stalls while training improves",
    ),
    Run(
        "noisy-labels-val-plateau-jsonl",
        Spec(
            seed=36,
            data=noisy_labels,
            widths=[DIM, 256, 256, N_CLASSES],
            epochs=40,
            batch=32,
            lr=3e-4,
        ),
        "jsonl",
        ["val-loss-plateau"],
        "30% of the training labels are random; the validation loss stops improving",
    ),
    Run(
        "shuffled-labels-lightning",
        Spec(seed=18, shuffle_labels=True, widths=wide(), epochs=40, batch=32, log_every=20),
        "lightning-csv",
        ["acc-at-chance", "val-far-below-train", "overfitting"],
        "training labels randomly permuted",
    ),
    Run(
        "lr-zero-after-keras",
        Spec(seed=19, lr_zero_after_epoch=6, epochs=14, shuffle=False),
        "keras-csv",
        ["metrics-constant-after-step"],
        "learning rate set to 0 after epoch 6 (unshuffled, epoch-level log)",
    ),
    Run(
        "dead-relu-jsonl",
        Spec(seed=20, init="dead-bias", probes=True, epochs=6),
        "jsonl",
        ["dead-relu", "loss-flat-from-start", "acc-at-chance"],
        "hidden biases initialised to -8: every ReLU is off",
        also=["grad-zero"],
    ),
    Run(
        "unnormalised-input-text",
        Spec(seed=21, input_scale=3000.0, lr=1e-3, epochs=8, probes=True),
        "text",
        ["loss-huge-initial", "logits-huge"],
        "inputs multiplied by 3000 (not normalised)",
    ),
    Run(
        "label-leak-lightning",
        Spec(seed=22, leak_label=True, lr=3e-2, epochs=8),
        "lightning-csv",
        ["loss-near-zero"],
        "the one-hot label is appended to the inputs",
    ),
    Run(
        "spiky-batches-text",
        Spec(seed=23, spike_rate=0.01, epochs=10, log_every=1),
        "text",
        ["loss-spikes"],
        "1% of the batches, at random, have their inputs scaled by 30",
    ),
    Run(
        "slow-sgd-keras",
        Spec(seed=12, optimizer="sgd", lr=0.005, epochs=12),
        "keras-csv",
        ["loss-slow-decrease"],
        "plain SGD with learning rate 0.005 (far too low)",
    ),
    Run(
        "linear-underfit-jsonl",
        Spec(seed=24, data=bimodal, widths=[DIM, N_CLASSES], epochs=15, lr=3e-3),
        "jsonl",
        ["underfitting", "acc-low-plateau", "loss-plateau"],
        "a linear model on classes made of two opposite clusters",
        also=["loss-slow-decrease"],  # loss ends at 1.78, 77% of ln 10
    ),
    Run(
        "test-shift-jsonl",
        Spec(seed=25, data=with_test, test_shift=1.5),
        "jsonl",
        ["val-much-better-than-test"],
        "the test set comes from a shifted distribution",
    ),
    Run(
        "val-shift-text",
        Spec(seed=26, val_shift=4.0),
        "text",
        ["val-far-below-train"],
        "the validation inputs come from a shifted distribution",
        # validation loss 2.6 -> 8.8 while its accuracy goes 0.12 -> 0.24-0.31 and stays
        also=["overfitting", "acc-at-chance", "acc-low-plateau", "val-acc-up-val-loss-up"],
    ),
    Run(
        "vae-kl-sign-jsonl",
        Spec(seed=27, lr=1e-3, epochs=6, vae=True),
        "jsonl",
        ["kl-negative"],
        "VAE whose KL term has the wrong sign",
    ),
    Run(
        "caffe-softmax-87-text",
        Spec(seed=28, loss="caffe-clamp", nan_sample=2900, shuffle=False, epochs=3, log_every=2),
        "text",
        ["loss-87-3365"],
        "Caffe's GPU softmax loss, -log(fmaxf(p, FLT_MIN)), after a NaN sample: NaN p -> 87.3365",
        also=["metrics-constant-after-step", "acc-at-chance"],
    ),
    Run(
        "overfit-val-acc-up-jsonl",
        Spec(seed=43, data=loud_and_quiet, widths=wide(), epochs=150, batch=32, log_every=10),
        "jsonl",
        ["overfitting", "val-acc-up-val-loss-up"],
        "300 training samples, 2x512 MLP, 150 epochs; half the features 20x smaller than the "
        "rest: overconfident on the training set early, still learning the small features",
        # validation loss 0.79 (epoch 4) -> 1.30 while its accuracy goes 0.72 -> 0.76
        also=["loss-near-zero"],  # smoothed training loss 0.022 after 19% of the steps
    ),
    Run(
        "bn-last-batch-of-one-text",
        Spec(seed=44, data=one_left_over, batchnorm=True),
        "text",
        ["error-bn-single-sample"],
        "BatchNorm1d after each hidden layer, 2945 training samples in batches of 64: the "
        "last batch of the first epoch holds one sample and PyTorch raises",
    ),
]


# ---------------------------------------------------------------- writers


def rows_by_step(rec: Recorder, names: list[str]) -> list[tuple[float, dict[str, float]]]:
    table: dict[float, dict[str, float]] = {}
    for name in names:
        for step, value in rec.series.get(name, []):
            table.setdefault(step, {})[name] = value
    return sorted(table.items())


def rows_in_order(rec: Recorder) -> list[tuple[float, dict[str, float]]]:
    """What was logged, in logging order, one row per run of points at the same step."""
    rows: list[tuple[float, dict[str, float]]] = []
    for name, step, value in rec.order:
        if not rows or rows[-1][0] != step or name in rows[-1][1]:
            rows.append((step, {}))
        rows[-1][1][name] = value
    return rows


def fmt_value(v: float) -> str:
    return "nan" if math.isnan(v) else ("inf" if math.isinf(v) else f"{v:.6g}")


def write_text(rec: Recorder, path: Path, steps_per_epoch: int) -> None:
    """PyTorch-tutorial prints: '[epoch, step] loss: x' and a per-epoch validation line,
    in the order they were logged (a run resumed from a checkpoint prints its steps again)."""
    lines = []
    for step, row in rows_in_order(rec):
        epoch = int((step - 1) // steps_per_epoch) + 1
        if "train/loss" in row:
            acc = f" acc: {row['train/acc']:.4f}" if "train/acc" in row else ""
            lines.append(f"[{epoch}, {int(step):5d}] loss: {fmt_value(row['train/loss'])}{acc}")
        if "val/loss" in row:
            acc = f" val_acc: {fmt_value(row['val/acc'])}" if "val/acc" in row else ""
            lines.append(f"Epoch {epoch} validation: val_loss: {fmt_value(row['val/loss'])}{acc}")
    if rec.crash:  # what the script printed to stderr as it died, after its progress lines
        lines += rec.crash.rstrip("\n").split("\n")
    path.write_text("\n".join(lines) + "\n")


def write_keras_csv(rec: Recorder, path: Path) -> None:
    """A Keras CSVLogger file: one row per epoch (train metrics averaged over the epoch)."""
    val = rec.series["val/loss"]
    bounds = [0.0] + [s for s, _ in val]
    cols = ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(cols)
        for epoch, (lo, hi) in enumerate(itertools.pairwise(bounds)):

            def mean(name: str, lo: float = lo, hi: float = hi) -> str:
                vals = [v for s, v in rec.series.get(name, []) if lo < s <= hi]
                return fmt_value(sum(vals) / len(vals)) if vals else ""

            va = dict(rec.series.get("val/acc", [])).get(hi)
            vl = dict(val)[hi]
            out.writerow(
                [
                    epoch,
                    mean("train/acc"),
                    mean("train/loss"),
                    "" if va is None else fmt_value(va),
                    fmt_value(vl),
                ]
            )


def write_lightning_csv(rec: Recorder, path: Path, steps_per_epoch: int) -> None:
    names = {
        "train/loss": "train_loss",
        "val/loss": "val_loss",
        "val/acc": "val_acc",
        "train/acc": "train_acc",
    }
    cols = ["epoch", "step", *sorted(names[n] for n in names if n in rec.series)]
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(cols)
        for step, row in rows_by_step(rec, list(names)):
            epoch = int((step - 1) // steps_per_epoch)
            train = {names[k]: v for k, v in row.items() if k.startswith("train")}
            val = {names[k]: v for k, v in row.items() if k.startswith("val")}
            for part in (train, val):
                if part:
                    out.writerow(
                        [
                            epoch,
                            int(step) - 1,
                            *(fmt_value(part[c]) if c in part else "" for c in cols[2:]),
                        ]
                    )


def write_jsonl(rec: Recorder, path: Path) -> None:
    with path.open("w") as f:
        for step, row in rows_by_step(rec, sorted(rec.series)):
            f.write(json.dumps({"step": int(step), **{k: row[k] for k in sorted(row)}}) + "\n")


def write_probes(rec: Recorder, path: Path) -> None:
    cols = [
        "step",
        "layer",
        "weight_norm",
        "grad_norm",
        "act_mean_abs",
        "zero_fraction",
    ]
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(cols)
        for row in rec.probes:
            out.writerow(
                [
                    fmt_value(row[c]) if isinstance(row.get(c), float) else row.get(c, "")
                    for c in cols
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("tests/fixtures/corpus"))
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if args.only else []
    for run in RUNS:
        if args.only and run.name not in args.only:
            continue
        rec = train_vae(run.spec) if run.spec.vae else train(run.spec)
        if rec.crash and not any(s.startswith("error-") for s in run.expected):
            raise SystemExit(f"{run.name} crashed unexpectedly:\n{rec.crash}")
        if rec.crash and run.fmt != "text":
            raise SystemExit(f"{run.name}: only the text format keeps a traceback")
        data = run.spec.data(run.spec.seed)
        steps_per_epoch = math.ceil(len(data.x) / run.spec.batch)
        files = write_run(run, rec, args.out, steps_per_epoch)
        entry = {
            "run": run.name,
            "files": files,
            "format": run.fmt,
            "fault": run.fault,
            "healthy": run.healthy,
            "expected": run.expected,
            "also": run.also,
            "context": {"num_classes": N_CLASSES} if not run.spec.regression else {},
        }
        manifest = [m for m in manifest if m["run"] != run.name] + [entry]
        print(run.name, {k: len(v) for k, v in rec.series.items()})
    manifest.sort(key=lambda m: m["run"])
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")


def write_run(run: Run, rec: Recorder, out: Path, steps_per_epoch: int) -> list[str]:
    ext = {"text": "log", "keras-csv": "csv", "lightning-csv": "csv", "jsonl": "jsonl"}[run.fmt]
    path = out / f"{run.name}.{ext}"
    if run.fmt == "text":
        write_text(rec, path, steps_per_epoch)
    elif run.fmt == "keras-csv":
        write_keras_csv(rec, path)
    elif run.fmt == "lightning-csv":
        write_lightning_csv(rec, path, steps_per_epoch)
    else:
        write_jsonl(rec, path)
    files = [path.name]
    if rec.probes:
        probes = out / f"{run.name}.layers.csv"
        write_probes(rec, probes)
        files.append(probes.name)
    return files


if __name__ == "__main__":
    main()
