"""How a fact set gathers the evidence of the same symptom seen again (many runs as one)."""

from __future__ import annotations

from troubleshoot.facts import Evidence, FactSet, Origin, Phrase, Provenance, SymptomFact


def _seen_in(run: int, *more: str) -> SymptomFact:
    evidence = [Evidence(f"big.log#run-{run}", Phrase.of("ev_x", n=run))]
    evidence += [Evidence(source, "quoted line") for source in more]
    return SymptomFact("loss-spikes", True, Provenance(Origin.DETECTED, tuple(evidence)))


def test_the_runs_evidence_gathers_once_each_in_order():
    """The top level's facts gather every run's evidence, each piece once, in run order;
    also after a symptom is forgotten and told again, and in a copy of the fact set."""
    facts = FactSet()
    for run in range(300):
        facts.add(_seen_in(run, "shared.log"))
    sources = [e.source for e in facts.symptoms["loss-spikes"].provenance.evidence]
    assert sources == ["big.log#run-0", "shared.log"] + [f"big.log#run-{r}" for r in range(1, 300)]
    copy = FactSet(dict(facts.symptoms), dict(facts.context))
    copy.add(_seen_in(0, "other.log"))
    assert [e.source for e in copy.symptoms["loss-spikes"].provenance.evidence][-2:] == [
        "big.log#run-299",
        "other.log",
    ]
    facts.forget("loss-spikes")
    facts.add(_seen_in(7))
    facts.add(_seen_in(7, "shared.log"))
    assert [e.source for e in facts.symptoms["loss-spikes"].provenance.evidence] == [
        "big.log#run-7",
        "shared.log",
    ]
