"""Answers given ahead of time, for scripts: a YAML mapping from question to answer.

```yaml
loss-nan: yes            # a symptom id: yes, no, or skip
loss-diverging: no
framework: torch         # a context key: a value, a synonym or a choice's label
learning_rate: 1e-3      # numbers as people write them ("8 per GPU" too)
batch_size: skip         # "not sure"
```

Every id, key and value is checked when the file is read, so a typo fails before the
first question, naming the file and the entry. The opening "what do you see?" is
answered from the symptoms marked yes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from troubleshoot.consult.facts_file import read_yaml
from troubleshoot.consult.implication import implied
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.session import Value
from troubleshoot.facts import Phrase
from troubleshoot.frontends.interview.answers import Invalid, from_file
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import UnknownTerm, closest, context_key
from troubleshoot.lang import Lang


@dataclass
class AnswerBook:
    path: Path
    answers: dict[str, Value] = field(default_factory=dict)

    def lookup(self, kb: KnowledgeBase, question: Question) -> Value:
        """The answer to ``question``; KeyError if the file has none."""
        if question.kind is Kind.OPENING:
            seen = {s for s, v in self.answers.items() if v is True}
            seen |= {i for s in seen for i in implied(kb, s)}
            return tuple(s for s in question.options if s in seen)
        return self.answers[question.name]


def read_answers(kb: KnowledgeBase, path: Path, lang: Lang) -> AnswerBook:
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise UnknownTerm(Phrase.of("e_answers_shape", source=str(path)))
    book = AnswerBook(path)
    for name, raw in data.items():
        question = _question(kb, str(name), path)
        parsed = from_file(kb, question, raw, lang)
        if isinstance(parsed, Invalid):  # the interview's own words, in its language
            where = {"source": str(path), "name": str(name)}
            raise UnknownTerm(Phrase.of("e_bad_answer", **where, problem=parsed.message))
        book.answers[question.name] = parsed.value
    return book


def _question(kb: KnowledgeBase, name: str, path: Path) -> Question:
    if name in kb.symptoms:
        return Question(Kind.SYMPTOM, name)
    try:
        return Question(Kind.CONTEXT, context_key(kb, name).key)
    except UnknownTerm:
        problem = Phrase.of("e_not_a_question", word=name)
        raise UnknownTerm(
            Phrase.of("e_in_file", source=str(path), problem=problem),
            *closest(name, [*kb.symptoms, *kb.context]),
            Phrase("e_both_listed"),
        ) from None
