"""Abuse limits: a body size cap for every request, and a token bucket per user.

The cap is an ASGI middleware that reads at most ``limit`` bytes of a body before any
handler (or Slack's signature check) sees it, and answers 413 past that, whatever the
``Content-Length`` claims. The buckets are in memory: a restart forgets them, which only
ever lets a user send more.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_USERS = 10_000  # buckets kept; the oldest are dropped past this


@dataclass
class RateLimit:
    """``rate`` requests a second per user, with bursts of up to ``burst``."""

    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, user: str) -> bool:
        now = self.clock()
        tokens, then = self._buckets.pop(user, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[user] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > MAX_USERS:
            del self._buckets[next(iter(self._buckets))]
        return allowed

    def retry_after(self, user: str) -> int:
        """Whole seconds until ``user`` has a request again: a 429's ``Retry-After``."""
        tokens, _ = self._buckets.get(user, (float(self.burst), 0.0))
        return max(1, math.ceil((1.0 - tokens) / self.rate))


class BodyLimit:
    """Reject bodies over ``limit`` bytes with 413; hand the rest on, already read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.limit:
                await _too_large(send)
                return
            if not message.get("more_body"):
                break
        done = False

        async def replay() -> Message:
            nonlocal done
            if done:
                return await receive()
            done = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"error": "request body too large"}'})
