"""What detectors see of a run: its curves by role, the chance levels, and how to cite.

Roles, not file names: a Caffe "Test net" is the validation series when there is no other,
and a run with accuracy is a classification run even if nobody said so. Accuracy is a
fraction here: one printed in percent is divided by 100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from troubleshoot.detect.curves import Curve, curve_of
from troubleshoot.detect.thresholds import Thresholds
from troubleshoot.facts import Evidence, Phrase
from troubleshoot.read.model import (
    GRAD_NORM,
    TEST_ACC,
    TEST_LOSS,
    TRAIN_ACC,
    TRAIN_LOSS,
    VAL_ACC,
    VAL_LOSS,
    ClassHint,
    LayerStats,
    LogEvent,
    RunData,
)


@dataclass(frozen=True)
class Found:
    """A symptom a detector established, with the observations behind it. ``seen`` is the
    number of points it was judged from when that is fewer than a full shape judgement needs
    (a short excerpt): its evidence then says so."""

    symptom: str
    evidence: tuple[Evidence, ...]
    seen: int | None = None


@dataclass
class RunView:
    source: str
    curves: dict[str, Curve]
    loss_curves: list[Curve]  # every series whose name says loss, for value signatures
    layers: LayerStats
    events: list[LogEvent]
    num_classes: int | None
    classification: bool
    warnings: list[Phrase] = field(default_factory=list)
    hint: ClassHint | None = None  # what the run printed, when the class count comes from it
    units: dict[str, str] = field(default_factory=dict)  # of each series, by its name

    def get(self, name: str) -> Curve | None:
        return self.curves.get(name)

    def usable(self, name: str, least: int) -> Curve | None:
        """The finite points of series ``name`` logged before the loss broke, if there are
        at least ``least`` of them."""
        curve = self.get(name)
        if curve is None:
            return None
        curve = self.before_the_loss_broke(curve.only_finite())
        return curve if len(curve) >= least else None

    def before_the_loss_broke(self, curve: Curve) -> Curve:
        """The points of ``curve`` logged before the loss first turned NaN or inf: after
        that the weights are garbage, and an accuracy of 0 (or a training loss that a
        trainer logs as 0 once it leaves non-finite losses out) says nothing the NaN has
        not said already. The training loss decides; when it looks finite throughout, the
        validation loss. A gradient norm that turns non-finite and stays so to the end (as
        Hugging Face's Trainer logs ``grad_norm``) breaks the run too, from where it
        turned, even before the first evaluation; one that recovers is a mixed-precision
        loss scaler skipping a step, not a break. When training went on with finite losses
        after the validation loss turned NaN, the weights survived: only the evaluation
        series break. Source lines order the series where both have them (a Keras line
        holds both); steps otherwise."""
        train = self.get(TRAIN_LOSS)
        loss = train if train is not None and not train.finite.all() else self.get(VAL_LOSS)
        evaluated = curve.name.startswith(("val/", "test/"))
        if loss is not train and self.trained_on_after_nan_evaluation is not None and not evaluated:
            loss = None
        breaks = []
        if loss is not None and not loss.finite.all():
            first = int(np.argmin(loss.finite))
            if loss is not curve:
                breaks.append((loss, first))
            hidden = zeros_hiding_nan(train, loss, first) if loss is not train else None
            if train is not None and hidden is not None:
                breaks.append((train, hidden))
        norm = self.get(GRAD_NORM)
        if norm is not None and len(norm) >= 2 and not norm.finite[-2:].any():
            breaks.append(
                (norm, int(np.flatnonzero(norm.finite)[-1]) + 1 if norm.finite.any() else 0)
            )
        if not breaks:
            return curve
        keep = np.ones(len(curve), dtype=bool)
        for broken, first in breaks:
            keep &= logged_before(curve, broken, first)
        return Curve(curve.name, curve.steps[keep], curve.values[keep], curve.lines[keep])

    @cached_property
    def trained_on_after_nan_evaluation(self) -> Curve | None:
        """The training losses logged from the first NaN evaluation on, when there are some
        and all are ordinary numbers: training went on with finite weights, so only what
        evaluation feeds the model turns NaN. A 0 is not ordinary here (Hugging Face's
        Trainer logs 0 for steps whose loss was not finite), nor is a training loss that
        was ever non-finite, or a gradient norm that is not finite at the end."""
        train, val, norm = self.get(TRAIN_LOSS), self.get(VAL_LOSS), self.get(GRAD_NORM)
        if train is None or val is None or val.finite.all() or not train.finite.all():
            return None
        if norm is not None and len(norm) and not norm.finite[-1]:
            return None
        after = ~logged_before(train, val, int(np.argmin(val.finite)))
        if not after.any() or not np.all(train.values[after] != 0):
            return None
        return Curve(train.name, train.steps[after], train.values[after], train.lines[after])

    @property
    def chance_acc(self) -> float | None:
        return 1.0 / self.num_classes if self.num_classes else None

    @property
    def chance_loss(self) -> float | None:
        return math.log(self.num_classes) if self.num_classes and self.num_classes > 1 else None

    def cite(self, curve: Curve, index: int, detail: Phrase) -> Evidence:
        """Evidence for one point of a curve: series, step, value and source line."""
        step = float(curve.steps[index])
        line = int(curve.lines[index])
        return Evidence(
            source=self.source,
            detail=detail,
            series=curve.name,
            step=int(step) if step.is_integer() else step,
            value=_value(curve.values[index]),
            line=line or None,
            unit=self.units.get(curve.name),
        )


def logged_before(curve: Curve, other: Curve, index: int, *, inclusive: bool = False) -> np.ndarray:
    """Which points of ``curve`` were logged before point ``index`` of ``other`` (or with
    it, when ``inclusive``). Source lines order them where both have lines (a Keras line
    holds a training and a validation value); steps otherwise."""
    if other.lines[index] and curve.lines.all():
        mine, theirs = curve.lines, other.lines[index]
    else:
        mine, theirs = curve.steps, other.steps[index]
    return mine <= theirs if inclusive else mine < theirs


def zeros_hiding_nan(train: Curve | None, val: Curve, first: int) -> int | None:
    """Where a validation NaN (point ``first`` of ``val``) began in a training loss that
    looks finite: the first of the exact zeros logged just before it, if any. Hugging
    Face's Trainer adds nothing to the loss it logs for a non-finite step, so a model that
    has turned NaN is logged at 0 until the next evaluation shows the NaN."""
    if train is None:
        return None
    before = int(np.count_nonzero(logged_before(train, val, first, inclusive=True)))
    start = before
    while start > 0 and train.values[start - 1] == 0:
        start -= 1
    return start if start < before else None


def _value(v: float) -> float | str:
    return float(v) if np.isfinite(v) else str(v)


def _num_classes(context: Mapping[str, object]) -> int | None:
    return _count(context.get("num_classes"))


def _count(raw: object) -> int | None:
    try:
        n = int(raw) if isinstance(raw, int | float | str) and not isinstance(raw, bool) else None
    except (ValueError, OverflowError):
        return None
    return n if n and n > 1 else None


def _in_percent(values: np.ndarray) -> bool:
    """An accuracy printed in percent ("Accuracy: 18%"): a fraction never exceeds 1."""
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and 1 < float(finite.max()) <= 100 and float(finite.min()) >= 0


def view_of(run: RunData, t: Thresholds, given: Mapping[str, object] | None = None) -> RunView:
    """The run as detectors see it; ``given`` context fills in what the run does not say,
    and a class count the run only prints (a setting, its last layer's width) comes after
    what was stated, and only for a run already known to classify: a detection config's
    ``num_classes: 80`` does not make its loss a classifier's."""
    context = {**(given or {}), **run.context}
    curves: dict[str, Curve] = {}
    warnings: list[Phrase] = []
    for name, series in run.series.items():
        if not len(series):
            continue
        curve, resumes = curve_of(series, t.max_resumes)
        if resumes:
            warnings.append(
                Phrase.of(
                    "note_resumed",
                    source=run.source,
                    series=name,
                    resumes=resumes,
                    replaced=len(series) - len(curve),
                    points=len(series),
                )
            )
        curves[name] = curve
    # With no separate validation series, the test series is the held-out one (Caffe's
    # "Test net" is usually the validation set).
    if not {VAL_LOSS, VAL_ACC} & curves.keys():
        for val, test in ((VAL_LOSS, TEST_LOSS), (VAL_ACC, TEST_ACC)):
            if test in curves:
                curves[val] = curves.pop(test)
    for name in (TRAIN_ACC, VAL_ACC, TEST_ACC):
        if name in curves and _in_percent(curves[name].values):
            c = curves[name]
            curves[name] = Curve(c.name, c.steps, c.values / 100, c.lines)
    loss_curves = [c for n, c in curves.items() if "loss" in n.lower()]
    task = str(context.get("task", "")).lower()
    classification = task == "classification" or (
        task in ("", "other")
        and (_num_classes(context) is not None or bool({TRAIN_ACC, VAL_ACC} & curves.keys()))
    )
    num_classes = _num_classes(context) if classification else None
    hint = run.class_hint if classification and num_classes is None else None
    if hint is not None:
        num_classes = _count(hint.n)
    return RunView(
        source=run.source,
        curves=curves,
        loss_curves=loss_curves,
        layers=run.layers,
        events=list(run.events),
        num_classes=num_classes,
        classification=classification,
        warnings=warnings,
        hint=hint if num_classes is not None else None,
        units={name: series.unit for name, series in run.series.items()},
    )
