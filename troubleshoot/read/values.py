"""Numbers as training logs print them, including every spelling of NaN and infinity.

``float`` already accepts ``nan``, ``-nan``, ``NaN``, ``inf``, ``-inf`` and ``Infinity``;
what it refuses are the spellings of the Microsoft C runtime (``1.#QNAN``, ``-1.#IND``,
``1.#INF``, ``-nan(ind)``), which Windows builds of Caffe and others print.
"""

from __future__ import annotations

import math
import re

_MSVC = re.compile(r"([-+]?)1\.#(QNAN|SNAN|IND|INF)\d*|([-+]?)nan\((?:ind|snan)\)", re.IGNORECASE)
_MISSING = frozenset({"", "na", "n/a", "null", "none", "-"})


def to_float(text: str | bytes) -> float | None:
    """The number ``text`` spells, NaN and inf included; None if it is not a number."""
    try:
        return float(text)
    except ValueError:
        pass
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    match = _MSVC.fullmatch(text.strip())
    if match is None:
        return None
    if match.group(2) and match.group(2).upper() == "INF":
        return -math.inf if match.group(1) == "-" else math.inf
    return math.nan


def cell_to_float(cell: object) -> float | None:
    """A table or JSON cell as a number; None for blanks, ``NA`` and non-numeric text.

    Booleans are not numbers here: a ``true`` flag column is not a metric.
    """
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        return float(cell)
    if isinstance(cell, str):
        if cell.strip().lower() in _MISSING:
            return None
        return to_float(cell)
    return None


def is_finite_step(step: float) -> bool:
    """Steps must be real, non-negative counters; anything else is dropped with a warning."""
    return step >= 0 and math.isfinite(step)
