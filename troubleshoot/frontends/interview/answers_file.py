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

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from troubleshoot.consult.implication import implied
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.session import Value
from troubleshoot.frontends.i18n import t
from troubleshoot.frontends.interview.answers import Invalid, from_file
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import UnknownTerm, context_key
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
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UnknownTerm(f"{path}: cannot read the answers file: {exc}") from None
    if not isinstance(data, dict):
        raise UnknownTerm(f"{path}: an answers file maps symptom ids and context keys to answers")
    book = AnswerBook(path)
    for name, raw in data.items():
        question = _question(kb, str(name), path)
        parsed = from_file(kb, question, raw, lang)
        if isinstance(parsed, Invalid):
            raise UnknownTerm(t(lang, "bad_answer", file=path, name=name, problem=parsed.message))
        book.answers[question.name] = parsed.value
    return book


def _question(kb: KnowledgeBase, name: str, path: Path) -> Question:
    if name in kb.symptoms:
        return Question(Kind.SYMPTOM, name)
    try:
        return Question(Kind.CONTEXT, context_key(kb, name).key)
    except UnknownTerm:
        close = difflib.get_close_matches(name, [*kb.symptoms, *kb.context], n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownTerm(
            f"{path}: '{name}' is neither a symptom id nor a context key.{hint}"
            " `troubleshoot kb symptoms` and `troubleshoot kb context` list them."
        ) from None
