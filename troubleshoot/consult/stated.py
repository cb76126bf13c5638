"""Metrics a question states in words, as a run the detectors can judge.

"Training loss 0.01 but validation loss 2.5" or "训练准确率100%,测试准确率80%" says what one
pasted log line would: a training value and an evaluation value at the same moment. The
phrasings of ``kb/metrics.yaml`` find them; they become a run of one point per series, so the
same detectors (and thresholds) that judge a pasted excerpt judge the words, and nothing
here decides what the numbers mean.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from troubleshoot.consult.phrasing import Found, find_all
from troubleshoot.knowledge.vocab import BadNumber, read_number
from troubleshoot.read.model import (
    TEST_ACC,
    TEST_LOSS,
    TRAIN_ACC,
    TRAIN_LOSS,
    VAL_ACC,
    VAL_LOSS,
    RunData,
)

if TYPE_CHECKING:
    from troubleshoot.knowledge.load import KnowledgeBase

STATED = "stated"  # the run's format: values stated in words, not read from a file
# Each metric's series on the training data, then on validation and on test data.
PAIRS = ((TRAIN_LOSS, (VAL_LOSS, TEST_LOSS)), (TRAIN_ACC, (VAL_ACC, TEST_ACC)))
ACCURACIES = (TRAIN_ACC, VAL_ACC, TEST_ACC)


@dataclass(frozen=True)
class Stated:
    """One metric's value as the question states it, and the series it stands for."""

    series: str
    value: float
    found: Found
    text: str  # the words as written, with the number's "%" when it has one


def stated_run(kb: KnowledgeBase, prose: str, source: str) -> tuple[RunData, list[Stated]] | None:
    """A run of the metrics ``prose`` (normalised text) states, one point each at step 0,
    when it states a training value and an evaluation value of the same metric; a test
    value stands for the evaluation when no validation value is stated."""
    stated = {s.series: s for s in statements(kb, prose)}
    run = RunData(source=source, format=STATED)
    used: list[Stated] = []
    for train, (val, test) in PAIRS:
        if train not in stated:
            continue
        if val in stated:
            points = [(val, stated[val]), *([(test, stated[test])] if test in stated else [])]
        elif test in stated:
            points = [(val, replace(stated[test], series=val))]
        else:
            continue
        for name, statement in [*points, (train, stated[train])]:
            run.get(name).append(0, statement.value)
            used.append(statement)
    return (run, used) if used else None


def statements(kb: KnowledgeBase, prose: str) -> list[Stated]:
    """Each series' statement in ``prose``: of statements that claim the same words, the
    more specific ("validation loss 2.5" over "loss 2.5"), then the one found first; a
    series whose first statement lost its words to another keeps its next ("val_loss: 2.3
    - loss: 0.05" states a training loss too)."""
    found: list[Stated] = []
    for series, phrases in kb.metrics.items():
        for phrase in phrases:
            for hit in find_all(phrase, prose, kb.same_words):
                if hit.denied or _spans_numbers(hit):
                    continue
                percent = prose[hit.end : hit.end + 2].lstrip().startswith("%")
                value = _value(series, hit, percent)
                if value is not None:
                    found.append(Stated(series, value, hit, hit.text + ("%" if percent else "")))
    kept: list[Stated] = []
    for stated in sorted(found, key=lambda s: s.found.precedence, reverse=True):
        if all(s.series != stated.series and not stated.found.overlaps(s.found) for s in kept):
            kept.append(stated)
    return kept


def _spans_numbers(hit: Found) -> bool:
    """A match whose words reach over another number ("训练准确率100%,但是测试准确率一直在80")
    joins two statements into one."""
    return any(char.isdigit() for char in hit.text[: -len(str(hit.number))])


def _value(series: str, hit: Found, percent: bool) -> float | None:
    """The number a statement gives (its phrase ends in it), an accuracy as a share ("80%"
    and "80" are 0.8)."""
    try:
        value = float(read_number(str(hit.number)))
    except BadNumber:
        return None
    if series not in ACCURACIES:
        return value
    if percent or value > 1:
        value /= 100
    return value if 0 <= value <= 1 else None
