"""Stories of what users see and know, and a simulated user who answers from one.

A story (``benchmarks/interview_stories.yaml``) is a problem as people describe it in
public, rewritten: the symptoms the user would pick (``sees``), those they can deny
(``not_seen``), the context they know (``knows``) and the causes an expert would accept
(``right``). The simulated user answers the interview from it: a symptom it sees (or one
those imply) yes, one it denies (or one implying those) no, a context key it knows by its
value, everything else "not sure". Real users are less tidy, so it is also noisy, seeded
and reproducible: sometimes "not sure" about something it knows, and sometimes in the
opening it picks a neighbouring symptom instead of, or besides, the one it sees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from troubleshoot.consult.implication import implied, implying
from troubleshoot.consult.misread import neighbours
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.session import Value
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import context_value

STORIES = Path(__file__).parent / "interview_stories.yaml"
UNSURE_RATE = 0.15  # chance of "not sure" about a symptom or key the user could answer
NEIGHBOUR_RATE = 0.1  # chance, per symptom picked in the opening, of a neighbour too or instead


@dataclass(frozen=True)
class Story:
    id: str
    story: dict[str, str]
    sees: tuple[str, ...]
    right: tuple[str, ...]
    source: str
    split: str
    not_seen: tuple[str, ...] = ()
    knows: dict[str, Any] = field(default_factory=dict)
    unsure: tuple[str, ...] = ()


def load_stories(path: Path = STORIES) -> list[Story]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return [
        Story(
            id=s["id"],
            story=dict(s["story"]),
            sees=tuple(s["sees"]),
            right=tuple(s["right"]),
            source=s["source"],
            split=s["split"],
            not_seen=tuple(s.get("not_seen", ())),
            knows=dict(s.get("knows", {})),
            unsure=tuple(s.get("unsure", ())),
        )
        for s in data["stories"]
    ]


@dataclass
class SimulatedUser:
    """Answers as the user of ``story`` would; ``seed`` fixes the noise, and rates of 0
    turn it off. Each draw depends only on the seed, the story and the question, so the
    same question gets the same answer whatever was asked before."""

    kb: KnowledgeBase
    story: Story
    seed: int = 0
    unsure_rate: float = UNSURE_RATE
    neighbour_rate: float = NEIGHBOUR_RATE

    def seen(self) -> set[str]:
        return set(self.story.sees) | {i for s in self.story.sees for i in implied(self.kb, s)}

    def denied(self) -> set[str]:
        return set(self.story.not_seen) | {
            i for s in self.story.not_seen for i in implying(self.kb, s)
        }

    def answer(self, question: Question) -> Value:
        if question.kind is Kind.OPENING:
            return self._opening(question.options)
        if question.kind is Kind.SYMPTOM:
            known: Value = None
            if question.name in self.seen():
                known = True
            elif question.name in self.denied():
                known = False
        else:
            raw = self.story.knows.get(question.name)
            known = None if raw is None else context_value(self.kb.context[question.name], raw)
        if known is not None and self._draw(question.name, "unsure") < self.unsure_rate:
            return None
        return known

    def _opening(self, options: tuple[str, ...]) -> tuple[str, ...]:
        picked: list[str] = []
        for symptom in (o for o in options if o in self.seen()):
            near = neighbours(self.kb, symptom, options)
            if near and self._draw(symptom, "neighbour") < self.neighbour_rate:
                rng = random.Random(self._key(symptom, "which"))
                picked.append(rng.choice(near))
                if rng.random() < 0.5:  # besides the right one rather than instead of it
                    picked.append(symptom)
            else:
                picked.append(symptom)
        return tuple(o for o in options if o in picked)

    def _key(self, name: str, what: str) -> str:
        return f"{self.seed}/{self.story.id}/{name}/{what}"

    def _draw(self, name: str, what: str) -> float:
        return random.Random(self._key(name, what)).random()
