"""One function that turns a consultation into the requested output format."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshoot.lang import Lang
from troubleshoot.render.i18n import STRINGS

if TYPE_CHECKING:
    from troubleshoot.consult.consultation import Consultation
    from troubleshoot.consult.freetext import Understanding


class OutputFormat(StrEnum):
    MD = "md"
    JSON = "json"
    HTML = "html"

    @classmethod
    def for_path(cls, path: Path) -> OutputFormat:
        """The format a file name asks for: .html/.htm, .json, else Markdown."""
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            return cls.HTML
        return cls.JSON if suffix == ".json" else cls.MD


def render(
    consultation: Consultation,
    guide: str,
    fmt: OutputFormat,
    lang: Lang,
    query: Understanding | None = None,
) -> str:
    """``render_pieces`` joined."""
    return "".join(render_pieces(consultation, guide, fmt, lang, query))


def render_pieces(
    consultation: Consultation,
    guide: str,
    fmt: OutputFormat,
    lang: Lang,
    query: Understanding | None = None,
) -> Iterator[str]:
    """The output in pieces to write one after another (JSON: a run at a time, so a log of
    many runs is never held whole). ``guide`` is the Markdown guide, rendered once by the
    caller and reused here; ``query`` is what `ask` understood of a question, added to the
    JSON as ``query``."""
    # Each format imports its renderer when asked for: the command line imports this module
    # for OutputFormat on every run, and markdown-it alone is a tenth of typer's start-up.
    if fmt is OutputFormat.JSON:
        from troubleshoot.render.contract import json_text

        yield from json_text(consultation, guide, lang, None if query is None else query.to_dict())
    elif fmt is OutputFormat.HTML:
        from troubleshoot.render.html import html_page

        yield html_page(guide, STRINGS[lang]["guide_title"], lang)
    else:
        yield guide
