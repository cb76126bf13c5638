"""A :class:`Reply` as Markdown, for Mattermost and Matrix (and the Slack fallback text).

Flat paragraphs rather than nested lists: chat clients differ in how they indent code
under a list item. What the user wrote is escaped (``escape.markdown``).
"""

from __future__ import annotations

from troubleshoot.frontends.chat import escape
from troubleshoot.frontends.chat.reply import Cause, FollowUp, Reply
from troubleshoot.frontends.i18n import t


def to_markdown(reply: Reply) -> str:
    lang = reply.lang
    parts: list[str] = []
    if reply.quote:
        parts.append(
            f"> **{t(lang, 'chat_you_asked')}:** {escape.markdown(escape.shorten(reply.quote))}"
        )
    if reply.invalid:
        parts.append(
            f"_{t(lang, 'chat_bad_answer')}:_ {escape.markdown(escape.shorten(reply.invalid))}"
        )
    if reply.note:
        parts.append(reply.note)
    if reply.causes:
        parts.append(f"**{t(lang, 'chat_causes')}**")
        parts += [cause_markdown(i, c, reply) for i, c in enumerate(reply.causes, 1)]
        if reply.more:
            parts.append(f"_{t(lang, 'chat_more_causes', n=reply.more)}_")
    if reply.follow_up:
        parts.append(follow_up_markdown(reply.follow_up, reply))
    if reply.sources:
        listed = "\n".join(f"[{i}] {s}" for i, s in enumerate(reply.sources, 1))
        parts.append(f"**{t(lang, 'chat_sources')}**\n{listed}")
    return "\n\n".join(parts) + "\n"


def cause_markdown(rank: int, cause: Cause, reply: Reply) -> str:
    lang = reply.lang
    lines = [
        f"**{rank}. {cause.title}** (`{cause.id}`) · {cause.likelihood} {cause.marks}",
        f"{t(lang, 'chat_why')}: {cause.because}",
    ]
    if cause.steps:
        lines.append(f"{t(lang, 'chat_first_steps')}:")
        for step in cause.steps:
            lines.append(f"- {step.text}")
            for snippet in step.snippets:
                lines.append(f"```{snippet.language}\n{snippet.code}\n```")
    if cause.url:
        lines.append(f"{t(lang, 'chat_guide')}: <{cause.url}>")
    return "\n".join(lines)


def follow_up_markdown(question: FollowUp, reply: Reply) -> str:
    choices = "  ".join(f"**{number}** {label}" for number, label in question.options)
    return f"**{t(reply.lang, 'chat_follow_up')}:** {question.text}\n{choices}\n_{question.hint}_"
