"""Chinese in Markdown: a line break inside a Chinese sentence is not a space."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

# Characters written without spaces between them: CJK ideographs, kana, full-width
# punctuation. A line break between two of them (or after the ASCII punctuation the kb's
# Chinese uses, such as "下降,") is no word break.
_WIDE = "[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
_ENDS_WIDE = re.compile(f"{_WIDE}[,.;:!?)]?$")
_STARTS_WIDE = re.compile(_WIDE)


def join_wide_breaks(blocks: list[Token]) -> None:
    """Drop each soft line break between two Chinese characters in parsed Markdown: a
    terminal (rich) or a browser would show it as a space, and Chinese has none between
    its words."""
    for block in blocks:
        inline = block.children or []
        for i, token in enumerate(inline):
            if token.type != "softbreak" or not 0 < i < len(inline) - 1:
                continue
            before, after = inline[i - 1], inline[i + 1]
            if (
                before.type == "text"
                and after.type == "text"
                and _ENDS_WIDE.search(before.content)
                and _STARTS_WIDE.match(after.content)
            ):
                token.type = "text"
                token.content = ""
