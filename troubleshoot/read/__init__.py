"""Read what users have (logs, metric files, run folders) into :class:`RunData`.

``read_inputs`` is the entry point, and ``iter_runs`` the same handing out one run at a time;
docs/inputs.md lists the formats they accept.
"""

from troubleshoot.read.inputs import iter_runs, read_inputs
from troubleshoot.read.model import RunData, UnreadableInput

__all__ = ["RunData", "UnreadableInput", "iter_runs", "read_inputs"]
