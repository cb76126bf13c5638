"""The languages the knowledge base is written in; front ends check ``--lang`` against this
once, at the edge, and everything inside takes a ``Lang``."""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    EN = "en"
    ZH = "zh"
