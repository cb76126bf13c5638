"""Caffe logs (glog output of ``caffe train`` or pycaffe), read at close to disk speed.

The hot path runs one regular expression over each block of raw bytes and handles only
the lines it matches (the usual display of loss, train net output and lr as one match):
solver lines (``Iteration N, loss = X``, ``Iteration N, lr = X``,
``Iteration N, Testing net (#k)``), net outputs (``Train net output #k: name = v``,
``Test net output #k: name = v``, old ``Test score #k: v``) and ``debug_info`` lines
(``[Forward] Layer X, top blob Y data: v`` and the like). The text between matched lines
(the printed definitions at start-up, stack traces, other messages) goes to a second
expression for run boundaries and definitions; the lines of a block that hold an error
message's words are found in one pass (``errors.Recogniser.lines_with_words``), and those
between matched lines are tried as errors.

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
# Group numbers of the last group each alternative sets (Match.lastindex).
_DISPLAY, _LOSS, _LR, _TESTING, _TESTING_K, _OUTPUT, _SCORE = 5, 7, 8, 9, 10, 14, 16

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
        # The lines of the block being read that hold an error's words: (offset, line).
        self.errors: deque[tuple[int, bytes]] = deque()
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

        This loop is where the time goes, so the common display (loss, train net output,
        lr) is one match, and repeated numbers (the iteration on its three lines, a
        constant lr) are parsed once.
        """
        count = block.count
        self.errors = deque(recogniser().lines_with_words(block))
        prev = -1  # start of the previous matched line in this block
        for m in _LINE.finditer(block):
            start = m.start()
            if prev < 0:
                before = count(b"\n", 0, start)
                if before:
                    self._gap(block, 0, block.rfind(b"\n", 0, start) + 1, line + 1)
                line += before + 1
            else:
                skipped = count(b"\n", prev, start)
                if skipped > 1:
                    gap = block.find(b"\n", prev) + 1
                    self._gap(block, gap, block.rfind(b"\n", 0, start) + 1, line + 1)
                line += skipped
            prev = start
            kind = m.lastindex
            if kind == _DISPLAY:
                iteration, raw, name, output, lr = m.group(1, 2, 3, 4, 5)
                self._loss(iteration, raw, line)
                self._output(b"Train", b"0", name, output, line + 1)
                self._lr(iteration, lr, line + 2)
                line += 2
                prev = m.start(5)
            elif kind == _LOSS:
                self._loss(m.group(6), m.group(7), line)
            elif kind == _LR:
                self._lr(m.group(6), m.group(8), line)
            elif kind == _OUTPUT:
                phase, index, name, raw = m.group(11, 12, 13, 14)
                self._output(phase, index, name, raw, line)
            elif kind == _SCORE:
                self._score(int(m.group(15)), m.group(16), line)
            elif kind in (_TESTING, _TESTING_K):
                self._enter(m.group(6))
                self.test_iter = self.last_iter
                self.test_net = int(m.group(10) or 0)
            else:
                self._debug(m, line)
        if prev < 0:
            self._gap(block, 0, len(block), line + 1)
            return line + count(b"\n")
        end = block.find(b"\n", prev) + 1
        if end < len(block):
            self._gap(block, end, len(block), line + 1)
        return line + count(b"\n", end)

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

    def _debug(self, m: re.Match[bytes], line: int) -> None:
        direction, layer, kind, blob, what, raw = m.group(17, 18, 19, 20, 21, 22)
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

    def _gap(self, block: bytes, start: int, end: int, first_line: int) -> None:
        """Lines between matched ones (``block[start:end]``, from line ``first_line`` on):
        run boundaries, printed definitions, errors."""
        errors = self._errors(block, start, end, first_line) if self.errors else []
        for m in _GAP.finditer(block, start, end):
            while errors and errors[0][0] < m.start():
                self._event(*errors.pop(0))
            kind = m.lastindex
            if kind == _FIELD:
                key = m.group(8).decode()
                # Only a class count is cited by its line: counting lines costs time.
                at = first_line + block.count(b"\n", start, m.start()) if key == "num_output" else 0
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
            self._event(*error)

    def _errors(
        self, block: bytes, start: int, end: int, first_line: int
    ) -> list[tuple[int, LogEvent]]:
        """The errors among the lines of the block with an error's words (``self.errors``,
        found once per block) that lie in ``block[start:end]``."""
        found = []
        while self.errors and self.errors[0][0] < start:  # in a line the loop matched
            self.errors.popleft()
        while self.errors and self.errors[0][0] < end:
            offset, raw = self.errors.popleft()
            line = self.source.decode(raw.removesuffix(b"\r"))
            signature = recogniser().match(line)
            if signature:
                number = first_line + block.count(b"\n", start, offset)
                found.append((offset, event_of(signature, number, line)))
        return found

    def _event(self, _offset: int, event: LogEvent) -> None:
        self.runs.event(event)


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
