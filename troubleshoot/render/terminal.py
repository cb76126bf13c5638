"""Where the guide goes: drawn for a person at a terminal, plain Markdown anywhere else.

This is the one place that decides. A pipe, a file or ``--format json``/``html`` get the
text unchanged, so that ``troubleshoot diagnose ... > guide.md`` and scripts see what they
always saw; a terminal gets headings, lists and code drawn by rich, wrapped to its width.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO

from troubleshoot.render.cjk import divide_line, join_wide_breaks
from troubleshoot.render.output import OutputFormat


def write_guide(text: str | Iterable[str], fmt: OutputFormat, stream: TextIO) -> None:
    """Write ``text`` (already in ``fmt``; or its pieces, written one by one as they come)
    to ``stream``; Markdown to a terminal is drawn whole."""
    pieces = [text] if isinstance(text, str) else text
    if fmt is OutputFormat.MD and stream.isatty():
        draw("".join(pieces), stream)
    else:
        for piece in pieces:
            stream.write(piece)


def draw(markdown: str, stream: TextIO, width: int | None = None) -> None:
    """Markdown drawn by rich: colour unless NO_COLOR is set, lines as wide as the
    terminal (or ``width``), measured in cells so that Chinese takes two columns a character."""
    from rich.console import Console
    from rich.markdown import Markdown

    page = Markdown(markdown)
    join_wide_breaks(page.parsed)
    with unicode_line_breaks():
        Console(file=stream, width=width, highlight=False).print(page)


@contextmanager
def unicode_line_breaks() -> Iterator[None]:
    """While drawing, rich breaks lines where Unicode allows (``cjk.divide_line``), not only
    at spaces, so that Chinese fills its lines. rich offers no setting for this: the one
    function its text wrapping calls is swapped, and put back after."""
    import rich.text

    original = getattr(rich.text, _RICH_WRAP)
    setattr(rich.text, _RICH_WRAP, divide_line)
    try:
        yield
    finally:
        setattr(rich.text, _RICH_WRAP, original)


_RICH_WRAP = "divide_line"  # what rich.text.Text.wrap calls (imported from rich._wrap)
