"""Question selection: rules drive the questions, the most telling one comes first, the
interview stops when the leader is clear, and nothing known is ever asked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from troubleshoot.consult.belief import Model
from troubleshoot.consult.questions import (
    Kind,
    Question,
    answer_index,
    answer_space,
)
from troubleshoot.consult.select import (
    BUDGET,
    Ask,
    Conclude,
    Reason,
    answerable,
    buckets,
    candidates,
    information_gain,
    situation,
    warranted,
)
from troubleshoot.consult.session import Answer, Session
from troubleshoot.engine.open_world import Atom
from troubleshoot.facts import ContextFact, FactSet, SymptomFact
from troubleshoot.frontends.interview.explain import how, show, why
from troubleshoot.knowledge.vocab import build_facts


@pytest.fixture(scope="module")
def model(mini_kb) -> Model:
    return Model(mini_kb)


def step(model: Model, session: Session):
    return situation(model, session).step


def test_opening_offers_the_general_symptoms_the_rules_need(model, mini_kb):
    first = step(model, Session(mini_kb, FactSet()))
    assert isinstance(first, Ask) and first.question.kind is Kind.OPENING
    # loss-nan-sudden is needed, but the opening offers what it implies: loss-nan.
    assert set(first.question.options) == {"loss-diverging", "loss-nan", "overfitting"}
    assert "loss-87-3365" not in first.question.options  # no rule needs it


def test_the_most_telling_question_comes_next(model, mini_kb):
    session = Session(mini_kb, FactSet())
    opening = step(model, session).question
    session.record(Answer(opening, ("loss-nan",)))
    now = situation(model, session)
    assert isinstance(now.step, Ask)
    facts, skipped = session.facts(), session.skipped()
    labels = buckets(now.result, now.hypotheses)
    gains = {
        atom.name: information_gain(model, facts, skipped, now.hypotheses, labels, atom)
        * answerable(mini_kb, atom)
        for atom in candidates(model.closed(facts, skipped), now.hypotheses)
    }
    assert now.step.question.name == max(gains, key=lambda name: gains[name])
    assert now.step.gain == pytest.approx(max(gains.values()))
    # Not picked in the opening: not seen, never asked.
    assert "loss-diverging" not in gains and "overfitting" not in gains


def test_stops_when_the_leader_is_clear(model, mini_kb):
    facts = build_facts(mini_kb, ["loss-nan"], {"loss": "ctc", "framework": "pytorch"})
    now = situation(model, Session(mini_kb, facts))
    assert now.step == Conclude(Reason.CLEAR)
    assert now.result.top().id == "ctc"
    assert now.doubt <= 0.1


def test_asks_the_framework_once_before_a_conclusion_whose_fix_differs_by_framework(model, mini_kb):
    session = Session(mini_kb, build_facts(mini_kb, ["loss-nan"], {"loss": "ctc"}))
    now = situation(model, session)
    assert now.step == Ask(Question(Kind.CONTEXT, "framework"), 0.0)
    session.record(Answer(Question(Kind.CONTEXT, "framework"), None))  # not sure
    assert situation(model, session).step == Conclude(Reason.CLEAR)


def test_the_framework_is_not_asked_past_the_budget(model, mini_kb):
    """A clear leader reached with the last question of the budget concludes at once: the
    guide then shows every framework's code rather than ask a ninth question."""
    session = Session(mini_kb, build_facts(mini_kb, ["loss-nan"], {"loss": "ctc"}))
    for _ in range(BUDGET):
        session.record(Answer(Question(Kind.CONTEXT, "batch_size"), None))
    assert situation(model, session).step == Conclude(Reason.CLEAR)


def test_a_weak_leader_is_no_conclusion(model, mini_kb):
    """A leader that is not likely, or not ahead of the next by the margin, is not clear."""
    facts = build_facts(mini_kb, ["loss-nan"], {"framework": "pytorch"})
    result = Session(mini_kb, facts).result()
    assert result.top() is not None and not warranted(result)
    assert situation(model, Session(mini_kb, facts)).step != Conclude(Reason.CLEAR)


def test_the_interview_stops_at_its_budget(model, mini_kb):
    session = Session(mini_kb, build_facts(mini_kb, ["loss-nan"]))
    for _ in range(BUDGET):
        session.record(Answer(Question(Kind.CONTEXT, "batch_size"), None))
    assert isinstance(situation(model, session).step, Conclude)


def test_stops_when_nothing_left_can_change_the_ranking(model, mini_kb):
    session = Session(mini_kb, build_facts(mini_kb, ["loss-diverging"]))
    session.record(Answer(Question(Kind.OPENING, "what-do-you-see", ("loss-nan",)), ()))
    assert step(model, session) == Conclude(Reason.NO_FIT)


def test_not_sure_rules_out_what_needs_it(model, mini_kb):
    session = Session(mini_kb, build_facts(mini_kb, ["loss-nan"]))
    session.record(Answer(Question(Kind.CONTEXT, "loss"), None))
    hyps = model.believe(session.facts(), session.skipped())
    assert "ctc" not in {h.lesson_id for h in hyps}
    assert "loss" in session.skipped()
    assert not any(
        a.name == "loss" for a in candidates(model.closed(session.facts(), session.skipped()), hyps)
    )


def test_belief_follows_the_answers(model, mini_kb):
    facts = build_facts(mini_kb, ["loss-nan-sudden"], {"uses_batchnorm": True, "batch_size": 8})
    hyps = model.believe(facts, frozenset())
    share = {h.lesson_id: 0.0 for h in hyps}
    for h in hyps:
        share[h.lesson_id] += h.weight
    assert sum(share.values()) == pytest.approx(1.0)
    assert max(share, key=lambda k: share[k]) == "small-bn"


def test_numbers_are_asked_as_the_intervals_rules_tell_apart(mini_kb):
    atom = Atom("context", "batch_size")
    space = answer_space(mini_kb, atom)
    assert len(space) == 2  # under 16, and 16 or more
    small, large = (answer_index(mini_kb, atom, ContextFact("batch_size", v)) for v in (8, 64))
    assert small != large
    assert answer_index(mini_kb, atom, ContextFact("batch_size", 15)) == small


def test_a_value_outside_the_vocabulary_carries_no_weight(model, mini_kb):
    odd = ContextFact("framework", "jax")  # e.g. from an old state file
    assert answer_index(mini_kb, Atom("context", "framework"), odd) is None
    facts = build_facts(mini_kb, ["loss-nan"]).extend([odd])
    assert sum(h.weight for h in model.believe(facts, frozenset())) == pytest.approx(1)


def test_a_question_no_open_rule_needs_gains_nothing(model, mini_kb):
    session = Session(mini_kb, build_facts(mini_kb, ["loss-nan"]))
    hyps = model.believe(session.facts(), frozenset())
    labels = buckets(session.result(), hyps)
    atom = Atom("context", "task")  # no mini-kb rule names it
    gain = information_gain(model, session.facts(), frozenset(), hyps, labels, atom)
    assert gain == pytest.approx(0, abs=1e-12)


answers_for = {
    "loss-nan": st.sampled_from([True, False, None]),
    "loss-nan-sudden": st.sampled_from([True, False, None]),
    "framework": st.sampled_from(["pytorch", "caffe", None]),
    "loss": st.sampled_from(["ctc", "mse", None]),
    "uses_batchnorm": st.sampled_from([True, False, None]),
    "batch_size": st.sampled_from([4, 64, None]),
}


@settings(max_examples=40, deadline=None)
@given(st.fixed_dictionaries(answers_for), st.sampled_from([(), ("loss-nan",), None]))
def test_never_asks_twice_nor_what_is_known(mini_kb, person, picked):
    model = Model(mini_kb)
    session = Session(mini_kb, build_facts(mini_kb, [], {"framework": "pytorch"}))
    asked: list[str] = []
    for _ in range(20):
        now = step(model, session)
        if isinstance(now, Conclude):
            break
        question = now.question
        assert question.name not in asked
        assert not session.known().knows(question.name)
        assert question.name not in session.skipped()
        asked.append(question.name)
        value = picked if question.kind is Kind.OPENING else person.get(question.name)
        session.record(Answer(question, value))
    else:
        pytest.fail("the interview did not end")


def test_why_names_lessons_rules_and_the_keys_reason(model, mini_kb):
    session = Session(mini_kb, build_facts(mini_kb, ["loss-nan"]))
    session.record(Answer(Question(Kind.OPENING, "what-do-you-see", ("overfitting",)), ()))
    session.record(Answer(Question(Kind.SYMPTOM, "loss-nan-sudden"), False))
    now = situation(model, session)
    assert now.step.question == Question(Kind.CONTEXT, "loss")
    lines = why(mini_kb, now, "en")
    text = "\n".join(lines)
    assert len(lines) <= 3  # a heading and two plain sentences
    assert '"CTC without blank"' in text
    assert "Why it matters: Several NaN causes belong to one loss" in text
    assert "weight" not in text and "bits" not in text  # the rules are for `how`
    chinese = "\n".join(why(mini_kb, now, "zh"))
    assert "为什么重要:不少 NaN 原因只属于某种损失" in chinese
    rules = "\n".join(how(mini_kb, now, "en"))
    assert "ctc/ctc-nan (weight 0.85) needs loss-nan and loss = ctc" in rules
    assert "bits" in rules
    assert "规则 ctc/ctc-nan(权重 0.85)需要 loss-nan 且 loss = ctc" in "\n".join(
        how(mini_kb, now, "zh")
    )


def test_how_lists_fired_rules_weights_and_provenance(model, mini_kb):
    facts = build_facts(mini_kb, ["loss-nan"], {"loss": "ctc"})
    facts.add(SymptomFact("loss-diverging", True))
    session = Session(mini_kb, facts)
    lines = how(mini_kb, situation(model, session), "en")
    text = "\n".join(lines)
    assert "1. CTC without blank (ctc): likely, score 0.85" in text
    assert "rule ctc/ctc-nan, weight 0.85: NaN with CTC loss points at the blank class." in text
    assert "Loss is NaN (loss-nan) [given]" in text and "loss = CTC (ctc) [given]" in text
    assert "rule exploding/grows-then-nan, weight 0.60" in text


def test_questions_show_numbered_choices_with_not_sure(mini_kb):
    shown = show(mini_kb, Question(Kind.CONTEXT, "framework"), "en")
    assert shown.options[0] == ("1", "Caffe") and shown.options[-1] == ("0", "Not sure / skip")
    shown = show(mini_kb, Question(Kind.CONTEXT, "learning_rate"), "zh")
    assert shown.text == "(基础)学习率是多少?" and "例如 0.01 或 1e-3" in shown.hint
    shown = show(mini_kb, Question(Kind.SYMPTOM, "loss-nan"), "en")
    assert [n for n, _ in shown.options] == ["1", "2", "0"]


@pytest.mark.parametrize(
    ("symptoms", "context", "causes", "says"),
    [
        ([], {}, {"ctc", "exploding", "small-bn"}, "narrows the 3 candidate causes"),
        ([], {"loss": "mse"}, {"exploding", "small-bn"}, "narrows the 2 candidate causes"),
        (["loss-diverging"], {}, {"exploding"}, "could explain what is already known: 1;"),
        (["overfitting"], {}, {"small-bn"}, "could explain what is already known: 1;"),
    ],
)
def test_the_openings_why_counts_only_the_causes_still_possible(
    model, mini_kb, symptoms, context, causes, says
):
    """A fact that rules a cause out, or a symptom it cannot explain, takes it off the count
    (the count was every lesson in the knowledge base, whatever was known)."""
    now = situation(model, Session(mini_kb, build_facts(mini_kb, symptoms, context)))
    assert set(now.possible_causes()) == causes
    if isinstance(now.step, Ask) and now.step.question.kind is Kind.OPENING:
        assert says in "\n".join(why(mini_kb, now, "en"))
        assert f"{len(causes)} 个候选原因" in "\n".join(why(mini_kb, now, "zh"))
