"""The protobuf wire format, enough to pick fields out of a message without its schema.

TensorBoard event files are protobuf messages; reading the few fields a scalar needs by
number spares the ``protobuf`` and ``tensorboard`` packages (and their generated code, which
must match the installed protobuf runtime). Field numbers come from TensorBoard's own
``event.proto``, ``summary.proto`` and ``tensor.proto``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


def varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at ``pos`` and the position after it."""
    if pos < len(data) and data[pos] < 0x80:  # one byte: most keys and lengths
        return data[pos], pos + 1
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise WireError("varint runs past the end of the message")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) for each field: an int for varints, the raw bytes
    for length-delimited, 32-bit and 64-bit fields."""
    pos, end = 0, len(data)
    while pos < end:
        key, pos = varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == VARINT:
            value, pos = varint(data, pos)
        elif wire == FIXED64:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == FIXED32:
            value, pos = data[pos : pos + 4], pos + 4
        elif wire == BYTES:
            size, pos = varint(data, pos)
            value, pos = data[pos : pos + size], pos + size
        else:  # groups (3, 4) are long deprecated and absent from TensorBoard's messages
            raise WireError(f"unsupported wire type {wire}")
        if pos > end or number == 0:
            raise WireError("field runs past the end of the message")
        yield number, wire, value


def signed64(value: int) -> int:
    """A varint read as int64 (negative numbers are written as 10-byte two's complement)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def packed(value: int | bytes, wire: int, fmt: str) -> list[float]:
    """A repeated numeric field's values, packed (one length-delimited blob) or not.

    ``fmt`` is a ``struct`` code for fixed-width values (``f``, ``d``) or ``v`` for varints."""
    if wire == BYTES and isinstance(value, bytes):
        if fmt == "v":
            out, pos = [], 0
            while pos < len(value):
                number, pos = varint(value, pos)
                out.append(float(signed64(number)))
            return out
        width = struct.calcsize(fmt)
        return [v for (v,) in struct.iter_unpack("<" + fmt, value[: len(value) // width * width])]
    if isinstance(value, int):
        return [float(signed64(value))]
    return [struct.unpack("<" + fmt, value)[0]]
