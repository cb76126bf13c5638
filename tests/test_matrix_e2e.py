"""The Matrix bot against a real Synapse homeserver on loopback, with SQLite.

Synapse (matrix-synapse from PyPI, in the ``test`` extra) is started once per session in
a temporary folder: client API only, no federation, no TLS, open registration and relaxed
rate limits. A person registers, creates a room and invites the bot; the bot (the real
``MatrixBot``, in this test's event loop) joins and answers. Every wait is bounded by a
generous deadline and fails with what was seen so far; nothing asserts a duration.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip(
    "synapse.app.homeserver",
    reason="the Matrix end-to-end test needs matrix-synapse (pip install -e '.[test]')",
)
nio = pytest.importorskip("nio", reason="the Matrix bot needs matrix-nio (the chat extra)")

from conftest import REPO  # noqa: E402

from troubleshoot.consult.freetext import consult_text  # noqa: E402
from troubleshoot.frontends.chat.matrix import (  # noqa: E402
    MAIN_TIMELINE,
    MatrixBot,
    MatrixLoginError,
    MatrixSettings,
)
from troubleshoot.frontends.i18n import t  # noqa: E402
from troubleshoot.knowledge.load import cached_kb  # noqa: E402
from troubleshoot.lang import Lang  # noqa: E402

DEADLINE = 120.0  # seconds: generous bounds on waits, never an assertion on time
PASSWORD = "correct horse battery staple"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _configure(folder: Path, port: int) -> Path:
    """Synapse's own generated configuration, narrowed to a loopback test server."""
    config = folder / "homeserver.yaml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "--server-name=localhost",
            f"--config-path={config}",
            f"--data-directory={folder}",
            "--generate-config",
            "--report-stats=no",
        ],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    settings = yaml.safe_load(config.read_text("utf-8"))
    relaxed = {"per_second": 1000, "burst_count": 1000}
    settings.update(
        listeners=[
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        trusted_key_servers=[],
        suppress_key_server_warning=True,
        report_stats=False,
        enable_registration=True,
        enable_registration_without_verification=True,
        use_presence=False,
        rc_message=relaxed,
        rc_registration=relaxed,
        rc_login={"address": relaxed, "account": relaxed, "failed_attempts": relaxed},
        rc_joins={"local": relaxed, "remote": relaxed},
        rc_invites={"per_room": relaxed, "per_user": relaxed, "per_sender": relaxed},
    )
    config.write_text(yaml.safe_dump(settings), "utf-8")
    return config


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Synapse started for this session, stopped after it."""
    folder = tmp_path_factory.mktemp("synapse")
    port = _free_port()
    config = _configure(folder, port)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    with (folder / "stdout.txt").open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", f"--config-path={config}"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        while True:
            if server.poll() is not None or time.monotonic() - started > DEADLINE:
                log = (folder / "homeserver.log").read_text("utf-8", "replace")[-3000:]
                pytest.fail(f"Synapse did not come up (exit code {server.poll()}):\n{log}")
            try:
                with urllib.request.urlopen(f"{url}/_matrix/client/versions", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        print(f"\nSynapse answered after {time.monotonic() - started:.1f} s", file=sys.stderr)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def _account(homeserver: str, name: str) -> nio.AsyncClient:
    """A newly registered user, logged in."""
    client = nio.AsyncClient(homeserver, name)
    registered = await client.register(name, PASSWORD)
    assert isinstance(registered, nio.RegisterResponse), registered
    return client


def _unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


class CoreAnswerer:
    """Stands in for the chat reply builder: the free-text core's top three causes by
    lesson id, and each question it was asked. Raises for a question holding "boom"."""

    def __init__(self) -> None:
        self.kb = cached_kb()
        self.asked: list[tuple[str, str, str]] = []

    async def __call__(self, room: str, thread: str, text: str) -> str:
        self.asked.append((room, thread, text))
        if "boom" in text:
            raise RuntimeError("the answerer broke")
        _, consultation = await asyncio.to_thread(consult_text, self.kb, text)
        top = consultation.result.diagnoses[:3]
        return "Likely causes:\n\n" + "\n".join(f"1. `{d.id}`" for d in top)


async def _replies(person: nio.AsyncClient, room_id: str, bot_id: str, want: int) -> list[dict]:
    """The bot's messages in the room as raw events, once ``want`` have come (bounded)."""
    seen: list[dict[str, Any]] = []
    give_up = time.monotonic() + DEADLINE
    while len(seen) < want:
        assert time.monotonic() < give_up, f"only {len(seen)} of {want} replies came: {seen}"
        response = await person.sync(timeout=5_000)
        assert isinstance(response, nio.SyncResponse), response
        joined = response.rooms.join.get(room_id)
        for event in joined.timeline.events if joined else []:
            if event.source.get("sender") == bot_id and event.source["type"] == "m.room.message":
                seen.append(event.source)
    return seen


async def _joined(person: nio.AsyncClient, room_id: str, bot_id: str) -> None:
    """Once the bot has joined the room (matrix-nio counts the invited among ``users``)."""
    give_up = time.monotonic() + DEADLINE
    room = person.rooms[room_id]
    while bot_id not in room.users or bot_id in room.invited_users:
        assert time.monotonic() < give_up, "the bot did not join the room"
        await person.sync(timeout=5_000)


async def _send(person: nio.AsyncClient, room_id: str, content: dict[str, Any]) -> str:
    sent = await person.room_send(room_id, "m.room.message", content)
    assert isinstance(sent, nio.RoomSendResponse), sent
    return str(sent.event_id)


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _in_reply_to(reply: dict[str, Any]) -> str:
    return str(reply["content"]["m.relates_to"]["m.in_reply_to"]["event_id"])


async def _conversation(homeserver: str, answerer: CoreAnswerer) -> dict[str, Any]:
    bot_name = _unique("troubleshoot-bot")
    bot_id = f"@{bot_name}:localhost"
    await (await _account(homeserver, bot_name)).close()
    person = await _account(homeserver, _unique("person"))
    created = await person.room_create(name="training problems", invite=[bot_id])
    assert isinstance(created, nio.RoomCreateResponse), created
    room_id = created.room_id
    await person.sync(timeout=0)
    old = await _send(person, room_id, {"msgtype": "m.text", "body": "old: the loss is nan"})

    senders: list[str] = []

    def allow(sender: str) -> bool:  # a rate limit that lets each sender ask three times
        senders.append(sender)
        return senders.count(sender) <= 3

    bot = MatrixBot(MatrixSettings(homeserver, bot_name, password=PASSWORD), answerer, allow)
    running = asyncio.create_task(bot.run())
    try:
        await asyncio.wait_for(bot.ready.wait(), DEADLINE)
        await _joined(person, room_id, bot_id)
        failing = await _send(person, room_id, {"msgtype": "m.text", "body": "boom"})
        nan = await _send(
            person,
            room_id,
            {"msgtype": "m.text", "body": "loss becomes nan after 2000 iterations, caffe, lr 0.1"},
        )
        overfit = await _send(
            person,
            room_id,
            {
                "msgtype": "m.text",
                "body": "验证集loss一直上升怎么办",
                "m.relates_to": {
                    "rel_type": "m.thread",
                    "event_id": nan,
                    "is_falling_back": True,
                    "m.in_reply_to": {"event_id": nan},
                },
            },
        )
        await _send(person, room_id, {"msgtype": "m.text", "body": "over the limit: nan"})
        replies = await _replies(person, room_id, bot_id, want=3)
        give_up = time.monotonic() + DEADLINE
        while len(senders) < 4:  # the fourth question reached the limit, not the answerer
            assert time.monotonic() < give_up, f"the bot saw {len(senders)} of 4 questions"
            await asyncio.sleep(0.1)
        token = bot.client.access_token
    finally:
        await _stop(running)
        await person.close()
    by_question = {_in_reply_to(reply): reply["content"] for reply in replies}
    ids = {"old": old, "failing": failing, "nan": nan, "overfit": overfit}
    return {
        "room": room_id,
        "ids": ids,
        "replies": by_question,
        "count": len(replies),
        "token": token,
    }


def test_bot_answers_questions_in_a_room(homeserver: str, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    answerer = CoreAnswerer()
    seen = asyncio.run(_conversation(homeserver, answerer))
    ids, replies = seen["ids"], seen["replies"]
    assert seen["count"] == 3 and set(replies) == {ids["failing"], ids["nan"], ids["overfit"]}

    nan = replies[ids["nan"]]
    assert nan["msgtype"] == "m.notice"
    assert "nan-exploding-gradient" in nan["body"]
    assert nan["format"] == "org.matrix.custom.html"
    assert (
        "<ol>" in nan["formatted_body"]
        and "<code>nan-exploding-gradient</code>" in nan["formatted_body"]
    )
    assert "rel_type" not in nan["m.relates_to"]  # a plain reply outside threads

    overfit = replies[ids["overfit"]]
    assert "overfitting-toolbox" in overfit["body"]
    assert overfit["m.relates_to"]["rel_type"] == "m.thread"
    assert overfit["m.relates_to"]["event_id"] == ids["nan"]  # in the question's thread

    assert replies[ids["failing"]]["body"] == t(Lang.EN, "chat_failed")

    threads = {text: thread for _, thread, text in answerer.asked}
    assert threads["验证集loss一直上升怎么办"] == ids["nan"]
    assert threads["loss becomes nan after 2000 iterations, caffe, lr 0.1"] == MAIN_TIMELINE
    assert all(room == seen["room"] for room, _, _ in answerer.asked)
    assert "old: the loss is nan" not in threads  # sent before the bot started
    assert "over the limit: nan" not in threads  # refused by the rate limit

    assert PASSWORD not in caplog.text and seen["token"] not in caplog.text


async def _log_in_with_token(homeserver: str) -> tuple[str, str | None]:
    name = _unique("token-bot")
    account = await _account(homeserver, name)
    token = account.access_token
    await account.close()
    bot = MatrixBot(MatrixSettings(homeserver, name, access_token=token), CoreAnswerer())
    running = asyncio.create_task(bot.run())
    try:
        await asyncio.wait_for(bot.ready.wait(), DEADLINE)
    finally:
        await _stop(running)
    return f"@{name}:localhost", bot.client.user_id


def test_bot_logs_in_with_an_access_token(homeserver: str):
    expected, user_id = asyncio.run(_log_in_with_token(homeserver))
    assert user_id == expected


async def _wrong_password(homeserver: str) -> None:
    name = _unique("locked-bot")
    await (await _account(homeserver, name)).close()
    settings = MatrixSettings(homeserver, name, password="not the password")
    await asyncio.wait_for(MatrixBot(settings, CoreAnswerer()).run(), DEADLINE)


def test_a_refused_login_is_an_error_without_the_secret(homeserver: str):
    with pytest.raises(MatrixLoginError) as refused:
        asyncio.run(_wrong_password(homeserver))
    assert "not the password" not in str(refused.value)


async def _revoked(homeserver: str) -> None:
    name = _unique("revoked-bot")
    await (await _account(homeserver, name)).close()
    bot = MatrixBot(MatrixSettings(homeserver, name, password=PASSWORD), CoreAnswerer())
    running = asyncio.create_task(bot.run())
    await asyncio.wait_for(bot.ready.wait(), DEADLINE)
    same_device = nio.AsyncClient(homeserver, f"@{name}:localhost")
    same_device.access_token = bot.client.access_token
    assert isinstance(await same_device.logout(), nio.LogoutResponse)
    await same_device.close()
    await asyncio.wait_for(running, DEADLINE)


def test_a_revoked_token_stops_the_bot(homeserver: str):
    with pytest.raises(MatrixLoginError, match="no longer accepts"):
        asyncio.run(_revoked(homeserver))


async def _ask_the_bot_process(homeserver: str, output: Path) -> tuple[dict[str, Any], str]:
    """`python -m troubleshoot.frontends.chat.matrix`, configured by the environment,
    answers a question in a room it was invited to before it started."""
    bot_name = _unique("process-bot")
    bot_id = f"@{bot_name}:localhost"
    await (await _account(homeserver, bot_name)).close()
    person = await _account(homeserver, _unique("person"))
    created = await person.room_create(invite=[bot_id])
    assert isinstance(created, nio.RoomCreateResponse), created
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "MATRIX_HOMESERVER": homeserver,
        "MATRIX_USER": bot_id,
        "MATRIX_PASSWORD": PASSWORD,
    }
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "troubleshoot.frontends.chat.matrix"],
            cwd=output.parent,  # whatever the bot writes stays in the test's folder
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        give_up = time.monotonic() + DEADLINE
        while "listens on" not in output.read_text("utf-8", "replace"):
            assert process.poll() is None, output.read_text("utf-8", "replace")
            assert time.monotonic() < give_up, "the bot process did not start listening"
            await asyncio.sleep(0.2)
        await person.sync(timeout=0)
        await _joined(person, created.room_id, bot_id)
        question = "loss becomes nan after 2000 iterations, caffe, lr 0.1"
        asked = await _send(person, created.room_id, {"msgtype": "m.text", "body": question})
        (reply,) = await _replies(person, created.room_id, bot_id, want=1)
        assert _in_reply_to(reply) == asked
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=DEADLINE)
        await person.close()
    assert code == 0, output.read_text("utf-8", "replace")
    return reply["content"], output.read_text("utf-8", "replace")


def test_the_bot_runs_alone_from_the_environment(homeserver: str, tmp_path: Path):
    content, log = asyncio.run(_ask_the_bot_process(homeserver, tmp_path / "bot.log"))
    title = cached_kb().lessons["nan-exploding-gradient"].title.get(Lang.EN)
    assert title in content["body"]
    assert PASSWORD not in log


async def _ask_serve(homeserver: str, folder: Path) -> list[dict[str, Any]]:
    """`troubleshoot serve` runs the bot: a question and the answer to its follow-up."""
    bot_name = _unique("serve-bot")
    bot_id = f"@{bot_name}:localhost"
    await (await _account(homeserver, bot_name)).close()
    person = await _account(homeserver, _unique("person"))
    created = await person.room_create(invite=[bot_id])
    assert isinstance(created, nio.RoomCreateResponse), created
    room_id = created.room_id
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "MATRIX_HOMESERVER": homeserver,
        "MATRIX_USER": bot_id,
        "MATRIX_PASSWORD": PASSWORD,
    }
    port = str(_free_port())
    with (folder / "serve.log").open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "troubleshoot", "serve", "--port", port],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        await person.sync(timeout=0)
        await _joined(person, room_id, bot_id)
        await _send(person, room_id, {"msgtype": "m.text", "body": "验证集loss一直上升怎么办"})
        (first,) = await _replies(person, room_id, bot_id, want=1)
        await _send(person, room_id, {"msgtype": "m.text", "body": "2"})
        (second,) = await _replies(person, room_id, bot_id, want=1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=DEADLINE)
        await person.close()
    assert PASSWORD not in (folder / "serve.log").read_text("utf-8", "replace")
    return [first["content"], second["content"]]


def test_serve_runs_the_bot_and_refines_on_a_numbered_answer(homeserver: str, tmp_path: Path):
    first, second = asyncio.run(_ask_serve(homeserver, tmp_path))
    assert "overfitting-toolbox" in first["body"]
    assert t(Lang.ZH, "chat_follow_up") in first["body"]  # a numbered follow-up question
    noted = t(Lang.ZH, "chat_answered").split("{")[0]
    assert noted in second["body"]  # "2" answered it, in the room's main timeline
    assert "overfitting-toolbox" in second["body"]
