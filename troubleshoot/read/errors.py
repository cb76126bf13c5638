"""Error messages and signatures in log text, recognised as symptom ids.

Each signature has literal words that must appear before its regular expression is
tried, so scanning millions of ordinary lines costs a few substring tests each. The ids
are those of ``kb/catalogue/symptoms.yaml`` (``error-*``, and ``loss-nan`` for the messages
with which training scripts stop on a NaN loss).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    kind: str
    words: tuple[str, ...]  # at least one must occur in the line (case-sensitive)
    pattern: re.Pattern[str]


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "error-cuda-oom",
        (
            "out of memory",
            "OUT_OF_MEMORY",
            "OutOfMemory",
            "RESOURCE_EXHAUSTED",
            "ResourceExhausted",
            "OOM when",
        ),
        re.compile(
            r"cudaSuccess \(2 vs\. 0\)|CUDA out of memory|CUDA error: out of memory"
            r"|CUDA_ERROR_OUT_OF_MEMORY|OutOfMemoryError|ResourceExhaustedError"
            r"|OOM when allocating|RESOURCE_EXHAUSTED: Out of memory"
        ),
    ),
    Signature(
        "error-prototxt-format",
        ("Manually switch",),
        re.compile(r"Manually switch the definition to 'layer' format to continue"),
    ),
    Signature(
        "error-image-truncated",
        ("truncated",),
        re.compile(r"image file is truncated"),
    ),
    Signature(
        "error-libpng-read",
        ("libpng",),
        re.compile(r"libpng error: Read Error", re.IGNORECASE),
    ),
    Signature(
        "error-label-out-of-range",
        ("n_classes", "out of bounds", "label_value", "valid range", "num_labels"),
        re.compile(
            r"Assertion `(?:t|cur_target) >= 0 && (?:t|cur_target) < n_classes` failed"
            r"|IndexError: Target -?\d+ is out of bounds"
            r"|Check failed: label_value (?:<|>=) "
            r"|label value of -?\d+ which is outside the valid range"
        ),
    ),
    Signature(
        "error-bn-single-sample",
        ("more than 1 value",),
        re.compile(r"Expected more than 1 value per channel when training"),
    ),
    Signature(
        "loss-nan",
        ("Invalid loss", "Loss is nan", "Loss is inf", "infinite or NaN"),
        re.compile(
            r"Invalid loss, terminating training|Loss is (?:nan|inf), stopping training"
            r"|Loss became infinite or NaN"
        ),
    ),
)

# Every word any signature needs: a block of text without one holds no error.
WORDS: tuple[str, ...] = tuple(sorted({w for s in SIGNATURES for w in s.words}))
WORDS_BYTES: tuple[bytes, ...] = tuple(w.encode() for w in WORDS)


def error_kind(line: str) -> str | None:
    """The symptom id ``line`` establishes, or None for an ordinary line."""
    for signature in SIGNATURES:
        if any(word in line for word in signature.words) and signature.pattern.search(line):
            return signature.kind
    return None


def lines_with_words(block: bytes) -> list[tuple[int, bytes]]:
    """The lines of a block of raw log text that contain a word some signature needs, as
    (offset of the line in the block, line), in order. Costs a few substring searches
    when there are none, whatever the block's size."""
    starts: set[int] = set()
    for word in WORDS_BYTES:
        at = block.find(word)
        while at >= 0:
            start = block.rfind(b"\n", 0, at) + 1
            starts.add(start)
            end = block.find(b"\n", at)
            at = block.find(word, end) if end >= 0 else -1
    found = []
    for start in sorted(starts):
        end = block.find(b"\n", start)
        found.append((start, block[start : end if end >= 0 else len(block)]))
    return found
