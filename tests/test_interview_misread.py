"""A weak conclusion first checks the opening pick it rests on (consult/misread.py): the
unpicked neighbour that would have put another cause first is asked once. The real
knowledge base; the first case is a user's story of benchmarks/interview_stories.yaml (a
PyTorch model ported to Caffe) whose user clicked "cannot overfit" next to "outputs
differ after a port"."""

from __future__ import annotations

from troubleshoot.consult.belief import model_for
from troubleshoot.consult.misread import neighbours
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.select import Ask, Conclude, Reason, situation
from troubleshoot.consult.session import Answer, Session, Value
from troubleshoot.facts import FactSet
from troubleshoot.frontends.i18n import t
from troubleshoot.frontends.interview.explain import why
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.lang import Lang

KB = cached_kb()
MODEL = model_for(KB)


def opened(seen: tuple[str, ...]) -> Session:
    session = Session(KB, FactSet())
    session.record(Answer(situation(MODEL, session).step.question, seen))
    return session


def answer(session: Session, kind: Kind, name: str, value: Value) -> None:
    session.record(Answer(Question(kind, name), value))


def test_neighbours_are_the_items_beside_it_in_its_group_and_its_implications():
    options = ("loss-nan", "loss-flat-from-start", "acc-at-chance", "error-cuda-library")
    assert neighbours(KB, "loss-flat-from-start", options) == ["acc-at-chance", "loss-nan"]
    # An error message is in another group of the list: not beside a curve.
    assert neighbours(KB, "acc-at-chance", options) == ["loss-flat-from-start"]
    # "NaN appears suddenly" implies "loss becomes NaN", wherever the two are listed.
    listed = ("loss-nan", "overfitting", "loss-nan-sudden")
    assert neighbours(KB, "loss-nan", listed) == ["loss-nan-sudden", "overfitting"]


def test_a_weak_leader_resting_on_one_pick_checks_the_neighbour_that_would_lead_instead():
    session = opened(("train-cannot-overfit",))
    assert "port-outputs-differ" in session.skipped()  # offered, not picked: absent
    answer(session, Kind.CONTEXT, "dataset_size", None)
    now = situation(MODEL, session)
    assert not now.clear
    assert isinstance(now.step, Ask)
    assert now.step.question == Question(Kind.SYMPTOM, "port-outputs-differ")
    assert t(Lang.EN, "why_confirm") in why(KB, now, Lang.EN)
    answer(session, Kind.SYMPTOM, "port-outputs-differ", True)
    now = situation(MODEL, session)
    assert now.result.top() is not None and now.result.top().id == "framework-port-diff"


def test_the_check_is_asked_once_and_not_sure_leaves_the_conclusion_as_it_was():
    session = opened(("train-cannot-overfit",))
    answer(session, Kind.CONTEXT, "dataset_size", None)
    before = situation(MODEL, session).result.top()
    answer(session, Kind.SYMPTOM, "port-outputs-differ", None)
    answer(session, Kind.CONTEXT, "framework", "caffe")
    now = situation(MODEL, session)
    assert now.step == Conclude(Reason.SETTLED)
    assert before is not None and now.result.top() is not None
    assert now.result.top().id == before.id == "too-many-params-no-fit"


def test_a_clear_leader_is_not_checked():
    # An error message settles it: a slip to the message listed next to it is rarer than
    # the doubt a clear leader may keep, so no question is spent on it.
    session = opened(("error-gpu-fault",))
    now = situation(MODEL, session)
    assert now.clear
    assert not (isinstance(now.step, Ask) and now.step.question.kind is Kind.SYMPTOM)
