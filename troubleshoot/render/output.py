"""One function that turns a consultation into the requested output format."""

from __future__ import annotations

import json
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
    """``guide`` is the Markdown guide, rendered once by the caller and reused here;
    ``query`` is what `ask` understood of a question, added to the JSON as ``query``."""
    # Each format imports its renderer when asked for: the command line imports this module
    # for OutputFormat on every run, and markdown-it alone is a tenth of typer's start-up.
    if fmt is OutputFormat.JSON:
        from troubleshoot.render.contract import to_json

        payload = to_json(consultation, guide, lang)
        if query is not None:
            payload["query"] = query.to_dict()
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt is OutputFormat.HTML:
        from troubleshoot.render.html import html_page

        return html_page(guide, STRINGS[lang]["guide_title"], lang)
    return guide
