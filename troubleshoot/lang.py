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


def written_in(text: str) -> Lang:
    """Chinese when the text has any wide character ("验证集loss一直上升"), else English: the
    language to answer a question in when the user did not choose one."""
    return Lang.ZH if re.search(WIDE_CHAR, text) else Lang.EN
