"""The error a consultation raises for input it cannot read, importable without the
engine or the knowledge base (the command line imports it at start, before it knows
which command runs)."""

from __future__ import annotations

from troubleshoot.read.model import UnreadableInput

__all__ = ["UnreadableInput"]
