"""One function that turns a consultation into the requested output format."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

from troubleshoot.consult.consultation import Consultation
from troubleshoot.lang import Lang
from troubleshoot.render.contract import to_json
from troubleshoot.render.html import html_page
from troubleshoot.render.i18n import STRINGS


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


def render(consultation: Consultation, guide: str, fmt: OutputFormat, lang: Lang) -> str:
    """``guide`` is the Markdown guide, rendered once by the caller and reused here."""
    if fmt is OutputFormat.JSON:
        payload = to_json(consultation, guide, lang)
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt is OutputFormat.HTML:
        return html_page(guide, STRINGS[lang]["guide_title"], lang)
    return guide
