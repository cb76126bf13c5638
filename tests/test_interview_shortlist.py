"""What an interview that ends without a clear leader names, and what it asks once the
leader is settled but not clear (the real knowledge base; the answers are those of users'
stories in benchmarks/interview_stories.yaml that went wrong before)."""

from __future__ import annotations

from troubleshoot.consult.belief import model_for
from troubleshoot.consult.checklist import shortlist
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.select import Ask, situation
from troubleshoot.consult.session import Answer, Session, Value
from troubleshoot.facts import FactSet
from troubleshoot.knowledge.load import cached_kb

KB = cached_kb()
MODEL = model_for(KB)


def interview(seen: tuple[str, ...], answers: list[tuple[str, Value]]) -> Session:
    """The opening answered with ``seen``, then each context key with its answer (None:
    not sure)."""
    session = Session(KB, FactSet())
    session.record(Answer(situation(MODEL, session).step.question, seen))
    for key, value in answers:
        session.record(Answer(Question(Kind.CONTEXT, key), value))
    return session


def named(session: Session) -> list[str]:
    now = situation(MODEL, session)
    assert not now.clear
    return [c.id for c in shortlist(KB, session.facts(), now)]


def test_a_settled_leader_leaves_the_questions_to_the_next_causes():
    # Flat at chance, cross-entropy, from scratch: no-activation-on-logits leads and nothing
    # left can overtake it, yet it is not clear; the architecture decides whether the
    # from-scratch plateau joins the first three, so it is asked rather than nothing.
    session = interview(
        ("loss-flat-from-start", "acc-at-chance"),
        [
            ("class_balance", None),
            ("loss", "softmax-cross-entropy"),
            ("activation", None),
            ("init", None),
            ("uses_batchnorm", None),
            ("training", "from-scratch"),
        ],
    )
    now = situation(MODEL, session)
    assert now.result.top().id == "no-activation-on-logits"
    assert isinstance(now.step, Ask) and now.step.question.name == "architecture"
    session.record(Answer(now.step.question, "cnn"))
    assert "from-scratch-plateau" in named(session)[:3]
