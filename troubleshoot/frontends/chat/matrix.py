"""The Matrix front end: a bot account that answers questions in the rooms it is invited to.

It logs in with matrix-nio (password or access token), joins the rooms it is invited to,
and answers each text message a person sends there with the Markdown an ``Answerer``
gives, as HTML in ``formatted_body``: in the message's thread when it is in one, else as
a reply to it. It skips its own messages, edits, and anything sent before it started
(the first sync only moves the sync token; events older than the start are dropped too,
as a newly joined room brings its recent history). A message that fails to answer gets a
short apology; the sync loop goes on. Secrets are never logged. Encrypted rooms are not
supported (matrix-nio's end-to-end extra needs libolm).

``run_matrix`` is what ``troubleshoot serve`` starts as a background task;
``python -m troubleshoot.frontends.chat.matrix`` runs the bot alone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinError,
    LoginResponse,
    MatrixRoom,
    RoomMessageText,
    RoomSendError,
    SyncError,
    WhoamiResponse,
)

from troubleshoot.frontends.chat.reply import answer_text
from troubleshoot.frontends.chat.threads import ThreadStore
from troubleshoot.frontends.i18n import t
from troubleshoot.lang import written_in
from troubleshoot.render.html import markdown_to_html

if TYPE_CHECKING:
    from troubleshoot.knowledge.load import KnowledgeBase

log = logging.getLogger(__name__)

# room id, thread key, the person's text -> the Markdown reply. The thread key is the
# thread's root event for a message in a thread, else MAIN_TIMELINE: a numbered answer
# typed in the room's main timeline answers the follow-up question asked there.
Answerer = Callable[[str, str, str], Awaitable[str]]
Allow = Callable[[str], bool]  # may this sender (a Matrix user id) be answered now?
MAIN_TIMELINE = ""
SYNC_TIMEOUT_MS = 30_000  # how long one sync waits on the server for new events
SYNC_RETRY_S = 5.0  # the pause after a failed sync, so that an error is not a busy loop
_FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}}  # the first sync reads no history


class MatrixConfigError(ValueError):
    """The bot's environment lacks what it needs to log in; the message names the variable."""


class MatrixLoginError(RuntimeError):
    """The homeserver refused the bot's credentials (the message holds no secret)."""


@dataclass(frozen=True)
class MatrixSettings:
    """Where and as whom the bot logs in. The secrets stay out of ``repr``."""

    homeserver: str
    user: str
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    device_name: str = "troubleshoot"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MatrixSettings:
        """From ``MATRIX_HOMESERVER``, ``MATRIX_USER`` and ``MATRIX_PASSWORD`` or
        ``MATRIX_ACCESS_TOKEN`` (the token wins when both are set)."""
        env = os.environ if env is None else env
        missing = [name for name in ("MATRIX_HOMESERVER", "MATRIX_USER") if not env.get(name)]
        if not env.get("MATRIX_PASSWORD") and not env.get("MATRIX_ACCESS_TOKEN"):
            missing.append("MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN")
        if missing:
            raise MatrixConfigError("the Matrix bot needs " + ", ".join(missing))
        return cls(
            homeserver=env["MATRIX_HOMESERVER"],
            user=env["MATRIX_USER"],
            password=env.get("MATRIX_PASSWORD") or None,
            access_token=env.get("MATRIX_ACCESS_TOKEN") or None,
        )


def thread_of(content: Mapping[str, Any]) -> str | None:
    """The root event of the thread a message is in, or None outside threads."""
    relation = content.get("m.relates_to")
    if isinstance(relation, Mapping) and relation.get("rel_type") == "m.thread":
        root = relation.get("event_id")
        return root if isinstance(root, str) else None
    return None


def is_edit(content: Mapping[str, Any]) -> bool:
    """An edit of an earlier message (answered already, in its first version)."""
    relation = content.get("m.relates_to")
    return isinstance(relation, Mapping) and relation.get("rel_type") == "m.replace"


def question_text(body: str, content: Mapping[str, Any]) -> str:
    """What the person wrote, without the quoted fallback older clients put in a reply."""
    relation = content.get("m.relates_to")
    if not (isinstance(relation, Mapping) and "m.in_reply_to" in relation):
        return body
    lines = body.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip() or body


def reply_content(event_id: str, content: Mapping[str, Any], markdown: str) -> dict[str, Any]:
    """An ``m.notice`` answering the event (bots send notices, which other bots ignore): in
    its thread when it is in one, else a reply to it. ``m.mentions`` is empty, so that
    clients and servers that honour intentional mentions ring nobody, ``@room`` included."""
    root = thread_of(content)
    if root is None:
        relation: dict[str, Any] = {"m.in_reply_to": {"event_id": event_id}}
    else:
        relation = {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": False,
            "m.in_reply_to": {"event_id": event_id},
        }
    return {
        "msgtype": "m.notice",
        "body": markdown,
        "format": "org.matrix.custom.html",
        "formatted_body": markdown_to_html(markdown),
        "m.relates_to": relation,
        "m.mentions": {},
    }


class MatrixBot:
    """One bot account on one homeserver. ``ready`` is set once the first sync is done:
    from then on every new message in its rooms is answered, unless ``allow`` (the chat
    service's per-user rate limit) refuses its sender."""

    def __init__(
        self, settings: MatrixSettings, answer: Answerer, allow: Allow | None = None
    ) -> None:
        self.settings = settings
        self.answer = answer
        self.allow = allow
        self.ready = asyncio.Event()
        # matrix-nio logs every response body at DEBUG, the login's access token included.
        logging.getLogger("nio.responses").setLevel(logging.INFO)
        self.client = AsyncClient(
            settings.homeserver,
            settings.user,
            config=AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False),
        )
        self._started_ms = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Log in, skip what came before, then answer until cancelled."""
        try:
            await self._login()
            self._started_ms = int(time.time() * 1000)
            self.client.add_event_callback(self._on_invite, InviteMemberEvent)
            first = await self.client.sync(timeout=0, sync_filter=_FIRST_SYNC_FILTER)
            if isinstance(first, SyncError):
                raise MatrixLoginError(f"the first sync failed: {first.message}")
            self.client.add_event_callback(self._on_message, RoomMessageText)
            self.client.add_response_callback(self._on_sync_error, SyncError)
            log.info("Matrix bot %s listens on %s", self.client.user_id, self.settings.homeserver)
            self.ready.set()
            await self.client.sync_forever(timeout=SYNC_TIMEOUT_MS)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await self.client.close()

    async def _login(self) -> None:
        if self.settings.access_token:
            self.client.access_token = self.settings.access_token
            who = await self.client.whoami()
            if not isinstance(who, WhoamiResponse):
                raise MatrixLoginError(f"the access token was refused: {who.message}")
            self.client.user_id = who.user_id
            self.client.device_id = who.device_id or ""
            return
        assert self.settings.password is not None  # from_env asks for one or the other
        response = await self.client.login(
            self.settings.password, device_name=self.settings.device_name
        )
        if not isinstance(response, LoginResponse):
            raise MatrixLoginError(
                f"{self.settings.user} could not log in to {self.settings.homeserver}: "
                f"{response.message}"
            )

    async def _on_sync_error(self, response: SyncError) -> None:
        """A logged-out token ends the bot; any other failed sync is retried after a pause
        (network errors and rate limits are retried inside matrix-nio)."""
        if response.status_code == "M_UNKNOWN_TOKEN":
            raise MatrixLoginError("the homeserver no longer accepts the bot's access token")
        log.warning("sync failed (%s); retrying in %.0f s", response.message, SYNC_RETRY_S)
        await asyncio.sleep(SYNC_RETRY_S)

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key != self.client.user_id or event.membership != "invite":
            return
        joined = await self.client.join(room.room_id)
        if isinstance(joined, JoinError):
            log.warning("could not join %s: %s", room.room_id, joined.message)
        else:
            log.info("joined %s", room.room_id)

    async def _on_message(self, room: MatrixRoom, event: RoomMessageText) -> None:
        """Answer in a task of its own, so that a slow answer never holds up the sync."""
        content = event.source.get("content", {})
        if (
            event.sender == self.client.user_id
            or event.server_timestamp < self._started_ms
            or is_edit(content)
        ):
            return
        if self.allow is not None and not self.allow(event.sender):
            log.info("%s is over the rate limit: %s not answered", event.sender, event.event_id)
            return
        task = asyncio.create_task(self._reply(room.room_id, event, content))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reply(
        self, room_id: str, event: RoomMessageText, content: Mapping[str, Any]
    ) -> None:
        text = question_text(event.body, content)
        thread = thread_of(content) or MAIN_TIMELINE
        try:
            markdown = await self.answer(room_id, thread, text)
        except Exception:
            log.exception("answering %s in %s failed", event.event_id, room_id)
            markdown = t(written_in(text), "chat_failed")
        reply = reply_content(event.event_id, content, markdown)
        try:
            sent = await self.client.room_send(room_id, "m.room.message", reply)
        except Exception:  # matrix-nio raises for a room it left or cannot encrypt for
            log.exception("could not answer %s in %s", event.event_id, room_id)
            return
        if isinstance(sent, RoomSendError):
            log.warning("could not answer %s in %s: %s", event.event_id, room_id, sent.message)


async def run_matrix(
    settings: MatrixSettings, answer: Answerer, allow: Allow | None = None
) -> None:
    """Run the bot until cancelled: what ``troubleshoot serve`` starts as a background task
    when ``MATRIX_HOMESERVER`` is set. A refused or revoked login is logged and raised."""
    try:
        await MatrixBot(settings, answer, allow).run()
    except MatrixLoginError as problem:
        log.error("Matrix bot stopped: %s", problem)
        raise


def default_answerer(kb: KnowledgeBase, store: ThreadStore, site_url: str | None) -> Answerer:
    """The answerer ``troubleshoot serve`` gives the bot: the chat reply builder
    (``reply.answer_text``) on platform ``matrix``, its threads in ``store``."""
    return partial(answer_text, kb, store, "matrix", lang=None, site_url=site_url)


def main() -> None:
    """Run the bot alone, configured from the environment, until interrupted."""
    from troubleshoot.frontends.chat.config import load_settings
    from troubleshoot.knowledge.load import cached_kb

    # force: a library imported before this (experta) may have configured the root logger.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", force=True)
    for chatty in ("nio", "experta"):  # a line per event, a line per fact
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        settings = MatrixSettings.from_env()
        chat = load_settings(None, os.environ)
        answerer = default_answerer(cached_kb(), ThreadStore(chat.database), chat.site_url)
        asyncio.run(run_matrix(settings, answerer))
    except MatrixConfigError as problem:
        raise SystemExit(f"error: {problem}") from None
    except MatrixLoginError:
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
