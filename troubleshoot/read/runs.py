"""Collecting one file's points into runs: a new run where the step counter goes back.

A log that holds a restarted job (or several jobs appended to one file) would otherwise
look like one run whose loss jumps back to its starting value. Readers of formats whose
steps may legitimately repeat across files (TensorBoard, MLflow) turn splitting off.
"""

from __future__ import annotations

import numpy as np

from troubleshoot.facts import Phrase
from troubleshoot.read.errors import Signature, recogniser
from troubleshoot.read.model import LogEvent, RunData
from troubleshoot.read.source import Source
from troubleshoot.read.values import is_finite_step

MAX_EVENTS_PER_KIND = 20  # a log that repeats one error a million times needs only a few
HUGE = 1e300


class RunBuilder:
    """The runs of one input, built point by point."""

    def __init__(self, source: str, fmt: str, split_on_regress: bool = True) -> None:
        self.source = source
        self.format = fmt
        self.split_on_regress = split_on_regress
        self.run = RunData(source=source, format=fmt)
        # Closed runs not yet handed out by take() or finish(): a closed run can be named
        # only once a second non-empty run shows that the file holds several.
        self._closed: list[RunData] = []
        self._taken = 0  # runs already handed out by take()
        self._first: RunData | None = None  # the first run handed out, for file warnings
        self._last: dict[str, float] = {}
        self._events: dict[str, int] = {}
        self._bad_steps: set[str] = set()

    def new_run(self, inherit_context: bool = False) -> RunData:
        """Start the next run, unless the current one is still empty."""
        current = self.run
        if is_empty(current):
            if not inherit_context:
                current.context.clear()
                current.context_at.clear()
                current.class_hint = None
            return current
        self._close_events()
        fresh = RunData(source=self.source, format=self.format)
        if inherit_context:
            fresh.context.update(current.context)
            fresh.context_at.update(current.context_at)
            fresh.class_hint = current.class_hint
        self._closed.append(current)
        self.run = fresh
        self._last.clear()
        return fresh

    def point(
        self, name: str, step: float, value: float, line: int = 0, unit: str = "step"
    ) -> None:
        """Add one point; a step below the series' last one starts a new run."""
        if not is_finite_step(step):
            if name not in self._bad_steps:
                self._bad_steps.add(name)
                self.warn(Phrase.of("w_bad_steps", series=name))
            return
        last = self._last.get(name)
        if last is not None and step < last and self.split_on_regress:
            self.new_run(inherit_context=True)
        self._last[name] = step
        self.run.get(name, unit).append(step, value, line)

    def event(self, event: LogEvent) -> None:
        seen = self._events.get(event.kind, 0)
        self._events[event.kind] = seen + 1
        if seen < MAX_EVENTS_PER_KIND:
            self.run.events.append(event)

    def warn(self, message: Phrase) -> None:
        if message not in self.run.warnings:
            self.run.warnings.append(message)

    def take(self) -> list[RunData]:
        """Closed runs that are complete and named, for readers that hand runs out as they go.

        A run is closed when the next one starts, but the next one may stay empty to the
        end; only with two non-empty runs is it certain that the file holds several, so
        that the first is ``path#run-1`` rather than ``path``."""
        if self._taken + len(self._closed) < 2:
            return []
        runs, self._closed = self._closed, []
        return self._named(runs, several=True)

    def finish(self, source: Source | None = None) -> list[RunData]:
        """The runs not yet taken, named ``path#run-N`` when there are several, checked.

        The source's warnings go to the file's first run, even one handed out already
        (its warnings list is the same object the caller holds)."""
        if source is not None:
            self._take_tail(source)
        self._close_events()
        runs = [*self._closed, *([] if is_empty(self.run) else [self.run])]
        self._closed = []
        runs = self._named(runs, several=self._taken + len(runs) > 1)
        first = self._first
        if source is not None and first is not None:
            first.warnings[:0] = source.warnings
        return runs

    def _named(self, runs: list[RunData], several: bool) -> list[RunData]:
        """Number the runs on from those handed out before, and check their values."""
        for run in runs:
            self._taken += 1
            if several:
                run.source = f"{self.source}#run-{self._taken}"
            _check_values(run)
        if runs and self._first is None:
            self._first = runs[0]
        return runs

    def _close_events(self) -> None:
        for kind, count in self._events.items():
            if count > MAX_EVENTS_PER_KIND:
                self.warn(Phrase.of("w_more_events", kind=kind, n=count - MAX_EVENTS_PER_KIND))
        self._events.clear()

    def _take_tail(self, source: Source) -> None:
        """A last line without a line break may be half-written: errors count, values don't."""
        if source.tail is None or not source.tail.strip():
            return
        signature = recogniser().match(source.tail)
        if signature:
            self.event(event_of(signature, source.tail_line, source.tail))
        self.warn(Phrase.of("w_no_line_break", source=source.label))


def event_of(signature: Signature, line: int, text: str) -> LogEvent:
    """The event of a line that ``signature`` recognised."""
    return LogEvent(signature.id, line, text.strip(), signature.symptoms, signature.context)


def is_empty(run: RunData) -> bool:
    return not (
        any(len(s) for s in run.series.values())
        or run.events
        or run.layers.norms
        or run.layers.zero_fraction
        or run.context
    )


def _check_values(run: RunData) -> None:
    for name, series in run.series.items():
        if not len(series):
            continue
        values = np.frombuffer(series.values, dtype=np.float64)
        finite = values[np.isfinite(values)]
        if len(finite) and float(np.abs(finite).max()) >= HUGE:
            run.warnings.append(Phrase.of("w_huge_values", source=run.source, series=name))
