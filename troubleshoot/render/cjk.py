"""Chinese in Markdown and terminals: a line break inside a Chinese sentence is not a
space, and a line may break between any two Chinese characters."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from troubleshoot.lang import WIDE_CHAR

if TYPE_CHECKING:
    from markdown_it.token import Token

# A line break between two wide characters (or after the ASCII punctuation the kb's
# Chinese uses, such as "下降,") is no word break.
_ENDS_WIDE = re.compile(f"{WIDE_CHAR}[,.;:!?)]?$")
_STARTS_WIDE = re.compile(WIDE_CHAR)


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


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` terminal columns, cut where
    :func:`divide_line` cuts them."""
    cuts = [0, *divide_line(text, width), len(text)]
    return [text[a:b].rstrip() for a, b in pairwise(cuts)] or [""]


# A hyphen inside a word ("plateau-lr-drop", "from-scratch") or a slash inside a path
# ("logs/train.log"): Unicode lets a line break after either, which splits an identifier or
# a path a reader may want to copy.
_INSIDE_A_WORD = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])|(?<=[!-~])/(?=[!-~])")


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Where to break ``text`` into lines of ``width`` cells, as rich's own ``divide_line``
    answers (offsets into ``text``), but at Unicode's break opportunities (uniseg): between
    two Chinese characters as well as at spaces, never inside a hyphenated word or a path. A word
    wider than a line is folded.

    uniseg, in pure Python, costs some 200 microseconds a character: text without a Chinese
    character is left to rich, which breaks it at spaces, and each Chinese text is broken
    once (rich measures a table's cells before drawing them). The guide to a log of 200
    runs took half a minute to draw."""
    if not _STARTS_WIDE.search(text):
        from rich._wrap import divide_line as at_spaces

        return at_spaces(text, width, fold)
    return list(_unicode_breaks(text, width, fold))


@lru_cache(maxsize=1024)
def _unicode_breaks(text: str, width: int, fold: bool) -> tuple[int, ...]:
    from rich.cells import cell_len, chop_cells
    from uniseg.wrap import tt_wrap

    # The breaks are found in a copy whose hyphens and slashes inside words are non-breaking
    # hyphens (U+2011): the same length and width, so its offsets are the text's.
    probe = _INSIDE_A_WORD.sub("\u2011", text)
    offsets: list[int] = []
    start = 0
    for line in tt_wrap(probe, max(width, 1)):
        pieces = chop_cells(line, width) if fold and cell_len(line.rstrip()) > width else [line]
        for piece in pieces:
            if start:
                offsets.append(start)
            start += len(piece)
    return tuple(offsets)
