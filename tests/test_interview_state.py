"""The state file: what is saved after every answer comes back exactly on resume."""

from __future__ import annotations

import json

import pytest

from troubleshoot.consult.questions import Kind, Question, opening
from troubleshoot.consult.session import Answer, Session
from troubleshoot.facts import ContextFact, Evidence, FactSet, Origin, Provenance, SymptomFact
from troubleshoot.frontends.interview import state


def sample(mini_kb) -> state.Saved:
    detected = Provenance(
        Origin.DETECTED,
        (Evidence("train.log", "loss became NaN", series="loss", step=120, value="nan", line=7),),
    )
    given = FactSet().extend(
        [
            SymptomFact("loss-nan", True, detected),
            ContextFact("framework", "pytorch", Provenance(Origin.GIVEN, note="from facts.yaml")),
        ]
    )
    history = [
        Answer(opening(mini_kb, {"loss-diverging": 1, "overfitting": 1}), ("overfitting",)),
        Answer(Question(Kind.SYMPTOM, "loss-nan-sudden"), True),
        Answer(Question(Kind.CONTEXT, "loss"), None),
        Answer(Question(Kind.CONTEXT, "batch_size"), 8),
        Answer(Question(Kind.CONTEXT, "learning_rate"), 0.001),
        Answer(Question(Kind.CONTEXT, "uses_batchnorm"), False),
    ]
    return state.Saved(mini_kb.path, "zh", given, history)


def test_round_trip_keeps_facts_provenance_and_answers(tmp_path, mini_kb):
    path = tmp_path / "deep" / "interview.json"
    saved = sample(mini_kb)
    state.save(path, saved)
    back = state.load(path)
    assert back == saved
    assert back.given.symptoms["loss-nan"].provenance.evidence[0].line == 7
    session = Session(mini_kb, back.given, back.history)
    assert session.facts().context["batch_size"].provenance.origin is Origin.ASKED
    assert session.skipped() >= {"loss", "loss-diverging"}
    assert list(tmp_path.joinpath("deep").iterdir()) == [path]  # no temporary file left


def test_saving_again_replaces_the_file(tmp_path, mini_kb):
    path = tmp_path / "interview.json"
    saved = sample(mini_kb)
    state.save(path, saved)
    saved.history.pop()
    saved.finished = True
    state.save(path, saved)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["finished"] is True and len(data["answers"]) == 5


def test_default_place_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state.default_path() == tmp_path / "troubleshoot" / "interview.json"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert state.default_path() == tmp_path / ".local" / "state" / "troubleshoot" / "interview.json"


@pytest.mark.parametrize(
    "content", ["not json", "[]", '{"version": 99}', '{"version": 1, "kb": "x"}']
)
def test_a_file_that_is_not_a_saved_interview_is_an_error(tmp_path, content):
    path = tmp_path / "interview.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(state.StateError):
        state.load(path)
    with pytest.raises(state.StateError, match="no_state"):
        state.load(tmp_path / "nothing.json")


def test_back_forgets_the_last_answer(mini_kb):
    saved = sample(mini_kb)
    session = Session(mini_kb, saved.given, list(saved.history))
    assert session.facts().context["uses_batchnorm"].value is False
    assert session.back() == saved.history[-1]
    assert "uses_batchnorm" not in session.facts().context
    while session.back():
        pass
    assert session.facts().symptoms.keys() == {"loss-nan"}
    assert session.skipped() == frozenset()
