"""Run one interview to its end with a simulated person answering every question.

Shared by the interview benchmarks (``interview.py`` answers from the lessons' own
examples, ``interview_stories.py`` from stories of what users see): both need the same
loop over the core's question selection, the same count of questions (the opening counts
as one) and the same transcript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from troubleshoot.consult.belief import Model
from troubleshoot.consult.questions import Question
from troubleshoot.consult.select import Conclude, situation
from troubleshoot.consult.session import Answer, Session, Value
from troubleshoot.facts import FactSet


@dataclass
class Drive:
    """A finished interview: the session, who led after each answer, the answers given
    (``name=value``, ``?`` for "not sure") and why the interview stopped."""

    session: Session
    tops: list[str | None]
    transcript: list[str]
    reason: str

    @property
    def asked(self) -> int:
        return len(self.tops)


def drive(model: Model, answer: Callable[[Question], Value]) -> Drive:
    """Ask what the core's selection asks, answer with ``answer``, until it concludes."""
    session = Session(model.kb, FactSet())
    tops: list[str | None] = []
    transcript: list[str] = []
    while True:
        now = situation(model, session)
        if isinstance(now.step, Conclude):
            return Drive(session, tops, transcript, now.step.reason)
        question = now.step.question
        value = answer(question)
        session.record(Answer(question, value))
        transcript.append(f"{question.name}={shown(value)}")
        top = session.result().top()
        tops.append(top.id if top else None)


def shown(value: Value) -> str:
    """An answer as the transcript writes it: picks joined by ``+``, ``?`` for not sure."""
    if value is None:
        return "?"
    return "+".join(value) if isinstance(value, tuple) else str(value)
