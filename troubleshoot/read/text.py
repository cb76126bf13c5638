"""Plain-text training output: progress lines, printed metrics, tracebacks and errors.

Each line (or each progress-bar update within a line) is parsed by ``text_line``; this
module turns positions into steps. A global step or iteration counter is used as it is;
an epoch plus a position within it (Keras bars, ``[1,  2000]``, ``Step [100/600]``)
becomes a running batch count, unless the position carries on from one epoch to the next
(``[1, 40]`` then ``[2, 50]``: a global counter already, used as it is); an epoch alone is
an epoch. A line without any counter, or one naming only the epoch the lines before it
were stepping through (``Epoch 3 validation: val_loss ...`` after ``[3, 140]``), takes the
position of the line before it: a validation summary printed after an epoch belongs at that
epoch's last step, on the same axis as the training points. A file that never prints a
counter uses the order of its metric lines.

Prose, source code and random text also have words followed by numbers. Their numbers are
read as metrics only if the text looks like a training log: a metric name (``names.
is_metric_name``) twice on lines that look printed by a program, that is with a counter or
as ``name: value`` (a line with both counts twice).
"""

from __future__ import annotations

from collections import Counter

from troubleshoot.facts import Phrase
from troubleshoot.read.clock import EpochClock
from troubleshoot.read.errors import TRACEBACK, UNRECOGNISED, Tracebacks, recogniser
from troubleshoot.read.hints import ClassHints, better
from troubleshoot.read.model import ClassHint, LogEvent, RunData, UnreadableInput
from troubleshoot.read.names import canonical, is_metric_name
from troubleshoot.read.runs import RunBuilder, event_of, is_empty
from troubleshoot.read.sniff import ACCEPTED
from troubleshoot.read.source import Meter, Source
from troubleshoot.read.text_line import Parsed, keras_epoch, parse, segments

FORMAT = "text"
# Words in a log that name the framework that wrote it, most specific first.
FRAMEWORKS = ((b"keras", "keras"), (b"torch", "pytorch"), (b"tensorflow", "tensorflow"))


class TextReader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.runs = RunBuilder(source.label, FORMAT)
        self.clock = EpochClock()
        self.epoch: float | None = None  # the epoch a Keras "Epoch 3/10" line announced
        self.position: tuple[float, str] | None = None
        self.stepping: float | None = None  # the epoch the last stepped line was in
        self.counted = 0  # metric lines so far, the step of last resort
        self.keras = False
        self.mentions: set[str] = set()
        # By metric name: its lines with a counter plus its lines printed ``name: value``.
        self.signs: Counter[str] = Counter()
        self.tracebacks = Tracebacks()
        self.hints = ClassHints()
        self.prefix = ""  # what precedes "Traceback" on its line ("[rank0]: "), if anything

    def read(self, meter: Meter | None = None) -> list[RunData]:
        number = 0
        errors = recogniser()
        for block in self.source.blocks(meter):
            flagged = {
                number + block.count(b"\n", 0, at) + 1 for at, _ in errors.lines_with_words(block)
            }
            for word, name in FRAMEWORKS:
                if word in block:
                    self.mentions.add(name)
            for raw in block.split(b"\n")[:-1]:
                number += 1
                line = self.source.decode(raw.removesuffix(b"\r"))
                if number in flagged:
                    self._error(number, line)
                quoted = self.tracebacks.inside  # a traceback echoes source, not settings
                self.tracebacks.line(number, line.removeprefix(self.prefix))
                if not quoted:
                    self._hint(self.hints.line(number, line))
                self._line(number, line)
        self.source.tail_line = number + 1
        tail = self.source.tail
        if tail and tail.strip():  # a pasted traceback often ends without a line break
            if errors.match(tail):
                self.tracebacks.recognised()
            self.tracebacks.line(number + 1, tail.removeprefix(self.prefix))
        self._unrecognised(self.tracebacks.finish())
        self._hint(self.hints.finish())
        runs = self.runs.finish(self.source)
        if not self._trained():
            for run in runs:  # numbers in prose or code; error messages still count
                run.series.clear()
                run.class_hint = None
            runs = [run for run in runs if not is_empty(run)]
        if not runs:
            raise UnreadableInput(_no_metrics(self.source), ACCEPTED)
        framework = self._framework()
        for run in runs:
            if framework:
                run.context.setdefault("framework", framework)
        return runs

    def _error(self, number: int, line: str) -> None:
        """A line with a word of the catalogue: a known error, or a traceback's start."""
        at = line.find(TRACEBACK)
        if at >= 0:
            self._unrecognised(self.tracebacks.header())
            self.prefix = line[:at]
            return
        signature = recogniser().match(line)
        if signature:
            self.tracebacks.recognised()
            self.runs.event(event_of(signature, number, line))

    def _unrecognised(self, exception: tuple[int, str] | None) -> None:
        """A traceback ended in an exception no signature knows: still evidence."""
        if exception:
            number, text = exception
            self.runs.event(LogEvent(UNRECOGNISED, number, text, (UNRECOGNISED,)))

    def _hint(self, hint: ClassHint | None) -> None:
        self.runs.run.class_hint = better(self.runs.run.class_hint, hint)

    def _line(self, number: int, line: str) -> None:
        announced = keras_epoch(line)
        if announced:
            self.epoch = float(announced[0])
            return
        for segment in segments(line):
            parsed = parse(segment)
            if parsed is not None:
                self._record(number, parsed)

    def _record(self, number: int, parsed: Parsed) -> None:
        self.keras = self.keras or parsed.keras
        step, unit = self._where(parsed)
        for key, value in parsed.metrics:
            name = key.lower() if parsed.summary else canonical(key, parsed.split or "train")
            at, in_unit = self._in_unit_of(name, step, unit, parsed.epoch)
            self.runs.point(name, at, value, number, in_unit)
            if is_metric_name(key):
                self.signs[name] += parsed.placed + (key in parsed.labelled)

    def _where(self, parsed: Parsed) -> tuple[float, str]:
        epoch = parsed.epoch if parsed.epoch is not None else self.epoch
        if parsed.step is not None:
            self.position = (parsed.step, parsed.step_unit)
            self.stepping = epoch
        elif epoch is not None and parsed.batch is not None:
            # Keras numbers the epoch it announces from 1.
            first = 1.0 if parsed.epoch is None else None
            self.position = (self.clock.step(epoch, parsed.batch, parsed.batches, first), "step")
            self.stepping = epoch
        elif parsed.epoch is not None:
            if self.position is None or parsed.epoch != self.stepping:
                self.position = (parsed.epoch, "epoch")
                self.stepping = None
        elif self.position is None:
            self.counted += 1
            return float(self.counted), "step"
        return self.position

    def _in_unit_of(
        self, name: str, step: float, unit: str, epoch: float | None
    ) -> tuple[float, str]:
        """``step`` in the unit the series ``name`` began in: a series begun by epoch (a
        validation line printed before any step) stays by epoch when a later line of it
        falls in a stepped epoch. Switching to the training lines' steps would seem to go
        back at the next epoch-only line, which reads as a restart."""
        series = self.runs.run.series.get(name)
        if series is not None and len(series) and series.unit == "epoch" and epoch is not None:
            return epoch, "epoch"
        return step, unit

    def _trained(self) -> bool:
        """Whether the numbers read look like a training log's rather than prose's."""
        return any(n >= 2 for n in self.signs.values())

    def _framework(self) -> str | None:
        if self.keras:
            return "keras"
        for _, framework in FRAMEWORKS:
            if framework in self.mentions:
                return framework
        return None


def _no_metrics(source: Source) -> Phrase:
    """Text without metrics, errors or settings, quoting how it starts."""
    text = " ".join(source.head_text.split())[:60]
    if not text:
        return Phrase.of("e_no_metrics_blank", source=source.label)
    return Phrase.of("e_no_metrics", source=source.label, start=text)


def read_text(source: Source, meter: Meter | None = None) -> list[RunData]:
    return TextReader(source).read(meter)
