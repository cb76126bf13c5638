"""Caffe logs (glog output of ``caffe train`` or pycaffe), read at close to disk speed.

The hot path cuts each block of raw bytes at the lines one regular expression matches
(``re.split``, one call a block) and handles only those: solver lines
(``Iteration N, loss = X``, ``Iteration N, lr = X``, ``Iteration N, Testing net (#k)``),
net outputs (``Train net output #k: name = v``, ``Test net output #k: name = v``, old
``Test score #k: v``) and ``debug_info`` lines (``[Forward] Layer X, top blob Y data: v``
and the like). The usual display (loss, train net output #0, lr) is one match, and a
stretch of displays goes into the series at once. The text between matched lines (the
printed definitions at start-up, stack traces, other messages) goes to a second
expression for run boundaries and definitions, and its lines that hold an error
message's words, found in one pass (``errors.Recogniser.lines_with_words``), are tried as
errors.

Series: ``train/loss`` is the solver's loss (the weighted total, smoothed over
``average_loss`` iterations); ``train/acc`` a train net output named like an accuracy;
every other train net output ``train-net/<name>``, kept only where it differs from
``train/loss`` (with one loss output and no smoothing they are the same numbers);
outputs of test net #0 ``test/<name>`` (so ``test/loss``, ``test/acc``), of test net #k
``test<k>/<name>``; ``lr``. The unit is the iteration.
"""

from __future__ import annotations

import re
from array import array
from collections import deque
from collections.abc import Iterator
from itertools import accumulate, repeat
from operator import add
from typing import Any

from troubleshoot.facts import Phrase
from troubleshoot.read.caffe_net import CaffeNet
from troubleshoot.read.errors import recogniser
from troubleshoot.read.layers import (
    BACKWARD_DIFF,
    FORWARD_DATA,
    PARAM_DATA,
    PARAM_DIFF,
    LayerRecorder,
)
from troubleshoot.read.model import (
    LEARNING_RATE,
    TEST_ACC,
    TEST_LOSS,
    TRAIN_ACC,
    TRAIN_LOSS,
    LogEvent,
    RunData,
    Series,
)
from troubleshoot.read.names import canonical
from troubleshoot.read.runs import RunBuilder, event_of
from troubleshoot.read.source import Meter, Source
from troubleshoot.read.values import to_float

FORMAT = "caffe-glog"
UNIT = "iteration"

_LINE = re.compile(
    # The common display: the loss, train net output #0 and the lr, three lines in a row,
    # as one match (each line's first "]" the one matched, as the alternatives below find).
    rb"\] +(?:Iteration (\d+)(?: \([^)\n]*\))?, loss = (\S+)\n"
    rb"[^\]\n]*\] +Train net output #0: (\S+) = (\S+)[^\]\n]*\n"
    rb"[^\]\n]*\] +Iteration \1(?: \([^)\n]*\))?, lr = (\S+)"
    rb"|Iteration (\d+)(?: \([^)\n]*\))?, (?:loss = (\S+)|lr = (\S+)"
    rb"|(Testing) net(?: \(#(\d+)\))?)"
    rb"|(Train|Test) net output #(\d+): (\S+) = (\S+)"
    rb"|Test score #(\d+): (\S+)"
    rb"|\[(Forward|Backward|Update)\] Layer ([^,\n]+), (top blob|bottom blob|param blob|param)"
    rb" (.+?) (data|diff): ([^\s;]+))",
    re.MULTILINE,
)
# The group each alternative sets last, which no other alternative sets.
_DISPLAY, _LOSS, _LR, _TESTING, _TESTING_K, _OUTPUT, _SCORE = 5, 7, 8, 9, 10, 14, 16
# re.split's list: the text before a match, then its groups (None where unmatched), and so on.
_STRIDE = _LINE.groups + 1

_GAP = re.compile(
    rb"^(?:[IWEF]\d{4} [^\]\n]*\] +(?:(Initializing solver)|(Initializing net)"
    rb"|Creating (training|test(?:ing)?) net|This network produces output (\S+))"
    rb"|(Log file created at)|[ \t]*([a-z_0-9]+) \{|[ \t]*(\})"
    rb"|[ \t]*(type|name|num_output|batch_size|phase|base_lr|momentum|solver_type): ([^\s]+))",
    re.MULTILINE,
)
_SOLVER, _NET, _CREATING, _PRODUCES, _LOGFILE, _OPEN, _CLOSE, _FIELD = 1, 2, 3, 4, 5, 6, 7, 9

_PHASES = {
    (b"Forward", b"top blob", b"data"): FORWARD_DATA,
    (b"Forward", b"param blob", b"data"): PARAM_DATA,
    (b"Backward", b"bottom blob", b"diff"): BACKWARD_DIFF,
    (b"Backward", b"param blob", b"diff"): PARAM_DIFF,
    (b"Update", b"param", b"data"): PARAM_DATA,
}


class _Shadow:
    """A train net output that has so far repeated train/loss point for point."""

    __slots__ = ("count", "series")

    def __init__(self) -> None:
        self.count = 0
        self.series: Series | None = None


class CaffeReader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.runs = RunBuilder(source.label, FORMAT)
        self._start_run()

    # ---------------------------------------------------------------- run state

    def _start_run(self) -> None:
        self.net = CaffeNet(self.runs)
        self.net_kind = "training"
        self.outputs_of: dict[str, list[str]] = {"train": [], "test": []}
        self._reset_series()

    def _reset_series(self) -> None:
        """Forget per-run caches; called whenever the current run changes."""
        run = self.runs.run
        self.recorder = LayerRecorder(run.layers)
        self.loss = run.get(TRAIN_LOSS, UNIT)
        self.lr = run.get(LEARNING_RATE, UNIT)
        self.train_outputs: dict[bytes, Series | _Shadow] = {}
        self.test_outputs: dict[tuple[int, bytes], Series] = {}
        self.last_iter = -1.0
        self.iter_raw = b""  # the iteration number as last printed, to skip re-parsing it
        self.loss_raw = b""
        self.lr_raw = b""
        self.lr_value: float | None = None
        self.test_iter = 0.0
        self.test_net = 0
        self.pending: list[tuple[str, str, str, float, int]] = []

    def _new_run(self, inherit_context: bool) -> None:
        self._flush_pending(self.last_iter + 1 if self.last_iter >= 0 else 0.0)
        before = self.runs.run
        self.runs.new_run(inherit_context)
        if self.runs.run is not before:
            self._reset_series()

    # ---------------------------------------------------------------- reading

    def read(self, meter: Meter | None = None) -> Iterator[RunData]:
        """The runs of the log, each handed out once the block in which the next one began
        is read, so a file of many runs holds only the runs around the block being read."""
        line = self.source.lines_before
        for block in self.source.blocks(meter):
            line = self._block(block, line)
            for run in self.runs.take():
                yield _finished(run)
        self.source.tail_line = line + 1
        self._flush_pending(self.last_iter + 1 if self.last_iter >= 0 else 0.0)
        for run in self.runs.finish(self.source):
            yield _finished(run)

    def _block(self, block: bytes, line: int) -> int:
        """Read one block whose first line is number ``line + 1``; return its last line.

        This is where the time goes. ``re.split`` cuts the block at every matched line in
        one call, so Python sees lists of groups and of the text between, not a match
        object per line; the common display (loss, train net output, lr) is one match, and
        a stretch of displays is added to the series at once (``_displays``).
        """
        parts = _LINE.split(block)
        texts = parts[::_STRIDE]  # before the first match, between matches, after the last
        breaks = list(map(bytes.count, texts, repeat(b"\n", len(texts))))
        lrs = parts[_DISPLAY::_STRIDE]  # a display's lr; None for every other match
        count = len(lrs)
        if not count:
            self._gap(block, 0, len(block), line + 1)
            return line + breaks[0]
        if breaks[0]:
            self._gap(texts[0], 0, texts[0].rfind(b"\n") + 1, line + 1)
        line += breaks[0] + 1  # the line of the first match
        i = 0
        while True:
            if lrs[i] is None:
                self._single(parts[i * _STRIDE : (i + 1) * _STRIDE], line)
                last, i = line, i + 1
            else:
                j = i + 1
                while (
                    j < count and lrs[j] is not None and (breaks[j] == 1 or self._quiet(texts[j]))
                ):
                    j += 1
                # The loss line of each display: two lines after the last lr, plus the gap.
                lines = list(accumulate(map(add, breaks[i + 1 : j], repeat(2)), initial=line))
                self._displays(parts[i * _STRIDE : j * _STRIDE], lines)
                last, i = lines[-1] + 2, j
            text = texts[i]
            if i == count:
                end = text.find(b"\n") + 1
                if end < len(text):
                    self._gap(text, end, len(text), last + 1)
                return last + breaks[i] - 1
            if breaks[i] > 1:
                self._gap(text, text.find(b"\n") + 1, text.rfind(b"\n") + 1, last + 1)
            line = last + breaks[i]

    def _single(self, g: list[Any], line: int) -> None:
        """One matched line other than a display; ``g[k]`` is group k of ``_LINE``."""
        if g[_LOSS] is not None:
            self._loss(g[6], g[7], line)
        elif g[_LR] is not None:
            self._lr(g[6], g[8], line)
        elif g[_TESTING] is not None:
            self._enter(g[6])
            self.test_iter = self.last_iter
            self.test_net = int(g[_TESTING_K] or 0)
        elif g[_OUTPUT] is not None:
            self._output(g[11], g[12], g[13], g[14], line)
        elif g[_SCORE] is not None:
            self._score(int(g[15]), g[16], line)
        else:
            self._debug(g[17:23], line)

    def _quiet(self, text: bytes) -> bool:
        """Whether the lines between two displays change nothing: no definition, boundary
        or error's words among them, so the displays on either side can be added together."""
        start, end = text.find(b"\n") + 1, text.rfind(b"\n") + 1
        return not _GAP.search(text, start, end) and not recogniser().lines_with_words(
            text[start:end]
        )

    def _displays(self, groups: list[Any], lines: list[int]) -> None:
        """Consecutive displays (``re.split``'s groups of each, one after the other) whose
        loss lines are ``lines``: added at once where the reader's state allows, else one
        by one."""
        displays = [groups[k::_STRIDE] for k in range(1, 6)] + [lines]
        if self.train_outputs.get(groups[3]) is None:  # a new output: its first display says
            self._display(*(column[0] for column in displays))  # what it is
            displays = [column[1:] for column in displays]
        if displays[-1] and not self._add_displays(*displays):
            for display in zip(*displays, strict=True):
                self._display(*display)

    def _display(
        self, iteration: bytes, raw: bytes, name: bytes, output: bytes, lr: bytes, line: int
    ) -> None:
        """One display read as its three lines."""
        self._loss(iteration, raw, line)
        self._output(b"Train", b"0", name, output, line + 1)
        self._lr(iteration, lr, line + 2)

    def _add_displays(
        self,
        iterations: list[bytes],
        raws: list[bytes],
        names: list[bytes],
        outputs: list[bytes],
        rates: list[bytes],
        lines: list[int],
    ) -> bool:
        """Add the displays at once, with what reading them one by one would give, when
        that is plain: the iteration never goes back (no new run), every number is one
        ``float`` reads, their one train output is known already and no debug_info waits.
        Otherwise change nothing and return False."""
        target = self.train_outputs.get(names[0])
        if target is None or self.pending or names.count(names[0]) != len(names):
            return False
        try:
            steps = list(map(float, iterations))
            values = list(map(float, raws))
            lr_values = list(map(float, rates))
            outs = values if outputs == raws else list(map(float, outputs))
        except ValueError:
            return False
        if steps[0] < self.last_iter or steps != sorted(steps):
            return False
        loss = self.loss
        own = target if isinstance(target, Series) else target.series
        if isinstance(target, _Shadow) and own is None:  # so far the output repeats the loss
            if len(loss.values) != target.count or not (
                outs is values or all(map(_same, values, outs))
            ):
                return False
            target.count += len(steps)
        elif own is not None:
            own.steps.extend(steps)
            own.values.extend(outs)
            own.lines.extend(map(add, lines, repeat(1)))
        loss.steps.extend(steps)
        loss.values.extend(values)
        loss.lines.extend(lines)
        lr = self.lr
        lr.steps.extend(steps)
        lr.values.extend(lr_values)
        lr.lines.extend(map(add, lines, repeat(2)))
        self.last_iter, self.iter_raw = steps[-1], iterations[-1]
        self.loss_raw, self.lr_raw, self.lr_value = raws[-1], rates[-1], lr_values[-1]
        return True

    def _loss(self, iteration: bytes, raw: bytes, line: int) -> None:
        if iteration != self.iter_raw:
            self._enter(iteration)
        if self.pending:
            self._flush_pending(self.last_iter)
        self.loss_raw = raw
        loss = self.loss
        try:
            loss.values.append(float(raw))
        except ValueError:
            _add(loss, self.last_iter, raw, line)
            return
        loss.steps.append(self.last_iter)
        loss.lines.append(line)

    def _lr(self, iteration: bytes, raw: bytes, line: int) -> None:
        if iteration != self.iter_raw:
            self._enter(iteration)
        if raw != self.lr_raw:  # a constant lr is parsed once
            self.lr_raw, self.lr_value = raw, to_float(raw)
        if self.lr_value is not None:
            lr = self.lr
            lr.steps.append(self.last_iter)
            lr.values.append(self.lr_value)
            lr.lines.append(line)

    def _output(self, phase: bytes, index: bytes, name: bytes, raw: bytes, line: int) -> None:
        shadow = self.train_outputs.get(name) if phase == b"Train" else None
        if (
            type(shadow) is _Shadow
            and shadow.series is None
            and raw == self.loss_raw
            and len(self.loss.values) == shadow.count + 1
        ):
            shadow.count += 1  # the usual case: the output repeats train/loss
        elif phase == b"Train":
            self._train_output(name, int(index), raw, line)
        else:
            self._test_output(name, raw, line)

    def _enter(self, raw: bytes) -> None:
        """A line of iteration ``raw``: a number below the last one starts a new run."""
        step = float(raw)
        if step < self.last_iter:
            self._new_run(inherit_context=True)
        self.last_iter = step
        self.iter_raw = raw

    # ---------------------------------------------------------------- net outputs

    def _train_output(self, name: bytes, index: int, raw: bytes, line: int) -> None:
        target = self.train_outputs.get(name)
        if target is None:
            target = self.train_outputs[name] = self._train_series(name)
        if isinstance(target, Series):
            _add(target, self.last_iter, raw, line)
            return
        if target.series is None:
            loss, n = self.loss, target.count
            aligned = len(loss.values) == n + 1 and loss.steps[n] == self.last_iter
            if aligned and (raw == self.loss_raw or _same(loss.values[n], to_float(raw))):
                target.count += 1
                return
            target.series = self._unshadow(name, index, n)
        _add(target.series, self.last_iter, raw, line)

    def _train_series(self, raw_name: bytes) -> Series | _Shadow:
        run = self.runs.run
        if canonical(self.source.decode(raw_name)) == TRAIN_ACC and TRAIN_ACC not in run.series:
            return run.get(TRAIN_ACC, UNIT)
        return _Shadow()

    def _unshadow(self, raw_name: bytes, index: int, n: int) -> Series:
        """The output stops repeating train/loss: give it its own series, history included."""
        loss = self.loss
        series = self.runs.run.get(f"train-net/{self.source.decode(raw_name).lower()}", UNIT)
        series.steps = loss.steps[:n]
        series.values = loss.values[:n]
        series.lines = array(loss.lines.typecode, (x + 1 + index for x in loss.lines[:n]))
        return series

    def _test_output(self, name: bytes, raw: bytes, line: int) -> None:
        key = (self.test_net, name)
        series = self.test_outputs.get(key)
        if series is None:
            series = self.test_outputs[key] = self._test_series(*key)
        _add(series, self.test_iter, raw, line)

    def _test_series(self, net: int, raw_name: bytes) -> Series:
        name = self.source.decode(raw_name)
        mapped = canonical(name, "test")
        if net or not mapped.startswith("test/"):
            mapped = f"test{net or ''}/{name.lower()}"
        return self.runs.run.get(mapped, UNIT)

    def _score(self, index: int, raw: bytes, line: int) -> None:
        """Old Caffe's 'Test score #k': named after the test net's k-th output if known."""
        outputs = self.outputs_of["test"]
        name = outputs[index].encode() if index < len(outputs) else f"score{index}".encode()
        self._test_output(name, raw, line)

    # ---------------------------------------------------------------- debug_info

    def _debug(self, groups: list[bytes], line: int) -> None:
        direction, layer, kind, blob, what, raw = groups
        phase = _PHASES.get((direction, kind, what))
        value = to_float(raw)
        if phase is None or value is None:
            return
        name = self.source.decode(layer)
        blob_name = self.source.decode(blob)
        if direction == b"Forward" or direction == b"Backward":
            # Printed before the "Iteration N, loss" line of the iteration they belong to.
            self.pending.append((name, blob_name, phase, value, line))
            return
        # [Update] repeats the weights [Forward] printed in the same iteration (older Caffe
        # printed them only here); its diff is the update step, not the gradient.
        series = self.runs.run.layers.norms.get((name, blob_name, phase))
        if series is None or not len(series) or series.steps[-1] != self.last_iter:
            self.recorder.norm(name, blob_name, phase, self.last_iter, value, line)

    def _flush_pending(self, step: float) -> None:
        for name, blob, phase, value, line in self.pending:
            self.recorder.norm(name, blob, phase, step, value, line)
        self.pending.clear()

    # ---------------------------------------------------------------- other lines

    def _gap(self, text: bytes, start: int, end: int, first_line: int) -> None:
        """Lines between matched ones (``text[start:end]``, from line ``first_line`` on):
        run boundaries, printed definitions, errors."""
        errors = self._errors(text[start:end], first_line)
        line_of = _LineCounter(text, start, first_line)
        for m in _GAP.finditer(text, start, end):
            while errors and errors[0].line < line_of(m.start()):
                self.runs.event(errors.popleft())
            kind = m.lastindex
            if kind == _FIELD:
                key = m.group(8).decode()
                # Only a class count is cited by its line: counting lines costs time.
                at = line_of(m.start()) if key == "num_output" else 0
                self.net.field(key, self.source.decode(m.group(9)), at)
            elif kind == _OPEN:
                self.net.open_block(m.group(6).decode())
            elif kind == _CLOSE:
                self.net.close_block()
            elif kind in (_SOLVER, _LOGFILE):
                self._new_run(inherit_context=False)
                self._start_run()  # a new job: new definitions, fresh caches
                if kind == _SOLVER:
                    self.net.start_solver()
            elif kind == _NET:
                self.net.start_net()
            elif kind == _CREATING:
                self.net_kind = m.group(3).decode()
            elif kind == _PRODUCES:
                self.outputs_of["train" if self.net_kind == "training" else "test"].append(
                    self.source.decode(m.group(4))
                )
        for error in errors:
            self.runs.event(error)

    def _errors(self, lines: bytes, first_line: int) -> deque[LogEvent]:
        """The errors among ``lines`` (the first is number ``first_line``): the lines with
        an error's words, found in one pass, tried against the signatures."""
        found: deque[LogEvent] = deque()
        line_of = _LineCounter(lines, 0, first_line)
        for offset, raw in recogniser().lines_with_words(lines):
            line = self.source.decode(raw.removesuffix(b"\r"))
            signature = recogniser().match(line)
            if signature:
                found.append(event_of(signature, line_of(offset), line))
        return found


class _LineCounter:
    """The line numbers of offsets in a text, asked in increasing order: each call counts
    the line breaks from the offset asked before, not from the start again."""

    __slots__ = ("line", "offset", "text")

    def __init__(self, text: bytes, offset: int, line: int) -> None:
        self.text, self.offset, self.line = text, offset, line

    def __call__(self, offset: int) -> int:
        self.line += self.text.count(b"\n", self.offset, offset)
        self.offset = offset
        return self.line


def _add(series: Series, step: float, raw: bytes, line: int) -> None:
    try:
        value = float(raw)
    except ValueError:
        parsed = to_float(raw)
        if parsed is None:
            return
        value = parsed
    series.steps.append(step)
    series.values.append(value)
    series.lines.append(line)


def _finished(run: RunData) -> RunData:
    run.context.setdefault("framework", "caffe")
    for name in [n for n, s in run.series.items() if not len(s)]:
        del run.series[name]
    _name_old_scores(run)
    return run


def _name_old_scores(run: RunData) -> None:
    """Old Caffe printed test outputs as unnamed scores; with two of them, the one that
    exceeds 1 cannot be an accuracy: it is the loss, and the other (within [0, 1]) the
    accuracy. Anything less clear keeps the names ``test/score0``, ``test/score1``."""
    first, second = run.series.get("test/score0"), run.series.get("test/score1")
    if first is None or second is None or "test/score2" in run.series:
        return
    if {TEST_LOSS, TEST_ACC} & run.series.keys():
        return
    for acc, loss in ((first, second), (second, first)):
        if _within_unit(acc) and any(v > 1 for v in loss.values):
            del run.series["test/score0"], run.series["test/score1"]
            acc.name, loss.name = TEST_ACC, TEST_LOSS
            run.series[TEST_ACC], run.series[TEST_LOSS] = acc, loss
            run.warnings.append(Phrase.of("w_old_test_score", source=run.source))
            return


def _within_unit(series: Series) -> bool:
    return all(0.0 <= v <= 1.0 for v in series.values)


def _same(a: float, b: float | None) -> bool:
    """Equal up to the rounding of Caffe's six printed digits (NaN equals NaN here)."""
    if b is None:
        return False
    return abs(a - b) <= 2e-5 * max(abs(a), abs(b)) or (a != a and b != b)


def starts_a_job(line: bytes) -> bool:
    """Whether the reader starts afresh at ``line`` (new definitions, fresh caches): glog's
    header or the solver's first line. What came before changes nothing read after it."""
    m = _GAP.match(line)
    return m is not None and m.lastindex in (_SOLVER, _LOGFILE)


def read_caffe(source: Source, meter: Meter | None = None) -> Iterator[RunData]:
    return CaffeReader(source).read(meter)
