"""The engine is built from only the rules that can fire on the facts at hand; it must fire
exactly what the engine of every rule fires."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from troubleshoot.engine.compile import compile_rules, rules_that_can_fire
from troubleshoot.engine.diagnose import _run, with_implications
from troubleshoot.engine.lint import example_facts, iter_examples
from troubleshoot.facts import ContextFact, FactSet, SymptomFact
from troubleshoot.knowledge.load import cached_kb

KB = cached_kb()
EVERY_RULE = compile_rules(KB)()


def _both(facts: FactSet) -> tuple[set, set]:
    facts = with_implications(KB, facts)
    declared = [s.id for s in facts.symptoms.values() if s.present] + list(facts.context)
    subset = compile_rules(KB, rules_that_can_fire(KB, declared))()
    return set(_run(EVERY_RULE, facts)), set(_run(subset, facts))


def test_every_lesson_example_fires_the_same_rules():
    for _lesson, _expect, _n, example in iter_examples(KB):
        full, part = _both(example_facts(example))
        assert full == part


def _context_values() -> st.SearchStrategy[ContextFact]:
    options = []
    for key in KB.context.values():
        if key.type == "choice":
            values = [c.value for c in key.choices]
        elif key.type == "boolean":
            values = [True, False]
        else:
            values = [1, 8, 32, 1e-5, 1e-3, 0.1, 1.0, 10, 1000, 100000]
        options += [ContextFact(key.key, v) for v in values]
    return st.sampled_from(options)


@settings(max_examples=60, deadline=None)
@given(
    present=st.lists(st.sampled_from(sorted(KB.symptoms)), max_size=4),
    absent=st.lists(st.sampled_from(sorted(KB.symptoms)), max_size=3),
    context=st.lists(_context_values(), max_size=4),
)
def test_any_facts_fire_the_same_rules(present, absent, context):
    facts = FactSet()
    facts.extend(SymptomFact(s, False) for s in absent)
    facts.extend(SymptomFact(s) for s in present)
    facts.extend(context)
    full, part = _both(facts)
    assert full == part


def test_the_subset_is_smaller_than_the_whole():
    total = sum(len(lesson.rules) for lesson in KB.diagnoses())
    assert len(rules_that_can_fire(KB, ["loss-nan"])) < total / 2
    assert len(rules_that_can_fire(KB, [])) < len(rules_that_can_fire(KB, ["loss-nan"]))


def test_a_process_that_keeps_diagnosing_settles_on_the_whole_engine():
    from troubleshoot.engine.diagnose import _SMALL_ENGINES, _EnginePool

    pool = _EnginePool()
    symptoms = sorted(KB.symptoms)[: _SMALL_ENGINES + 4]
    for symptom in symptoms:
        facts = with_implications(KB, FactSet().extend([SymptomFact(symptom)]))
        assert set(pool.firings(KB, facts)) == set(_run(EVERY_RULE, facts))
    assert pool.built == _SMALL_ENGINES + 1  # the small engines, then the whole one
    assert len(pool.engines) == _SMALL_ENGINES + 1
