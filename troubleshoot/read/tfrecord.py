"""TFRecord framing, the container of TensorBoard event files.

Each record is a little-endian uint64 length, a masked CRC-32C of those 8 bytes, the data,
and a masked CRC-32C of the data (TensorFlow's ``record_writer``). The length check catches
a damaged or cut file before a bogus length is trusted; the data check is left to the
caller, who knows which records matter (a scalar is worth checking, a 10 MB image is not
worth checking in pure Python).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

_MASK_DELTA = 0xA282EAD8
_POLY = 0x82F63B78  # CRC-32C (Castagnoli), reflected


def _table() -> list[int]:
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


class RecordError(ValueError):
    """The file stops being a TFRecord stream here (damaged, or cut while written)."""


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def records(stream: BinaryIO) -> Iterator[tuple[bytes, int]]:
    """Each record's data with its stored data checksum; raises RecordError where the
    framing breaks (a cut record at the end, or a length whose checksum fails)."""
    while True:
        header = stream.read(12)
        if not header:
            return
        if len(header) < 12:
            raise RecordError("the file ends inside a record header")
        length, length_crc = struct.unpack("<QI", header)
        if masked_crc(header[:8]) != length_crc:
            raise RecordError("a record length fails its checksum")
        body = stream.read(length + 4)
        if len(body) < length + 4:
            raise RecordError("the file ends inside a record")
        (data_crc,) = struct.unpack("<I", body[length:])
        yield body[:length], data_crc
