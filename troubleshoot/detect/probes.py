"""Symptoms read from per-layer statistics (Caffe debug_info, or a user's per-layer log).

Caffe prints the mean absolute value of each blob; users usually log L2 norms. The checks
are ratios, exact zeros, non-finite values and bounds that hold for both.
"""

from __future__ import annotations

import re

import numpy as np

from troubleshoot.detect.curves import median
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.detect.view import Found, RunView
from troubleshoot.facts import Evidence, Phrase
from troubleshoot.read.model import Series

NOT_LOGITS = re.compile(r"loss|acc|prob|softmax|top-?\d", re.IGNORECASE)
BIAS = re.compile(r"^(1|b|bias(es)?)$", re.IGNORECASE)


def detect_probes(view: RunView, t: Thresholds) -> list[Found]:
    if not view.layers.norms and not view.layers.zero_fraction:
        return []
    found = nan_in_layer(view)
    grads = _weight_grads(view)
    found += grad_zero(view, grads)
    found += grad_vanishing(view, grads, t)
    found += grad_exploding(view, t)
    found += dead_relu(view, t)
    if view.classification:
        found += logits_huge(view, t)
    return found


def _cite(view: RunView, series: Series, i: int, detail: Phrase) -> Evidence:
    step = float(series.steps[i])
    value = float(series.values[i])
    return Evidence(
        source=view.source,
        detail=detail,
        series=series.name,
        step=int(step) if step.is_integer() else step,
        value=value if np.isfinite(value) else str(value),
        line=int(series.lines[i]) or None,
        unit=series.unit,
    )


def _recent(series: Series, t: Thresholds) -> float | None:
    """The typical latest value: median of the last ``recent_points`` finite points."""
    v = np.asarray(series.values, dtype=float)
    v = v[np.isfinite(v)]
    return median(v[-t.recent_points :]) if len(v) else None


def _weight_grads(view: RunView) -> list[tuple[str, Series]]:
    """Weight-gradient series in forward layer order (biases left out)."""
    out = []
    for layer in view.layers.order:
        for (name, blob, phase), series in view.layers.norms.items():
            if name == layer and phase == "param-diff" and not BIAS.match(blob) and len(series):
                out.append((layer, series))
                break
    return out


def nan_in_layer(view: RunView) -> list[Found]:
    """The first layer (in forward order) at the first step where any statistic is NaN/inf."""
    rank = {layer: i for i, layer in enumerate(view.layers.order)}
    first: tuple[float, int, Series, int] | None = None
    for (layer, _, _), series in view.layers.norms.items():
        bad = np.flatnonzero(~np.isfinite(np.asarray(series.values, dtype=float)))
        if len(bad):
            i = int(bad[0])
            key = (float(series.steps[i]), rank.get(layer, len(rank)), series, i)
            if first is None or key[:2] < first[:2]:
                first = key
    if first is None:
        return []
    _, _, series, i = first
    return [Found("nan-in-layer", (_cite(view, series, i, Phrase.of("ev_nan_in_layer")),))]


def grad_zero(view: RunView, grads: list[tuple[str, Series]]) -> list[Found]:
    zero = [(layer, s) for layer, s in grads if np.all(np.asarray(s.values, dtype=float) == 0.0)]
    if not zero:
        return []
    names = ", ".join(layer for layer, _ in zero)
    series = zero[0][1]
    detail = Phrase.of("ev_grad_zero", layers=names)
    return [Found("grad-zero", (_cite(view, series, 0, detail),))]


def grad_vanishing(view: RunView, grads: list[tuple[str, Series]], t: Thresholds) -> list[Found]:
    if len(grads) < 2:
        return []
    (first_layer, first), (last_layer, last) = grads[0], grads[-1]
    g_first, g_last = _recent(first, t), _recent(last, t)
    if not g_first or not g_last or g_first <= 0:
        return []
    ratio = g_first / g_last
    if ratio >= t.grad_vanish_ratio or g_first >= t.grad_vanish_abs:
        return []
    detail = Phrase.of("ev_grad_vanishing", first=first_layer, ratio=ratio, last=last_layer)
    return [Found("grad-vanishing", (_cite(view, first, len(first) - 1, detail),))]


def grad_exploding(view: RunView, t: Thresholds) -> list[Found]:
    hits = []
    for (layer, _, phase), series in view.layers.norms.items():
        if not phase.endswith("diff"):
            continue
        v = np.asarray(series.values, dtype=float)
        big = np.flatnonzero((v >= t.grad_explode_abs) | np.isposinf(v))
        if len(big):
            hits.append((float(series.steps[big[0]]), layer, series, int(big[0])))
    if not hits:
        return []
    _, layer, series, i = min(hits, key=lambda h: h[0])
    detail = Phrase.of(
        "ev_grad_exploding", layer=layer, value=series.values[i], limit=t.grad_explode_abs
    )
    return [Found("grad-exploding", (_cite(view, series, i, detail),))]


def dead_relu(view: RunView, t: Thresholds) -> list[Found]:
    for layer, series in view.layers.zero_fraction.items():
        share = _recent(series, t)
        if share is not None and share >= t.dead_relu_frac:
            detail = Phrase.of("ev_dead_relu", share=share, layer=layer)
            return [Found("dead-relu", (_cite(view, series, len(series) - 1, detail),))]
    forward = _forward(view)
    for (layer, series), (_, below) in zip(forward[1:], forward[:-1], strict=True):
        out, into = _recent(series, t), _recent(below, t)
        if "relu" in layer.lower() and out == 0.0 and into:
            detail = Phrase.of("ev_dead_relu_input", layer=layer, input=into)
            return [Found("dead-relu", (_cite(view, series, len(series) - 1, detail),))]
    return []


def _forward(view: RunView) -> list[tuple[str, Series]]:
    """Forward-data series of each layer, in forward order."""
    out = []
    for layer in view.layers.order:
        for (name, _, phase), series in view.layers.norms.items():
            if name == layer and phase == "forward-data" and len(series):
                out.append((layer, series))
                break
    return out


def logits_huge(view: RunView, t: Thresholds) -> list[Found]:
    candidates = [(layer, s) for layer, s in _forward(view) if not NOT_LOGITS.search(layer)]
    if not candidates:
        return []
    layer, series = candidates[-1]
    v = np.asarray(series.values, dtype=float)
    big = np.flatnonzero(np.isfinite(v) & (v >= t.logits_huge))
    if not len(big):
        return []
    i = int(big[0])
    detail = Phrase.of("ev_logits_huge", layer=layer, value=v[i])
    return [Found("logits-huge", (_cite(view, series, i, detail),))]
