"""A documentation-site page in HTML: the page's Markdown through markdown-it-py (raw HTML
escaped, heading anchors), with every named symptom, lesson and source id linked to its
page, links made relative (the site works from any folder or address), code for several
frameworks as tabs that work without JavaScript, inside the site's layout."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from troubleshoot.lang import Lang
from troubleshoot.render.cjk import join_wide_breaks
from troubleshoot.render.html import trusted_html
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.templating import FRAMEWORK_NAMES, environment

# "PyTorch:" or "PyTorch (wrong):", the label macros.md.j2 puts above each snippet.
_LABEL = re.compile(rf"^({'|'.join(FRAMEWORK_NAMES.values())})( \(.+\))?:$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@cache
def _markdown() -> MarkdownIt:
    from mdit_py_plugins.anchors import anchors_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    return md


@dataclass(frozen=True)
class Links:
    """What a page may link to: the ids with a page (a symptom and a lesson may share an
    id), and each Markdown file of the user guide (its repository path) with its page."""

    symptoms: frozenset[str]
    lessons: frozenset[str]
    sources: frozenset[str]
    docs: dict[str, str] = field(default_factory=dict)

    def of_id(self, name: str, here: str) -> str | None:
        """The page an id in code names. Where a symptom and a lesson share it: on a lesson
        page the symptom (a lesson names symptoms in its list and its rules), elsewhere the
        lesson (a symptom page, a source page and the guide name causes)."""
        kinds = [
            kind
            for kind, ids in (
                ("lessons", self.lessons),
                ("symptoms", self.symptoms),
                ("sources", self.sources),
            )
            if name in ids
        ]
        if len(kinds) > 1 and here.startswith("lessons/"):
            kinds.remove("lessons")
        target = f"{kinds[0]}/{name}/" if kinds else None
        return None if target == here else target


@dataclass(frozen=True)
class Page:
    """One page below its language folder: ``path`` is ``""`` for the home page, else a
    folder such as ``lessons/lr-too-large/``; ``source`` is a guide page's Markdown file
    (for its relative links); ``figure`` is trusted HTML put before the first section."""

    path: str
    lang: Lang
    title: str
    markdown: str
    source: str = ""
    figure: str = ""
    note: str = ""
    search: bool = False


def relative(here: str, target: str) -> str:
    """``target`` (a path from the site's root, a folder when it ends in ``/``) as seen
    from the folder ``here``."""
    path, _, fragment = target.partition("#")
    rel = posixpath.relpath(path or ".", here or ".")
    if path.endswith("/") or not path:
        rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{fragment}" if fragment else "")


def _href(page: Page, href: str, links: Links) -> str | None:
    """Where a link goes, from the page's own folder; None for a file of the repository
    that the site does not have (its link becomes text)."""
    if href.startswith("#") or _EXTERNAL.match(href):
        return href
    here = f"{page.lang}/{page.path}"
    if href.startswith("/"):
        return relative(here, f"{page.lang}{href}")
    target, _, fragment = href.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.source), target))
    found = links.docs.get(resolved)
    if found is None:
        return None
    return relative(here, f"{page.lang}/{found}" + (f"#{fragment}" if fragment else ""))


def _link_tokens(children: list[Token], page: Page, links: Links) -> list[Token]:
    """Rewrite an inline run: links made relative (or dropped), ids in code linked."""
    out: list[Token] = []
    depth = 0
    dropped: list[bool] = []
    for token in children:
        if token.type == "link_open":
            href = _href(page, str(token.attrs.get("href", "")), links)
            dropped.append(href is None)
            if href is None:
                continue
            token.attrs["href"] = href
            depth += 1
        elif token.type == "link_close":
            if dropped.pop():
                continue
            depth -= 1
        elif token.type == "code_inline" and depth == 0:
            target = links.of_id(token.content, page.path)
            if target is not None:
                opening = Token("link_open", "a", 1)
                opening.attrs["href"] = relative(
                    f"{page.lang}/{page.path}", f"{page.lang}/{target}"
                )
                out += [opening, token, Token("link_close", "a", -1)]
                continue
        out.append(token)
    return out


def _label(tokens: list[Token], i: int) -> str | None:
    """The framework label of a snippet starting at ``i`` (label paragraph, then a fence)."""
    if i + 3 < len(tokens) and tokens[i].type == "paragraph_open":
        inline, close, fence = tokens[i + 1], tokens[i + 2], tokens[i + 3]
        if (
            close.type == "paragraph_close"
            and fence.type == "fence"
            and _LABEL.match(inline.content)
        ):
            return inline.content
    return None


def _tabs(tokens: list[Token], md: MarkdownIt) -> list[Token]:
    """Runs of snippets for two or more frameworks become one set of tabs (radio buttons
    and CSS, so they work without JavaScript; printed, every panel shows)."""
    out: list[Token] = []
    i = 0
    count = 0
    while i < len(tokens):
        run: list[tuple[str, Token]] = []
        j = i
        while (label := _label(tokens, j)) is not None:
            run.append((label, tokens[j + 3]))
            j += 4
        names = list(dict.fromkeys(label.split(" (")[0].rstrip(":") for label, _ in run))
        if len(names) < 2:
            out.append(tokens[i])
            i += 1
            continue
        count += 1
        group = f"tabs-{count}"
        parts = ['<div class="tabs" role="group">']
        for k, name in enumerate(names):
            checked = " checked" if k == 0 else ""
            parts.append(
                f'<input type="radio" name="{group}" id="{group}-{k}"{checked}>'
                f'<label for="{group}-{k}">{name}</label>'
            )
        for name in names:
            parts.append(f'<div class="panel"><p class="panel-name">{name}</p>')
            for label, fence in run:
                if label.split(" (")[0].rstrip(":") == name:
                    code = md.renderer.render([fence], md.options, {})
                    parts.append(f'<p class="code-label">{html.escape(label)}</p>\n{code}')
            parts.append("</div>")
        parts.append("</div>\n")
        out.append(trusted_html("\n".join(parts)))
        i = j
    return out


def body_html(page: Page, links: Links) -> str:
    """The page's content in HTML."""
    md = _markdown()
    env: dict[str, object] = {}
    tokens = md.parse(page.markdown, env)
    join_wide_breaks(tokens)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _link_tokens(token.children, page, links)
    tokens = _tabs(tokens, md)
    if page.figure:
        first = next(
            (i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"),
            len(tokens),
        )
        tokens.insert(first, trusted_html(page.figure))
    return md.renderer.render(tokens, md.options, env)


NAV = [
    ("", "site_home"),
    ("symptoms/", "site_symptoms"),
    ("lessons/", "site_lessons"),
    ("sources/", "site_sources"),
    ("docs/", "site_docs"),
    ("checker/", "site_checker"),
]


def page_html(page: Page, links: Links) -> str:
    """The whole page: layout, navigation, language switch, search box, content."""
    here = f"{page.lang}/{page.path}"
    other = Lang.ZH if page.lang is Lang.EN else Lang.EN
    to: Callable[[str], str] = lambda target: relative(here, target)  # noqa: E731
    return (
        environment()
        .get_template("site.html.j2")
        .render(
            t=STRINGS[page.lang],
            page=page,
            body=body_html(page, links),
            nav=[
                (to(f"{page.lang}/{path}"), STRINGS[page.lang][key], path)
                for path, key in NAV
                if path != "docs/" or links.docs  # a site built outside a checkout has no guide
            ],
            other_lang=other.value,
            other_url=to(f"{other.value}/{page.path}"),
            root=to(""),
            search_url=to(f"{page.lang}/search/"),
        )
    )
