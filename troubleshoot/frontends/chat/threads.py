"""Chat threads kept in SQLite, so that a restart between a question and its answer loses
nothing.

One row per platform, channel and thread id, holding the :class:`Thread` as JSON (the
user's words, the answers, the pending question, the language). The database runs in WAL
mode so that the service's reads do not wait on its writes, with ``synchronous=NORMAL``;
each thread that uses the store has its own connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.session import Answer, Value
from troubleshoot.frontends.chat.reply import Thread
from troubleshoot.lang import Lang

_SCHEMA = """
create table if not exists threads (
    platform text not null,
    channel text not null,
    thread text not null,
    state text not null,
    updated real not null,
    primary key (platform, channel, thread)
)
"""


class ThreadStore:
    """Threads by (platform, channel, thread id) in the SQLite file at ``path``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self._db()
        db.execute("pragma journal_mode=wal")
        db.execute(_SCHEMA)
        db.commit()

    def _db(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        # In WAL mode, NORMAL syncs at checkpoints rather than on every commit: a commit
        # survives the process dying (a restart), and only a power cut may lose the last
        # few. Syncing every commit made the store most of a reply's time.
        db.execute("pragma synchronous=normal")
        return db

    def load(self, platform: str, channel: str, thread: str) -> Thread | None:
        row = (
            self._db()
            .execute(
                "select state from threads where platform = ? and channel = ? and thread = ?",
                (platform, channel, thread),
            )
            .fetchone()
        )
        return thread_from_json(json.loads(row[0])) if row else None

    def save(self, platform: str, channel: str, thread: str, state: Thread) -> None:
        db = self._db()
        db.execute(
            "insert or replace into threads values (?, ?, ?, ?, ?)",
            (platform, channel, thread, json.dumps(thread_json(state)), time.time()),
        )
        db.commit()


def _question_json(question: Question) -> dict[str, Any]:
    return {"kind": question.kind.value, "name": question.name, "options": list(question.options)}


def _question(data: dict[str, Any]) -> Question:
    return Question(Kind(data["kind"]), data["name"], tuple(data.get("options", ())))


def thread_json(state: Thread) -> dict[str, Any]:
    return {
        "texts": state.texts,
        "answers": [
            {
                "question": _question_json(a.question),
                "value": list(a.value) if isinstance(a.value, tuple) else a.value,
            }
            for a in state.answers
        ],
        "pending": _question_json(state.pending) if state.pending else None,
        "lang": state.lang.value if state.lang else None,
    }


def thread_from_json(data: dict[str, Any]) -> Thread:
    answers = []
    for raw in data["answers"]:
        question = _question(raw["question"])
        raw_value = raw["value"]  # JSON has lists, the opening's answer is a tuple
        value: Value = tuple(raw_value) if isinstance(raw_value, list) else raw_value
        answers.append(Answer(question, value))
    return Thread(
        texts=list(data["texts"]),
        answers=answers,
        pending=_question(data["pending"]) if data.get("pending") else None,
        lang=Lang(data["lang"]) if data.get("lang") else None,
    )
