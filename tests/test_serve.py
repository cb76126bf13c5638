"""The chat service as it runs: `troubleshoot serve` in a subprocess on a free loopback
port, spoken to over HTTP the way Slack and Mattermost speak to it.

Slack requests are signed exactly as Slack signs them (HMAC-SHA256 over
``v0:<timestamp>:<body>``); the service's Slack Web API client and every ``response_url``
point at a fake Slack, a real HTTP server on loopback that records what it is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
MM_TOKEN = "mm-token-9xq8r7s6t5u4"
NAN_QUESTION = "loss becomes nan after 2000 iterations, caffe, lr 0.1"
ZH_QUESTION = "验证集loss一直上升怎么办"
FORM = "application/x-www-form-urlencoded"
WAIT = 60.0  # seconds to wait for something asynchronous before failing (never a timing check)


# ------------------------------------------------------------------ a fake Slack


@dataclass
class FakeSlack:
    """Records every request: (path, parsed body)."""

    port: int = 0
    calls: list[tuple[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def posted(self, path: str, predicate: Callable[[Any], bool] = lambda _: True) -> Any:
        """The first body sent to ``path`` that satisfies ``predicate``, waiting for it."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.lock:
                for got, body in self.calls:
                    if got == path and predicate(body):
                        return body
            time.sleep(0.05)
        raise AssertionError(f"nothing was posted to {path}; calls: {self.calls}")


def _fake_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            if self.headers.get("content-type", "").startswith("application/json"):
                body: Any = json.loads(raw or "{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw).items()}
            with fake.lock:
                fake.calls.append((self.path, body))
            answer: dict[str, Any] = {"ok": True}
            if self.path.endswith("auth.test"):
                answer |= {"user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "bot"}
            if self.path.endswith("chat.postMessage"):
                answer |= {"channel": body.get("channel"), "ts": "1700000000.000200"}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _fake_handler(fake))
    fake.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield fake
    server.shutdown()


# ------------------------------------------------------------------ the real server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(tmp: Path, fake: FakeSlack, db: Path, **settings: object) -> Server:
    """`troubleshoot serve` with a config file (limits, database) and the secrets in its
    environment, as a deployment would have them; returns once /healthz answers."""
    port = _free_port()
    config = tmp / f"troubleshoot-{port}.toml"
    table = {"site_url": "https://example.org/troubleshoot", "database": str(db), **settings}
    lines = [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    config.write_text("[chat]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{fake.url}/api/",
        "MATTERMOST_TOKEN": MM_TOKEN,
    }
    log = tmp / f"serve-{port}.log"
    command = [sys.executable, "-m", "troubleshoot", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"{server.url}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise AssertionError(f"the server did not start: {log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, slack: FakeSlack) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    running = start_server(tmp, slack, tmp / "threads.db", rate=100.0, burst=1000)
    yield running
    running.stop()


# ------------------------------------------------------------------ Slack requests


def signed(body: str, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    """Headers as Slack sends them: the timestamp and ``v0=`` HMAC-SHA256 of
    ``v0:<timestamp>:<body>`` with the signing secret."""
    timestamp = str(int(time.time()) - age)
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": FORM,
    }


def slash(fake: FakeSlack, text: str, user: str, channel: str, hook: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": channel,
            "user_id": user,
            "command": "/troubleshoot",
            "text": text,
            "response_url": f"{fake.url}/respond/{hook}",
            "trigger_id": "1.2.3",
        }
    )


def button_press(fake: FakeSlack, value: str, number: str, user: str, hook: str) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "channel": {"id": "C1"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1"},
        "response_url": f"{fake.url}/respond/{hook}",
        "actions": [
            {
                "type": "button",
                "action_id": f"answer-{number}",
                "block_id": "q",
                "value": value,
                "action_ts": "1.2",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def post_slack(server: Server, body: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{server.url}/slack/events", content=body, headers=headers)


def cause_ids(message: dict[str, Any]) -> list[str]:
    """The cause ids a Slack message shows, in order (each cause's section names its id)."""
    found = []
    for block in message.get("blocks", []):
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        if "* (`" in text:
            found.append(text.split("* (`", 1)[1].split("`", 1)[0])
    return found


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The follow-up question's buttons: number -> value."""
    for block in message.get("blocks", []):
        if block["type"] == "actions":
            return {e["action_id"].split("-", 1)[1]: e["value"] for e in block["elements"]}
    return {}


def test_health(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}


def test_signed_slash_command_answers_through_response_url(
    server: Server, slack: FakeSlack
) -> None:
    body = slash(slack, NAN_QUESTION, "U1", "C1", "slash")
    response = post_slack(server, body, signed(body))
    assert response.status_code == 200
    message = slack.posted("/respond/slash")
    assert message["response_type"] == "in_channel"
    assert cause_ids(message)[0] == "lr-too-large"
    assert "lr-too-large" in message["text"]
    assert "https://example.org/troubleshoot/en/lessons/lr-too-large/" in json.dumps(message)
    assert set(buttons(message)) == {"1", "2", "0"}  # the follow-up question, yes/no/not sure


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: signed(body, secret="not-the-secret"), id="forged"),
        pytest.param(lambda body: {"Content-Type": FORM}, id="unsigned"),
        pytest.param(lambda body: signed(body, age=6 * 60), id="replayed"),
        pytest.param(lambda body: signed(body + "&text=extra"), id="tampered"),
    ],
)
def test_slack_rejects_unsigned_forged_and_replayed(
    server: Server, slack: FakeSlack, headers: Callable[[str], dict[str, str]], request: Any
) -> None:
    hook = f"rejected-{request.node.callspec.id}"
    body = slash(slack, NAN_QUESTION, "U9", "C9", hook)
    response = post_slack(server, body, headers(body))
    assert response.status_code in (401, 403)
    # Nothing was answered: a valid request sent after it is answered, the rejected one not.
    good = slash(slack, NAN_QUESTION, "U9", "C9", f"{hook}-control")
    assert post_slack(server, good, signed(good)).status_code == 200
    slack.posted(f"/respond/{hook}-control")
    assert not [c for c in slack.calls if c[0] == f"/respond/{hook}"]


def test_slack_oversized_body_is_rejected(server: Server, slack: FakeSlack) -> None:
    body = slash(slack, "loss is nan " * 7000, "U8", "C8", "big")
    assert len(body) > 64 * 1024
    assert post_slack(server, body, signed(body)).status_code == 413


def test_slack_non_utf8_body_is_a_400(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/slack/events",
        content=b"text=\xff\xfe",
        headers=signed("text=??"),
    )
    assert response.status_code == 400


def test_button_answers_the_follow_up_and_refines(server: Server, slack: FakeSlack) -> None:
    body = slash(slack, NAN_QUESTION, "U2", "C2", "ask-2")
    assert post_slack(server, body, signed(body)).status_code == 200
    first = slack.posted("/respond/ask-2")
    assert cause_ids(first)[0] == "lr-too-large"
    assert "87.3365" in json.dumps(first)  # the question that tells the causes apart
    press = button_press(slack, buttons(first)["1"], "1", "U2", "press-2")
    assert post_slack(server, press, signed(press)).status_code == 200
    refined = slack.posted("/respond/press-2")
    assert cause_ids(refined)[0] == "softmax-overflow-87"
    assert refined["replace_original"] is False


def test_mention_in_chinese_replies_in_its_thread(server: Server, slack: FakeSlack) -> None:
    event = {
        "token": "legacy",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": int(time.time()),
        "event": {
            "type": "app_mention",
            "user": "U3",
            "text": f"<@UBOT> {ZH_QUESTION} <!channel>",
            "ts": "1700000001.000100",
            "channel": "C3",
        },
    }
    body = json.dumps(event)
    headers = signed(body) | {"Content-Type": "application/json"}
    assert post_slack(server, body, headers).status_code == 200
    message = slack.posted("/api/chat.postMessage", lambda b: b.get("channel") == "C3")
    assert message["thread_ts"] == "1700000001.000100"
    assert cause_ids(message)[0] == "overfitting-toolbox"
    text = json.dumps(message, ensure_ascii=False)
    assert "可能的原因" in text and "/zh/lessons/overfitting-toolbox/" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def event_body(event: dict[str, Any], event_id: str) -> str:
    envelope = {
        "token": "legacy",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": event,
    }
    return json.dumps(envelope)


def post_event(server: Server, event: dict[str, Any], event_id: str) -> None:
    body = event_body(event, event_id)
    headers = signed(body) | {"Content-Type": "application/json"}
    assert post_slack(server, body, headers).status_code == 200


def test_a_numbered_reply_in_the_mention_thread_answers(server: Server, slack: FakeSlack) -> None:
    ts = "1700000002.000100"
    ask = {"type": "app_mention", "user": "U4", "text": f"<@UBOT> {NAN_QUESTION}", "ts": ts}
    post_event(server, ask | {"channel": "C4"}, "Ev4a")
    first = slack.posted("/api/chat.postMessage", lambda b: b.get("channel") == "C4")
    assert cause_ids(first)[0] == "lr-too-large"
    answer = {"type": "app_mention", "user": "U4", "text": "<@UBOT> 1", "ts": "1700000003.1"}
    post_event(server, answer | {"channel": "C4", "thread_ts": ts}, "Ev4b")
    refined = slack.posted(
        "/api/chat.postMessage",
        lambda b: b.get("channel") == "C4" and "softmax-overflow-87" in json.dumps(b),
    )
    assert cause_ids(refined)[0] == "softmax-overflow-87" and refined["thread_ts"] == ts


def test_direct_messages_are_answered_and_bot_messages_ignored(
    server: Server, slack: FakeSlack
) -> None:
    from_bot = {"type": "message", "channel_type": "im", "channel": "D6", "bot_id": "B2"}
    post_event(server, from_bot | {"text": "loss is nan", "ts": "1.5"}, "Ev6a")
    dm = {"type": "message", "channel_type": "im", "channel": "D6", "user": "U6"}
    post_event(server, dm | {"text": ZH_QUESTION, "ts": "1.6"}, "Ev6b")
    message = slack.posted("/api/chat.postMessage", lambda b: b.get("channel") == "D6")
    assert "thread_ts" not in message  # a direct message is answered in the conversation
    assert cause_ids(message)[0] == "overfitting-toolbox"
    posts = [c for c in slack.calls if c[0] == "/api/chat.postMessage"]
    assert len([b for _, b in posts if b.get("channel") == "D6"]) == 1


def test_url_verification_challenge(server: Server) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "legacy"})
    response = post_slack(server, body, signed(body) | {"Content-Type": "application/json"})
    assert response.status_code == 200 and "abc123" in response.text


# ------------------------------------------------------------------ Mattermost


def mattermost(server: Server, token: str, text: str, user: str = "mm-u1") -> httpx.Response:
    form = {
        "token": token,
        "channel_id": "mm-c1",
        "user_id": user,
        "command": "/troubleshoot",
        "text": text,
    }
    return httpx.post(f"{server.url}/mattermost", data=form)


def test_mattermost_with_the_right_token(server: Server) -> None:
    response = mattermost(server, MM_TOKEN, NAN_QUESTION)
    assert response.status_code == 200
    data = response.json()
    assert data["response_type"] == "in_channel"
    assert "(`lr-too-large`)" in data["text"].split("**2.", 1)[0]
    assert "**1** Yes" in data["text"]
    answered = mattermost(server, MM_TOKEN, "1")  # the follow-up, answered by its number
    first = answered.json()["text"].split("**2.", 1)[0]
    assert "(`softmax-overflow-87`)" in first


def test_mattermost_outgoing_webhook_drops_its_trigger_word(server: Server) -> None:
    form = {
        "token": MM_TOKEN,
        "channel_id": "mm-c3",
        "user_id": "mm-u3",
        "trigger_word": "#troubleshoot",
        "text": "#troubleshoot " + ZH_QUESTION,
    }
    reply = httpx.post(f"{server.url}/mattermost", data=form).json()["text"]
    assert "(`overfitting-toolbox`)" in reply.split("**2.", 1)[0]
    assert "troubleshoot" not in reply.split("\n", 1)[0]  # the quote is the question only


@pytest.mark.parametrize("token", ["wrong", "", MM_TOKEN + "x"])
def test_mattermost_rejects_a_wrong_token(server: Server, token: str) -> None:
    response = mattermost(server, token, NAN_QUESTION)
    assert response.status_code == 401
    assert "lr-too-large" not in response.text


def test_mattermost_escapes_what_the_user_wrote(server: Server) -> None:
    text = "loss is nan @channel @here <!channel> <@U123> [click](http://evil.example)"
    reply = mattermost(server, MM_TOKEN, text, user="mm-u2").json()["text"]
    for live in ("@channel", "@here", "<!channel>", "<@U123>", "](http://", "http://evil"):
        assert live not in reply
    assert "loss-nan" in reply or "nan" in reply


def test_mattermost_malformed_is_a_400(server: Server) -> None:
    url = f"{server.url}/mattermost"
    json_type = {"Content-Type": "application/json"}
    assert httpx.post(url, content=b"\xff\xfe", headers=json_type).status_code == 400
    assert httpx.post(url, content=b"[1, 2]", headers=json_type).status_code == 400
    bad_form = {"Content-Type": FORM}
    assert httpx.post(url, content=b"a=%zz&&==", headers=bad_form).status_code in (400, 401)


# ------------------------------------------------------------------ the JSON API


def ask(server: Server, payload: object) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/ask", json=payload)


def test_api_returns_the_core_contract(server: Server) -> None:
    data = ask(server, {"text": NAN_QUESTION}).json()
    cli = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "ask", NAN_QUESTION, "--format", "json"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        check=True,
    )
    expected = json.loads(cli.stdout)
    assert {k: v for k, v in data.items() if k not in ("thread", "question", "answer_error")} == (
        expected
    )
    assert data["question"]["name"] == "loss-87-3365"
    assert data["answer_error"] is None
    refined = ask(server, {"thread": data["thread"], "answer": "yes"}).json()
    assert refined["thread"] == data["thread"]
    assert refined["diagnoses"][0]["id"] == "softmax-overflow-87"


def test_api_chinese_and_out_of_scope(server: Server) -> None:
    zh = ask(server, {"text": ZH_QUESTION}).json()
    assert zh["lang"] == "zh" and zh["diagnoses"][0]["id"] == "overfitting-toolbox"
    off = ask(server, {"text": "what is the capital of France?"}).json()
    assert off["diagnoses"] == [] and off["query"]["in_scope"] is False
    assert off["question"] is None


def test_api_unreadable_answer_asks_again(server: Server) -> None:
    data = ask(server, {"text": NAN_QUESTION}).json()
    again = ask(server, {"thread": data["thread"], "answer": "7"}).json()
    assert again["answer_error"] and again["question"]["name"] == "loss-87-3365"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"text": 42}',
        b'{"text": "loss nan", "lang": "fr"}',
        b'{"answer": "1"}',
        b'{"text": "loss nan", "thread": {"a": 1}}',
        b"\xff\xfe\x00",
        b'{"text": ""}',
    ],
)
def test_api_malformed_is_a_400(server: Server, body: bytes) -> None:
    response = httpx.post(
        f"{server.url}/api/v1/ask", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_api_unknown_thread_is_a_404(server: Server) -> None:
    assert ask(server, {"thread": "nope", "answer": "1"}).status_code == 404


def test_api_oversized_is_a_413(server: Server) -> None:
    assert ask(server, {"text": "loss is nan " * 7000}).status_code == 413
    chunked = httpx.post(
        f"{server.url}/api/v1/ask",
        content=iter([b'{"text": "', b"x" * 40_000, b"y" * 40_000, b'"}']),  # no length given
    )
    assert chunked.status_code == 413


# ------------------------------------------------------------------ restart, limits, logs


def test_a_restart_between_question_and_answer_keeps_the_thread(
    tmp_path: Path, slack: FakeSlack
) -> None:
    db = tmp_path / "threads.db"
    first = start_server(tmp_path, slack, db)
    try:
        body = slash(slack, NAN_QUESTION, "U5", "C5", "before-restart")
        assert post_slack(first, body, signed(body)).status_code == 200
        asked = slack.posted("/respond/before-restart")
    finally:
        first.stop()
    second = start_server(tmp_path, slack, db)
    try:
        press = button_press(slack, buttons(asked)["1"], "1", "U5", "after-restart")
        assert post_slack(second, press, signed(press)).status_code == 200
        refined = slack.posted("/respond/after-restart")
        assert cause_ids(refined)[0] == "softmax-overflow-87"
    finally:
        second.stop()


def test_rate_limit_per_user(tmp_path: Path, slack: FakeSlack) -> None:
    limited = start_server(tmp_path, slack, tmp_path / "t.db", rate=0.001, burst=2)
    try:
        codes = [mattermost(limited, MM_TOKEN, "loss is nan", user="flood").status_code]
        codes += [mattermost(limited, MM_TOKEN, "loss is nan", user="flood").status_code]
        codes += [mattermost(limited, MM_TOKEN, "loss is nan", user="flood").status_code]
        assert codes == [200, 200, 429]
        assert mattermost(limited, MM_TOKEN, "loss is nan", user="other").status_code == 200
        answers = [ask(limited, {"text": "loss is nan"}) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        # One request in 1000 s: the refusal says how long to wait.
        assert 900 <= int(answers[2].headers["retry-after"]) <= 1000
        # Slack retries a request that fails, so it gets its 200 and a polite refusal.
        for n in range(3):
            body = slash(slack, "loss is nan", "U-flood", "C-flood", f"flood-{n}")
            assert post_slack(limited, body, signed(body)).status_code == 200
        refused = slack.posted("/respond/flood-2")
        assert refused["response_type"] == "ephemeral" and "Too many" in refused["text"]
        assert "blocks" in slack.posted("/respond/flood-1")
    finally:
        limited.stop()


def test_no_secret_is_ever_logged(server: Server, slack: FakeSlack) -> None:
    # Requests that carry the secrets, or are refused for them.
    body = slash(slack, NAN_QUESTION, "U7", "C7", "logs")
    post_slack(server, body, signed(body))
    slack.posted("/respond/logs")
    mattermost(server, MM_TOKEN, NAN_QUESTION)
    mattermost(server, "wrong", NAN_QUESTION)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "POST /slack/events" in log  # the log was captured
    for secret in (SIGNING_SECRET, BOT_TOKEN, MM_TOKEN):
        assert secret not in log


def test_serve_help_shows_the_config_table_name():
    """Rich reads "[chat]" as markup unless it is escaped: the help lost the table's name."""
    from conftest import run_cli

    shown = run_cli("serve", "--help")
    assert shown.returncode == 0 and "[chat] table" in " ".join(shown.stdout.split())
