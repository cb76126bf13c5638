"""Read what users have (logs, metric files, run folders) into :class:`RunData`.

``read_inputs`` is the entry point; docs/inputs.md lists the formats it accepts.
"""

from troubleshoot.read.inputs import read_inputs
from troubleshoot.read.model import RunData, UnreadableInput

__all__ = ["RunData", "UnreadableInput", "read_inputs"]
