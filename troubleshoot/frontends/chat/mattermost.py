"""``POST /mattermost``: a Mattermost slash command or outgoing webhook.

Both post a form (an outgoing webhook may post JSON) with the ``token`` Mattermost shows
when the integration is made; it is compared in constant time with ``MATTERMOST_TOKEN``.
The reply is the JSON Mattermost expects (``response_type``, ``text``). A channel's
conversation with one user is one thread, so "/troubleshoot 1" answers the question the
previous reply asked.
"""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from troubleshoot.frontends.chat.api import bad, too_many
from troubleshoot.frontends.chat.markdown import to_markdown
from troubleshoot.frontends.chat.service import Service

PLATFORM = "mattermost"


def _fields(body: bytes, content_type: str) -> dict[str, Any]:
    """The request's fields, from a form or a JSON object; raises ValueError otherwise."""
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    return {k: v[0] for k, v in form.items()}


async def mattermost(request: Request) -> Response:
    service: Service = request.app.state.service
    expected = service.settings.mattermost_token
    if not expected:
        return bad("Mattermost is not configured (MATTERMOST_TOKEN)", 404)
    try:
        data = _fields(await request.body(), request.headers.get("content-type", ""))
    except (ValueError, UnicodeDecodeError):
        return bad("malformed request")
    token = data.get("token")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected.encode()):
        return bad("invalid token", 401)
    fields = [data.get(k, "") for k in ("channel_id", "user_id", "text", "trigger_word")]
    if not all(isinstance(f, str) for f in fields):
        return bad("malformed request")
    channel, user, text, trigger = fields
    if not channel or not user:
        return bad("channel_id and user_id are required")
    if trigger and text.startswith(trigger):  # an outgoing webhook repeats its trigger word
        text = text[len(trigger) :]
    asker = f"{PLATFORM}:{user}"
    if not service.limit.allow(asker):
        return too_many(service, asker)
    built = await service.answer(PLATFORM, channel, user, text)
    return JSONResponse({"response_type": "in_channel", "text": to_markdown(built)})
