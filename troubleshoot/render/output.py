"""One function that turns a result into the requested output format."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from troubleshoot.engine.diagnose import Result
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.render.contract import to_json
from troubleshoot.render.guide import render_guide
from troubleshoot.render.html import html_page
from troubleshoot.render.i18n import STRINGS


class OutputFormat(StrEnum):
    MD = "md"
    JSON = "json"
    HTML = "html"


def render(
    result: Result,
    kb: KnowledgeBase,
    fmt: OutputFormat,
    lang: str = "en",
    extra_json: dict[str, Any] | None = None,
    extra_html: str = "",
) -> str:
    guide = render_guide(result, kb, lang)
    if fmt is OutputFormat.JSON:
        payload = to_json(result, kb, guide, lang, extra_json)
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt is OutputFormat.HTML:
        return html_page(guide, STRINGS[lang]["guide_title"], lang, extra_html)
    return guide
