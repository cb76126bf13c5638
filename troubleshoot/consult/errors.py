"""The error a consultation raises for input it cannot read, and why the system refused a
file, importable without the engine or the knowledge base (the command line imports it at
start, before it knows which command runs)."""

from __future__ import annotations

from troubleshoot.read.model import UnreadableInput, os_problem

__all__ = ["UnreadableInput", "os_problem"]
