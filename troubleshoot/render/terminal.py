"""Where the guide goes: drawn for a person at a terminal, plain Markdown anywhere else.

This is the one place that decides. A pipe, a file or ``--format json``/``html`` get the
text unchanged, so that ``troubleshoot diagnose ... > guide.md`` and scripts see what they
always saw; a terminal gets headings, lists and code drawn by rich, wrapped to its width.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from troubleshoot.render.output import OutputFormat

if TYPE_CHECKING:
    from markdown_it.token import Token

# Characters written without spaces between them: CJK ideographs, kana, full-width
# punctuation. A line break between two of them (or after the ASCII punctuation the kb's
# Chinese uses, such as "下降,") is no word break.
_WIDE = "[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
_ENDS_WIDE = re.compile(f"{_WIDE}[,.;:!?)]?$")
_STARTS_WIDE = re.compile(_WIDE)


def write_guide(text: str, fmt: OutputFormat, stream: TextIO) -> None:
    """Write ``text`` (already in ``fmt``) to ``stream``; Markdown to a terminal is drawn."""
    if fmt is OutputFormat.MD and stream.isatty():
        draw(text, stream)
    else:
        stream.write(text)


def draw(markdown: str, stream: TextIO, width: int | None = None) -> None:
    """Markdown drawn by rich: colour unless NO_COLOR is set, lines as wide as the
    terminal (or ``width``), measured in cells so that Chinese takes two columns a character."""
    from rich.console import Console
    from rich.markdown import Markdown

    page = Markdown(markdown)
    for token in page.parsed:
        join_wide_breaks(token.children or [])
    Console(file=stream, width=width, highlight=False).print(page)


def join_wide_breaks(tokens: list[Token]) -> None:
    """Drop a soft line break between two Chinese characters: rich (like a browser) would
    draw it as a space, and Chinese text has none between its words."""
    for i, token in enumerate(tokens):
        if token.type != "softbreak" or not 0 < i < len(tokens) - 1:
            continue
        before, after = tokens[i - 1], tokens[i + 1]
        if (
            before.type == "text"
            and after.type == "text"
            and _ENDS_WIDE.search(before.content)
            and _STARTS_WIDE.match(after.content)
        ):
            token.type = "text"
            token.content = ""
