"""Slack at ``/slack/events``, through slack-bolt's ``AsyncApp`` and its Starlette adapter.

Bolt checks every request's signature (HMAC-SHA256 of ``v0:<timestamp>:<body>`` with the
signing secret) and refuses timestamps more than five minutes old, answering 401. Each
listener acknowledges at once and posts its answer afterwards (``respond`` through the
``response_url``, or ``chat.postMessage``), so Slack always has its acknowledgement within
three seconds however long a diagnosis takes.

Threads: a slash command's conversation is the user's in that channel (so
``/troubleshoot 1`` answers the last question); a mention's is its message thread; a direct
message's is the thread it is in, else the whole conversation. Buttons carry their thread.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from troubleshoot.frontends.chat.reply import Pick, Reply
from troubleshoot.frontends.chat.service import Service
from troubleshoot.frontends.chat.slack_blocks import ANSWER, fallback_text, read_button, to_blocks
from troubleshoot.frontends.i18n import t
from troubleshoot.lang import Lang

PLATFORM = "slack"
# Said before the thread, and so its language, is looked at: in both languages.
SLOW_DOWN = f"{t(Lang.EN, 'chat_slow_down')} / {t(Lang.ZH, 'chat_slow_down')}"
_MENTION = re.compile(r"<@[A-Z0-9]+>")


def _message(built: Reply, channel: str, thread: str) -> dict[str, Any]:
    return {"text": fallback_text(built), "blocks": to_blocks(built, channel, thread)}


def slack_app(service: Service) -> AsyncApp:
    settings = service.settings
    client = AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or AsyncWebClient.BASE_URL,
    )
    app = AsyncApp(client=client, signing_secret=settings.slack_signing_secret)

    @app.command("/troubleshoot")
    async def command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack()
        channel, user = command.get("channel_id", ""), command.get("user_id", "")
        if not service.limit.allow(f"{PLATFORM}:{user}"):
            await respond(text=SLOW_DOWN, response_type="ephemeral")
            return
        thread = f"user:{user}"
        built = await service.answer(PLATFORM, channel, thread, command.get("text", ""))
        await respond(response_type="in_channel", **_message(built, channel, thread))

    async def conversation(event: dict[str, Any], client: AsyncWebClient, thread: str) -> None:
        channel, user = event.get("channel", ""), event.get("user", "")
        if not service.limit.allow(f"{PLATFORM}:{user}"):
            # Only to the sender: a public note per refused message would be the flood.
            await client.chat_postEphemeral(channel=channel, user=user, text=SLOW_DOWN)
            return
        text = _MENTION.sub("", event.get("text", "")).strip()
        built = await service.answer(PLATFORM, channel, thread, text)
        in_thread = {"thread_ts": event.get("thread_ts") or event.get("ts")}
        if event.get("channel_type") == "im" and not event.get("thread_ts"):
            in_thread = {}
        message = _message(built, channel, thread)
        await client.chat_postMessage(channel=channel, **in_thread, **message)

    @app.event("app_mention")
    async def mention(ack: Any, event: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await conversation(event, client, event.get("thread_ts") or event.get("ts", ""))

    @app.event("message")
    async def direct(ack: Any, event: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await conversation(event, client, event.get("thread_ts") or "dm")

    @app.action(re.compile(f"^{ANSWER}-"))
    async def button(ack: Any, action: dict[str, Any], body: dict[str, Any], respond: Any) -> None:
        await ack()
        found = read_button(str(action.get("value", "")))
        user = str(body.get("user", {}).get("id", ""))
        if found is None:
            return
        if not service.limit.allow(f"{PLATFORM}:{user}"):
            await respond(text=SLOW_DOWN, response_type="ephemeral", replace_original=False)
            return
        channel, thread, question, number = found
        built = await service.answer(PLATFORM, channel, thread, Pick(question, number))
        await respond(replace_original=False, **_message(built, channel, thread))

    return app
