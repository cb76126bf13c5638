"""The languages the knowledge base is written in; front ends check ``--lang`` against this
once, at the edge, and everything inside takes a ``Lang``."""

from __future__ import annotations

import re
from enum import StrEnum


class Lang(StrEnum):
    EN = "en"
    ZH = "zh"


# Characters written without spaces between them: CJK ideographs, kana, full-width
# punctuation. The lint (no ASCII space between two of them) and the renderers (no line
# break read as a space between two of them) use this one class.
WIDE_CHAR = "[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
HAN = "\u3400-\u9fff\uf900-\ufaff"  # Chinese characters alone, for a class: f"[{HAN}]"


# A metric as a log prints it ("验证损失：nan", "loss: 0.52"): pasted, it is not the language
# the question is asked in.
_PRINTED_METRIC = re.compile(
    r"(?<!\w)\w+\s*[:：=＝]\s*(?:[-+]?\d[\d.]*(?:[eE][-+]?\d+)?|nan|inf)", re.I
)
_HAN = re.compile(f"[{HAN}]")
_LATIN_WORD = re.compile("[A-Za-z]{2,}")


def written_in(text: str) -> Lang:
    """The language to answer a question in when the user did not choose one: Chinese when
    its Chinese characters are at least as many as its English words ("验证集loss一直上升"),
    not counting metrics pasted from a log unless that is all it holds; else English."""
    prose = _PRINTED_METRIC.sub(" ", text)
    han, latin = len(_HAN.findall(prose)), len(_LATIN_WORD.findall(prose))
    if not han and not latin:
        han = len(_HAN.findall(text))
    return Lang.ZH if han and han >= latin else Lang.EN
