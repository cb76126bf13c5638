"""Read what users have (logs, metric files, run folders) into :class:`RunData`.

``read_inputs`` is the entry point, and ``iter_runs`` the same handing out one run at a time;
docs/inputs.md lists the formats they accept.

The readers pull in numpy and charset-normalizer, so they are imported on first use: a
command that reads no file (``diagnose -s``, ``kb show``) imports ``troubleshoot.read.names``
or ``.model`` without paying for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from troubleshoot.read.inputs import iter_runs, read_inputs
    from troubleshoot.read.model import RunData, UnreadableInput

__all__ = ["RunData", "UnreadableInput", "iter_runs", "read_inputs"]
_HOME = {
    "RunData": "model",
    "UnreadableInput": "model",
    "iter_runs": "inputs",
    "read_inputs": "inputs",
}


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
