"""The Matrix bot's pieces that need no homeserver: settings from the environment, and the
content of a reply (tests/test_matrix_e2e.py runs the bot against a real Synapse)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO

pytest.importorskip("nio", reason="the Matrix bot needs matrix-nio (the chat extra)")

from troubleshoot.frontends.chat.matrix import (
    MatrixConfigError,
    MatrixSettings,
    is_edit,
    question_text,
    reply_content,
    thread_of,
)

ENV = {"MATRIX_HOMESERVER": "https://matrix.example.org", "MATRIX_USER": "@bot:example.org"}


def test_settings_need_a_homeserver_a_user_and_a_secret():
    with pytest.raises(MatrixConfigError, match="MATRIX_HOMESERVER, MATRIX_USER, MATRIX_PASS"):
        MatrixSettings.from_env({})
    with pytest.raises(MatrixConfigError, match="MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN"):
        MatrixSettings.from_env(ENV)


def test_settings_keep_their_secrets_out_of_repr():
    settings = MatrixSettings.from_env({**ENV, "MATRIX_PASSWORD": "hunter2-secret"})
    assert settings.password == "hunter2-secret" and settings.access_token is None
    token = MatrixSettings.from_env({**ENV, "MATRIX_ACCESS_TOKEN": "syt_secret_token"})
    assert token.access_token == "syt_secret_token"
    assert "hunter2" not in repr(settings) and "syt_" not in repr(token)
    assert "matrix.example.org" in repr(settings)


def test_a_message_outside_threads_gets_a_reply_to_it():
    content = reply_content("$question", {"body": "nan"}, "**Likely causes**")
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$question"}}
    assert content["msgtype"] == "m.notice"
    assert content["body"] == "**Likely causes**"
    assert content["formatted_body"].strip() == "<p><strong>Likely causes</strong></p>"
    assert content["m.mentions"] == {}


def test_a_message_in_a_thread_is_answered_in_that_thread():
    question = {"body": "过拟合", "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}}
    relation = reply_content("$question", question, "ok")["m.relates_to"]
    assert relation["rel_type"] == "m.thread" and relation["event_id"] == "$root"
    assert relation["m.in_reply_to"] == {"event_id": "$question"}
    assert thread_of(question) == "$root" and thread_of({"body": "x"}) is None


def test_raw_html_in_a_reply_stays_text():
    html = reply_content("$q", {}, 'see <img src="x" onerror="alert(1)">')["formatted_body"]
    assert "<img" not in html and "&lt;img" in html


def test_a_quoted_reply_fallback_is_not_part_of_the_question():
    body = "> <@alice:example.org> what now?\n\n2"
    reply = {"m.relates_to": {"m.in_reply_to": {"event_id": "$asked"}}}
    assert question_text(body, reply) == "2"
    assert question_text("> quoting myself", {}) == "> quoting myself"  # not a reply


def test_edits_are_recognised():
    assert is_edit({"m.relates_to": {"rel_type": "m.replace", "event_id": "$x"}})
    assert not is_edit({"m.relates_to": {"rel_type": "m.thread", "event_id": "$x"}})


def test_the_bot_alone_says_which_variable_is_missing():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIX_")}
    done = subprocess.run(
        [sys.executable, "-m", "troubleshoot.frontends.chat.matrix"],
        env={**env, "PYTHONPATH": str(REPO), "MATRIX_HOMESERVER": "http://127.0.0.1:9"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "error: the Matrix bot needs MATRIX_USER, MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN" in (
        done.stderr
    )
