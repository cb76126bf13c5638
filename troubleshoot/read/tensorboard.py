"""TensorBoard event files, read without TensorFlow, TensorBoard or protobuf installed.

An event file is a TFRecord stream (``tfrecord``) of ``Event`` protobuf messages; the few
fields a scalar needs are picked out by number (``protowire``). Scalars come both as
``simple_value`` (PyTorch ``SummaryWriter``, TF1) and as one-element tensors of the
``scalars`` plugin (TF2 ``tf.summary.scalar``, Keras). TF2 writes a tag's plugin metadata
only with its first value, so the plugin is remembered per tag, as TensorBoard does.
Histograms, images, audio and text are skipped.

A run is a folder of event files; Keras puts training and validation values in ``train/``
and ``validation/`` sub-folders with the same tags (``epoch_loss``), so the folder names
the split. Steps are kept as written: a run folder can hold several event files from
restarts, whose steps overlap, so this reader does not split runs where steps go back.
"""

from __future__ import annotations

import struct

from troubleshoot.facts import Phrase
from troubleshoot.read.model import RunData, UnreadableInput
from troubleshoot.read.names import canonical
from troubleshoot.read.protowire import BYTES, FIXED32, WireError, fields, packed, signed64
from troubleshoot.read.rows import is_bookkeeping
from troubleshoot.read.runs import RunBuilder
from troubleshoot.read.source import DAMAGED, Meter, Source
from troubleshoot.read.tfrecord import RecordError, masked_crc, records

FORMAT = "tensorboard"
SCALARS_PLUGIN = b"scalars"
# TensorProto: dtype -> struct code of one element in ``tensor_content``.
_CONTENT = {1: "f", 2: "d", 3: "i", 9: "q", 19: "e", 5: "h", 6: "b", 4: "B", 10: "?"}
_BFLOAT16, _HALF = 14, 19
# TensorProto's typed value fields: number -> how they are written.
_TYPED = {5: "f", 6: "d", 7: "v", 10: "v"}


def read_tensorboard(
    label: str, files: list[tuple[Source, str | None]], meter: Meter | None = None
) -> list[RunData]:
    """One run from its event files, each given with the split its folder names."""
    runs = RunBuilder(label, FORMAT, split_on_regress=False)
    for source, split in files:
        done = meter.done if meter else 0
        _read_file(runs, source, split)
        for warning in source.warnings:
            runs.warn(warning)
        if meter:
            meter.report(done + source.size)
    found = runs.finish()
    if not found:
        raise UnreadableInput(Phrase.of("e_no_scalars", source=label))
    return found


def _read_file(runs: RunBuilder, source: Source, split: str | None) -> None:
    plugins: dict[bytes, bytes] = {}  # tag -> plugin name, from the tag's first value
    names: dict[str, tuple[str, str]] = {}  # tag -> (series name, unit)
    try:
        with source.open() as stream:
            for data, data_crc in records(stream):
                points = _scalars(data, plugins)
                if points and masked_crc(data) != data_crc:
                    raise RecordError("a record fails its checksum")
                for step, tag, value in points:
                    if tag not in names:
                        names[tag] = _series(tag, split)
                    name, unit = names[tag]
                    if name:
                        runs.point(name, float(step), value, 0, unit)
    except (RecordError, WireError, *DAMAGED) as exc:
        runs.warn(Phrase.of("w_tb_damaged", source=source.label, problem=str(exc)))


def _series(tag: str, split: str | None) -> tuple[str, str]:
    """The series name and unit for a tag in a file of the given split's folder; no name
    for bookkeeping (the Hugging Face Trainer logs ``train/train_runtime``, ``eval/runtime``)."""
    if is_bookkeeping(tag):
        return "", "step"
    name = canonical(tag, split or "train")
    if split and "/" not in name and name != "lr":
        name = f"{split}/{name}"
    return name, "epoch" if tag.lower().startswith("epoch_") else "step"


def _scalars(event: bytes, plugins: dict[bytes, bytes]) -> list[tuple[int, str, float]]:
    """(step, tag, value) for each scalar in one ``Event`` message."""
    step, summary = 0, None
    for number, _, value in fields(event):
        if number == 2 and isinstance(value, int):  # Event.step
            step = signed64(value)
        elif number == 5 and isinstance(value, bytes):  # Event.summary
            summary = value
    if summary is None:
        return []
    found = []
    for number, wire, value in fields(summary):
        if number == 1 and wire == BYTES and isinstance(value, bytes):  # Summary.value
            scalar = _value(value, plugins)
            if scalar is not None:
                found.append((step, *scalar))
    return found


def _value(message: bytes, plugins: dict[bytes, bytes]) -> tuple[str, float] | None:
    """A ``Summary.Value``'s tag and number, if it is a scalar."""
    tag, simple, tensor, plugin = b"", None, None, None
    for number, wire, value in fields(message):
        if not isinstance(value, bytes):
            continue
        if number == 1:
            tag = value
        elif number == 2 and wire == FIXED32:
            (simple,) = struct.unpack("<f", value)
        elif number == 8:
            tensor = value
        elif number == 9:
            plugin = _plugin_name(value)
    if plugin is not None:
        plugins.setdefault(tag, plugin)
    name = tag.decode("utf-8", errors="replace")
    if simple is not None:
        return name, float(simple)
    if tensor is not None and plugins.get(tag) == SCALARS_PLUGIN:
        element = _one_element(tensor)
        if element is not None:
            return name, element
    return None


def _plugin_name(metadata: bytes) -> bytes | None:
    for number, _, value in fields(metadata):  # SummaryMetadata.plugin_data
        if number == 1 and isinstance(value, bytes):
            for inner, _, name in fields(value):  # PluginData.plugin_name
                if inner == 1 and isinstance(name, bytes):
                    return name
    return None


def _one_element(tensor: bytes) -> float | None:
    """The value of a one-element ``TensorProto``, or None for anything else."""
    dtype, content, values = 1, b"", []
    halves: list[float] = []
    for number, wire, value in fields(tensor):
        if number == 1 and isinstance(value, int):
            dtype = value
        elif number == 4 and isinstance(value, bytes):
            content = value
        elif number == 13:
            halves += packed(value, wire, "v")
        elif number in _TYPED:
            values += packed(value, wire, _TYPED[number])
    if content:
        code = _CONTENT.get(dtype)
        if dtype == _BFLOAT16 and len(content) == 2:
            return struct.unpack("<f", b"\x00\x00" + content)[0]
        if code is None or len(content) != struct.calcsize(code):
            return None
        return float(struct.unpack("<" + code, content)[0])
    if len(halves) == 1:
        bits = int(halves[0]) & 0xFFFF
        if dtype == _BFLOAT16:
            return struct.unpack("<f", (bits << 16).to_bytes(4, "little"))[0]
        return struct.unpack("<e", bits.to_bytes(2, "little"))[0]
    return float(values[0]) if len(values) == 1 else None
