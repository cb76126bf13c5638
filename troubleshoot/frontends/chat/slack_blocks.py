"""A :class:`Reply` as Slack Block Kit: a section per cause, the follow-up question with a
button per choice, and the sources; what the user wrote is escaped (``escape.slack``).

A button's value names the thread and the question it answers, so a press is read against
the thread's pending question (``reply.Pick``) even after a restart.
"""

from __future__ import annotations

import json
import re
from typing import Any

from troubleshoot.frontends.chat import escape
from troubleshoot.frontends.chat.markdown import to_markdown
from troubleshoot.frontends.chat.reply import Cause, FollowUp, Reply
from troubleshoot.frontends.i18n import t

ANSWER = "answer"  # action ids are "answer-<number>"
SECTION_CHARS = 3000  # Slack's limit for a section's text
FALLBACK_CHARS = 3000  # the notification text
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def mrkdwn(text: str) -> str:
    """The knowledge base's Markdown as Slack mrkdwn: bold and links rewritten; ``&``, ``<``
    and ``>`` escaped as Slack asks (the text is ours, its links are kept)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BOLD.sub(r"*\1*", text)
    return _LINK.sub(r"<\2|\1>", text)


def _section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_CHARS:
        text = text[: SECTION_CHARS - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def to_blocks(reply: Reply, channel: str, thread: str) -> list[dict[str, Any]]:
    lang = reply.lang
    blocks: list[dict[str, Any]] = []
    if reply.quote:
        quote = escape.slack(escape.shorten(reply.quote))
        blocks.append(_section(f"> *{t(lang, 'chat_you_asked')}:* {quote}"))
    if reply.invalid:
        why = escape.slack(escape.shorten(reply.invalid))
        blocks.append(_section(f"_{t(lang, 'chat_bad_answer')}:_ {why}"))
    if reply.note:
        blocks.append(_section(mrkdwn(reply.note)))
    if reply.causes:
        blocks.append(_section(f"*{t(lang, 'chat_causes')}*"))
        blocks += [_section(_cause(i, c, reply)) for i, c in enumerate(reply.causes, 1)]
        if reply.more:
            blocks.append(_section(f"_{t(lang, 'chat_more_causes', n=reply.more)}_"))
    if reply.follow_up:
        blocks += _question(reply.follow_up, reply, channel, thread)
    if reply.sources:
        listed = "\n".join(f"[{i}] {mrkdwn(s)}" for i, s in enumerate(reply.sources, 1))
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": listed[:SECTION_CHARS]}]}
        )
    return blocks


def fallback_text(reply: Reply) -> str:
    """The message's plain ``text``, shown in notifications."""
    return to_markdown(reply)[:FALLBACK_CHARS]


def _cause(rank: int, cause: Cause, reply: Reply) -> str:
    lang = reply.lang
    title = f"*{rank}. {mrkdwn(cause.title)}* (`{cause.id}`) · {cause.likelihood} {cause.marks}"
    lines = [title, f"{t(lang, 'chat_why')}: {mrkdwn(cause.because)}"]
    if cause.steps:
        lines.append(f"{t(lang, 'chat_first_steps')}:")
        for step in cause.steps:
            lines.append(f"• {mrkdwn(step.text)}")
            lines += [f"```{s.code}```" for s in step.snippets]
    if cause.url:
        lines.append(f"<{cause.url}|{t(lang, 'chat_guide')}>")
    return "\n".join(lines)


def _question(question: FollowUp, reply: Reply, channel: str, thread: str) -> list[dict[str, Any]]:
    text = f"*{t(reply.lang, 'chat_follow_up')}:* {mrkdwn(question.text)}\n_{question.hint}_"
    buttons = [
        {
            "type": "button",
            "action_id": f"{ANSWER}-{number}",
            "text": {"type": "plain_text", "text": f"{number}. {label}"[:75]},
            "value": button_value(channel, thread, question.name, number),
        }
        for number, label in question.options
    ]
    return [_section(text), {"type": "actions", "elements": buttons[:25]}]


def button_value(channel: str, thread: str, question: str, number: str) -> str:
    return json.dumps({"c": channel, "t": thread, "q": question, "n": number})


def read_button(value: str) -> tuple[str, str, str, str] | None:
    """(channel, thread, question, number) of a button's value, or None if malformed."""
    try:
        data = json.loads(value)
        found = (data["c"], data["t"], data["q"], data["n"])
    except (ValueError, KeyError, TypeError):
        return None
    return found if all(isinstance(x, str) for x in found) else None
