"""The one ASGI service of ``troubleshoot serve``: Slack, Mattermost, the JSON API and a
health check, behind the body size cap, with secrets masked in every log line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from troubleshoot.frontends.chat.api import ask, bad, healthz
from troubleshoot.frontends.chat.config import Settings
from troubleshoot.frontends.chat.limits import BodyLimit, RateLimit
from troubleshoot.frontends.chat.mattermost import mattermost
from troubleshoot.frontends.chat.service import Service
from troubleshoot.frontends.chat.threads import ThreadStore
from troubleshoot.knowledge.load import KnowledgeBase

log = logging.getLogger("troubleshoot.serve")


class MaskSecrets(logging.Filter):
    """Replace each configured secret in a log record by ``***``: a library that logs a
    request's headers at debug level must still not write a token."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    mask = MaskSecrets(settings.secrets())
    handler = logging.StreamHandler()
    handler.addFilter(mask)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # The Slack SDK logs whole requests, the bot token among the headers, at debug level;
    # experta logs every fact and match at info level.
    for name in ("slack_sdk", "slack_bolt", "experta", "nio"):
        logging.getLogger(name).setLevel(logging.WARNING)


def build_app(kb: KnowledgeBase, settings: Settings) -> Any:
    """The service as an ASGI application (the Starlette app inside the body cap)."""
    limit = RateLimit(settings.rate, settings.burst)
    service = Service(kb, ThreadStore(settings.database), settings, limit)
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/ask", ask, methods=["POST"]),
        Route("/mattermost", mattermost, methods=["POST"]),
    ]
    if settings.slack_signing_secret and settings.slack_bot_token:
        from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler

        from troubleshoot.frontends.chat.slack import slack_app

        handler = AsyncSlackRequestHandler(slack_app(service))

        async def slack_events(request: Request) -> Response:
            try:
                return await handler.handle(request)
            except UnicodeDecodeError:  # bolt decodes the body as UTF-8 before checking it
                return bad("malformed request")

        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    else:
        log.info("Slack is off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to serve it")
    app = Starlette(
        routes=routes, exception_handlers={Exception: _failed}, lifespan=_matrix_bot(service)
    )
    app.state.service = service
    return BodyLimit(app, settings.max_body)


def _matrix_bot(service: Service) -> Any:
    """While the service runs, the Matrix bot runs beside it when ``MATRIX_HOMESERVER`` is
    set (docs/chat-matrix.md), on the same thread store and per-user rate limit."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        if not os.environ.get("MATRIX_HOMESERVER"):
            log.info("Matrix is off: set MATRIX_HOMESERVER and the bot's account to serve it")
            yield
            return
        from troubleshoot.frontends.chat.matrix import MatrixSettings, default_answerer, run_matrix

        answerer = default_answerer(service.kb, service.store, service.settings.site_url)
        bot = asyncio.create_task(
            run_matrix(MatrixSettings.from_env(), answerer, service.limit.allow)
        )
        yield
        bot.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await bot

    return lifespan


async def _failed(_request: Request, exc: Exception) -> Response:
    log.error("request failed: %s", type(exc).__name__)
    return bad("internal error", 500)


def warm(kb: KnowledgeBase) -> None:
    """Build what replies need (the consulting thread's engines, the question planner's
    model, the retrieval index) before the first request, then move every object alive to
    the garbage collector's permanent generation: the knowledge base and its compiled
    forms are some 65,000 objects, and a full collection that walks them (tens of
    milliseconds) would otherwise land in the middle of a request."""
    import gc

    from troubleshoot.frontends.chat.reply import Thread, reply
    from troubleshoot.frontends.chat.worker import on_worker

    def replies() -> None:
        for text in ("loss becomes nan, lr 0.1", "验证集loss一直上升", "hello"):
            reply(kb, Thread(), text)

    on_worker(replies)
    gc.collect()
    gc.freeze()


def serve(kb: KnowledgeBase, settings: Settings, host: str, port: int) -> None:
    import uvicorn

    configure_logging(settings)
    app = build_app(kb, settings)
    warm(kb)
    log.info("serving on http://%s:%d (threads in %s)", host, port, settings.database)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=True)
