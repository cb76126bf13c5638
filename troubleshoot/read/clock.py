"""A running step from (epoch, position within the epoch), for logs whose batch counter
starts again every epoch: text progress lines and mmcv's JSON log both print it that way."""

from __future__ import annotations


class EpochClock:
    """A running step from (epoch, position within the epoch), for logs whose batch
    counter starts again every epoch. A counter that goes on past the previous epoch's
    furthest position in the next epoch (and is printed without a per-epoch total) never
    restarted: it is a global count, and is used as it is."""

    def __init__(self) -> None:
        self.epoch: float | None = None
        self.offset = 0.0
        self.size: float | None = None  # positions per epoch, if the log prints it
        self.longest = 0.0  # the furthest position seen in the current epoch
        self.running = False  # the position counts on across epochs

    def step(
        self, epoch: float, batch: float, batches: float | None, first: float | None = None
    ) -> float:
        """The running step of ``batch`` in ``epoch``. ``first`` is the number the log gives
        its first epoch, when known (Keras counts from 1): a log, or a pasted excerpt, whose
        first line is a later epoch with its batch total then keeps the run's own steps."""
        if self.epoch is None or epoch < self.epoch:
            before = epoch - first if first is not None and batches and epoch > first else 0.0
            self.epoch, self.offset, self.longest = epoch, before * (batches or 0.0), 0.0
        elif epoch > self.epoch:
            if not (batches or self.size) and batch > self.longest > 0:
                self.running = True
            if not self.running:
                self.offset += (self.size or self.longest) * (epoch - self.epoch)
            self.epoch, self.longest = epoch, 0.0
        self.size = batches or self.size
        self.longest = max(self.longest, batch)
        return self.offset + batch
