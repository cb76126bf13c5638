"""TensorBoard event files, read with the ``tensorboard`` package (an optional extra).

A run is a folder of event files; Keras puts training and validation values in ``train/``
and ``validation/`` sub-folders with the same tags (``epoch_loss``), so the folder names
the split. Scalars come both as ``simple_value`` (PyTorch ``SummaryWriter``, TF1) and as
scalar tensors (TF2 ``tf.summary.scalar``); the loader turns both into tensors. Steps are
kept as written: a run folder can hold several event files from restarts, whose steps
overlap, so this reader does not split runs where steps go back.
"""

from __future__ import annotations

from types import ModuleType

from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.names import canonical
from troubleshoot.read.runs import RunBuilder
from troubleshoot.read.source import Meter, Source

FORMAT = "tensorboard"
INSTALL = "pip install 'troubleshoot[tensorboard]'"


def read_tensorboard(
    label: str, files: list[tuple[Source, str | None]], meter: Meter | None = None
) -> list[RunData]:
    """One run from its event files, each given with the split its folder names."""
    loader, tensor_util, errors = _library(label)
    runs = RunBuilder(label, FORMAT, split_on_regress=False)
    for source, split in files:
        done = meter.done if meter else 0
        with source.plain_path() as path:
            try:
                for event in loader(str(path)).Load():
                    for value in event.summary.value:
                        _scalar(runs, value, event.step, split, tensor_util)
            except errors as exc:
                runs.warn(
                    f"{source.label}: stops at a damaged record ({exc}); read what came before"
                )
        for warning in source.warnings:
            runs.warn(warning)
        if meter:
            meter.report(done + source.size)
    found = runs.finish()
    if not found:
        raise UnreadableInput(f"{label}: TensorBoard event files without scalar values")
    return found


def _scalar(runs: RunBuilder, value, step: int, split: str | None, tensor_util) -> None:
    if value.metadata.plugin_data.plugin_name != "scalars":
        return
    array = tensor_util.make_ndarray(value.tensor)
    if array.size != 1:
        return
    tag = value.tag
    name = canonical(tag, split or "train")
    if split and "/" not in name and name != "lr":
        name = f"{split}/{name}"
    unit = "epoch" if tag.lower().startswith("epoch_") else "step"
    runs.point(name, float(step), float(array.reshape(-1)[0]), 0, unit)


def _library(label: str) -> tuple[type, ModuleType, tuple[type[Exception], ...]]:
    """The loader and helpers from ``tensorboard``, or a clear error if it is missing."""
    try:
        from google.protobuf.message import DecodeError
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
        from tensorboard.compat import tf
        from tensorboard.util import tensor_util
    except ImportError:
        raise UnreadableInput(
            f"{label}: TensorBoard event files; reading them needs the tensorboard "
            f"package: {INSTALL}"
        ) from None
    return EventFileLoader, tensor_util, (tf.errors.OpError, DecodeError, ValueError)
