"""Markdown to a standalone HTML page, via markdown-it-py."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.55 system-ui, sans-serif; max-width: 50rem;
       margin: 2rem auto; padding: 0 1rem; }}
pre {{ background: #f5f5f5; padding: .75rem; overflow-x: auto; }}
code {{ font-family: ui-monospace, monospace; }}
blockquote {{ border-left: 4px solid #c90; margin-left: 0; padding-left: 1rem; }}
@media (prefers-color-scheme: dark) {{
  body {{ background: #111; color: #ddd; }} pre {{ background: #222; }} a {{ color: #8bf; }}
}}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def markdown_to_html(markdown: str) -> str:
    """The HTML fragment for a Markdown text (raw HTML in the input is escaped)."""
    return _MD.render(markdown)


def html_page(markdown: str, title: str, lang: str = "en", extra: str = "") -> str:
    """A complete page; ``extra`` is trusted HTML appended after the guide (e.g. charts)."""
    return _PAGE.format(
        lang=html.escape(lang), title=html.escape(title), body=markdown_to_html(markdown) + extra
    )
