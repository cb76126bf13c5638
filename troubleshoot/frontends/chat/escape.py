"""What a user wrote, made inert before it is shown back in a chat.

A reply quotes the user (their question, an answer that could not be read). Chat platforms
act on some text: Slack on ``<!channel>``, ``<@U123>`` and ``<url|label>``, Mattermost and
Matrix on ``@channel``/``@here``/``@all``/``@room``/``@user`` and Markdown links, all of them
on bare addresses. Quoted text therefore loses every such power: Markdown and Slack's
control characters are escaped, a zero-width space follows each ``@`` (no mention can
match), and one breaks each ``://`` and ``www.`` (no address is linked). Only text the
user wrote goes through here; the knowledge base's text is ours.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_LINKS = re.compile(r"(?i)(://|www\.)")
QUOTE_CHARS = 300  # of a user's text quoted back


def _inert(text: str) -> str:
    text = text.replace("@", "@" + ZWSP)
    return _LINKS.sub(lambda m: m.group(1)[0] + ZWSP + m.group(1)[1:], text)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """One line of at most ``limit`` characters: a quote, not the whole paste."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def markdown(text: str) -> str:
    """``text`` as literal Markdown (CommonMark, Mattermost, Matrix): no markup, mention or
    link survives."""
    return _MARKDOWN.sub(r"\\\1", _inert(text))


def slack(text: str) -> str:
    """``text`` as literal Slack mrkdwn: ``&``, ``<`` and ``>`` escaped as Slack asks, so no
    ``<!channel>``, ``<@U…>`` or ``<url|label>`` is read; emphasis characters are spaced."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for mark in "*_~`":
        text = text.replace(mark, mark + ZWSP)
    return _inert(text)
