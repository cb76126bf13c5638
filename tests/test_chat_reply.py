"""The chat reply builder and its parts, without a server: what a reply holds, how a thread
moves on answers, escaping, the thread store, settings and the rate limit."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from troubleshoot.consult.freetext import MAX_CHARS
from troubleshoot.frontends.chat import escape
from troubleshoot.frontends.chat.config import ConfigError, Settings, load_settings
from troubleshoot.frontends.chat.limits import RateLimit
from troubleshoot.frontends.chat.markdown import to_markdown
from troubleshoot.frontends.chat.reply import Pick, Thread, answer_text, reply
from troubleshoot.frontends.chat.slack_blocks import read_button, to_blocks
from troubleshoot.frontends.chat.threads import ThreadStore
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.lang import Lang

KB = cached_kb()
SITE = "https://example.org/ts/"
NAN = "loss becomes nan after 2000 iterations, caffe, lr 0.1"


def test_a_reply_holds_causes_reasons_steps_links_and_sources() -> None:
    built = reply(KB, Thread(), NAN, SITE)
    assert built.in_scope and built.lang is Lang.EN
    assert built.causes[0].id == "lr-too-large"
    assert len(built.causes) == 3
    first = built.causes[0]
    fired = {r.because.en for r in KB.lessons["lr-too-large"].rules}
    assert first.because in fired
    assert first.url == "https://example.org/ts/en/lessons/lr-too-large/"
    assert first.marks.startswith("[1]") and built.sources
    assert "`004`" in built.sources[0]  # an article, named as the guide names it
    # The user said caffe: code shown is Caffe's or the shell's, never another framework's.
    snippets = [s for c in built.causes for step in c.steps for s in step.snippets]
    assert snippets and all(s.name in ("Caffe", "shell") for s in snippets)
    assert built.follow_up is not None and built.follow_up.name == "loss-87-3365"


def test_chinese_question_gets_a_chinese_reply() -> None:
    built = reply(KB, Thread(), "验证集loss一直上升怎么办", SITE)
    assert built.lang is Lang.ZH
    assert built.causes[0].id == "overfitting-toolbox"
    assert built.causes[0].url == "https://example.org/ts/zh/lessons/overfitting-toolbox/"
    assert "可能的原因" in to_markdown(built)


def test_a_reply_lists_the_first_three_causes_of_the_checklist_as_ask_does() -> None:
    """One cause fits the stated facts; the next two are causes of symptoms the words
    resemble, and the reply says so rather than giving them a likelihood."""
    question = "val loss上升但是val acc也在升"
    built = reply(KB, Thread(), question, SITE)
    assert built.consultation is not None
    listed = built.consultation.checklist().candidates
    assert [c.id for c in built.causes] == [c.id for c in listed[:3]]
    assert built.causes[0].likelihood == "很可能"
    assert all(c.likelihood.startswith("并未观察到:问题的措辞接近“") for c in built.causes[1:])
    assert "并未观察到" in to_markdown(built)


def test_out_of_scope_gets_no_diagnosis() -> None:
    thread = Thread()
    built = reply(KB, thread, "what is the capital of France?", SITE)
    assert not built.in_scope and built.causes == [] and built.follow_up is None
    assert "can help with" in built.note and thread.pending is None


def test_answers_refine_and_a_not_sure_is_not_asked_again() -> None:
    thread = Thread()
    first = reply(KB, thread, NAN, SITE)
    assert first.follow_up is not None
    asked = first.follow_up.name
    unsure = reply(KB, thread, "0", SITE)  # not sure
    assert unsure.follow_up is None or unsure.follow_up.name != asked
    assert [a.question.name for a in thread.answers] == [asked]
    assert thread.answers[0].value is None


def test_a_button_for_another_question_is_refused() -> None:
    thread = Thread()
    reply(KB, thread, NAN, SITE)
    stale = reply(KB, thread, Pick("some-other-question", "1"), SITE)
    assert stale.causes == [] and "expired" in stale.note
    assert thread.answers == []


def test_an_unreadable_answer_keeps_the_question_and_more_words_add_facts() -> None:
    thread = Thread()
    first = reply(KB, thread, NAN, SITE)
    bad = reply(KB, thread, "9", SITE)
    assert bad.invalid and bad.follow_up == first.follow_up and thread.answers == []
    command = reply(KB, thread, "why", SITE)
    assert command.invalid == "why" and command.follow_up == first.follow_up
    more = reply(KB, thread, "the validation loss also goes up while training loss falls", SITE)
    assert len(thread.texts) == 2 and more.invalid == ""


def test_a_thread_is_read_as_one_text_within_its_limit() -> None:
    thread = Thread(texts=["x" * (MAX_CHARS - 5)], lang=Lang.EN)
    built = reply(KB, thread, NAN, SITE)
    assert built.causes == [] and "longer than" in built.note and len(thread.texts) == 1


def test_blocks_carry_the_thread_in_each_button() -> None:
    built = reply(KB, Thread(), NAN, SITE)
    blocks = to_blocks(built, "C1", "user:U1")
    actions = next(b for b in blocks if b["type"] == "actions")
    values = [read_button(e["value"]) for e in actions["elements"]]
    assert ("C1", "user:U1", "loss-87-3365", "1") in values
    assert read_button("not json") is None and read_button('{"c": 1}') is None


INJECTIONS = (
    "hi @channel and @here, cc @room @alice "
    "<!channel> <@U123> <https://evil.example|click> [click](http://evil.example) www.evil.example"
)


def test_escaping_leaves_no_mention_or_link() -> None:
    for escaped in (escape.markdown(INJECTIONS), escape.slack(INJECTIONS)):
        for live in ("@channel", "@here", "@room", "@alice", "://", "www."):
            assert live not in escaped
    # Slack reads any "<"; Markdown only one not escaped by a backslash.
    assert "<" not in escape.slack(INJECTIONS)
    assert re.search(r"(?<!\\)[<>\[\]()]", escape.markdown(INJECTIONS)) is None
    assert escape.slack("<!here>") == "&lt;!here&gt;"
    # What is left still reads as the text: only invisible marks were added.
    assert escape.slack("loss @ 1e-3").replace(escape.ZWSP, "") == "loss @ 1e-3"


def test_the_store_keeps_a_thread_across_instances(tmp_path: Path) -> None:
    thread = Thread()
    reply(KB, thread, NAN, SITE)
    reply(KB, thread, "1", SITE)
    ThreadStore(tmp_path / "t.db").save("slack", "C1", "T1", thread)
    loaded = ThreadStore(tmp_path / "t.db").load("slack", "C1", "T1")
    assert loaded == thread
    assert ThreadStore(tmp_path / "t.db").load("slack", "C1", "other") is None


def test_answer_text_answers_a_numbered_reply(tmp_path: Path) -> None:
    store = ThreadStore(tmp_path / "t.db")

    async def talk() -> tuple[str, str]:
        first = await answer_text(KB, store, "matrix", "!room", "$ev", NAN, None, SITE)
        second = await answer_text(KB, store, "matrix", "!room", "$ev", "1", None, SITE)
        return first, second

    first, second = asyncio.run(talk())
    assert "(`lr-too-large`)" in first.split("**2.", 1)[0]
    assert "(`softmax-overflow-87`)" in second.split("**2.", 1)[0]


def test_settings_from_file_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "t.toml"
    config.write_text('[chat]\nsite_url = "https://a"\nrate = 2\nmattermost_token = "s1"\n')
    settings = load_settings(config, {"TROUBLESHOOT_SITE_URL": "https://b", "SLACK_BOT_TOKEN": "x"})
    assert settings.site_url == "https://b" and settings.rate == 2.0
    assert settings.mattermost_token == "s1" and settings.slack_bot_token == "x"
    assert "s1" not in repr(settings) and "x'" not in repr(settings)
    config.write_text("[chat]\nsite = 1\n")
    with pytest.raises(ConfigError, match="unknown"):
        load_settings(config, {})
    with pytest.raises(ConfigError):
        load_settings(None, {"TROUBLESHOOT_RATE": "fast"})
    assert load_settings(None, {}) == Settings()


def test_token_bucket() -> None:
    now = [0.0]
    limit = RateLimit(rate=1.0, burst=2, clock=lambda: now[0])
    assert [limit.allow("u") for _ in range(3)] == [True, True, False]
    assert limit.allow("v")  # another user has a bucket of their own
    now[0] = 1.0
    assert limit.allow("u") and not limit.allow("u")
