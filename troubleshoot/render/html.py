"""Markdown to a standalone HTML page, via markdown-it-py."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt
from markdown_it.token import Token

from troubleshoot.render.cjk import join_wide_breaks

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
figure {{ margin: 1rem 0; }} figure svg {{ max-width: 100%; height: auto; }}
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


def parse(markdown: str) -> list[Token]:
    """The Markdown's block tokens (raw HTML in it stays text, escaped when rendered)."""
    tokens = _MD.parse(markdown)
    join_wide_breaks(tokens)
    return tokens


def trusted_html(fragment: str) -> Token:
    """A token that renders as ``fragment`` unchanged (e.g. a chart made by us)."""
    token = Token("html_block", "", 0)
    token.content = fragment
    return token


def render_tokens(tokens: list[Token]) -> str:
    return _MD.renderer.render(tokens, _MD.options, {})


def markdown_to_html(markdown: str) -> str:
    """The HTML fragment for a Markdown text (raw HTML in the input is escaped)."""
    return render_tokens(parse(markdown))


def html_page(markdown: str, title: str, lang: str = "en") -> str:
    """A complete page of a Markdown text."""
    return page_of(markdown_to_html(markdown), title, lang)


def page_of(body: str, title: str, lang: str = "en") -> str:
    """A complete page around an HTML ``body``."""
    return _PAGE.format(lang=html.escape(lang), title=html.escape(title), body=body)
