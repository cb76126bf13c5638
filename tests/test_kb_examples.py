"""Every diagnosis lesson's own examples, run against the whole real knowledge base.

Like semgrep rules and their test files: each lesson says which fact sets must rank it
first, which near-misses must not, and which must not fire it at all.
"""

from __future__ import annotations

import pytest

from troubleshoot.engine.lint import check_example, iter_examples
from troubleshoot.knowledge.load import cached_kb

KB = cached_kb()
CASES = list(iter_examples(KB))


@pytest.mark.parametrize(
    ("lesson", "expect", "n", "example"),
    CASES,
    ids=[f"{lesson.id}-{expect}-{n}" for lesson, expect, n, _ in CASES],
)
def test_lesson_example(lesson, expect, n, example):
    problem = check_example(KB, lesson, example, expect)
    assert problem is None, f"{lesson.id} {expect} #{n}: {problem}"


def test_every_diagnosis_has_a_near_miss():
    missing = [x.id for x in KB.diagnoses() if not x.examples.not_first]
    assert missing == []
