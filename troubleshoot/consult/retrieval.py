"""The fallback for what the phrasings miss: BM25 over the knowledge base's symptoms.

Each symptom is scored twice and the two scores are added: once as one document (its title,
definition, question and phrases in both languages, and the titles of the lessons that name
it), and once by its best single phrasing (each phrase and title a document of its own). The
document finds a symptom whose words are spread over its description; the phrasing finds
one said in a few words that a long document dilutes ("the loss went to nan after some
iterations" shares only "loss" and "nan" with any symptom, and shares them with the short
"loss becomes nan" most of all). The ranking is ``bm25s`` (a maintained BM25 library); the
text is cut into words by rjieba, so Chinese is searched by word, English words are reduced
to a crude stem and a few function words are dropped, and each word of a ``same_words``
group of ``kb/context.yaml`` counts as its group's first ("损失" as "loss", "valid" as
"validation"), as the phrasings match them.

The constants below are the retrieval's whole tuning, calibrated on the development half
of ``benchmarks/queries.yaml`` only (never the held-out half), also with the phrasings that
match each question left out, so that retrieval alone is measured: a summed score under
``MIN_SCORE`` means the text shares too little with any symptom to be about it (so "what is
the weather" finds nothing), and a second symptom is kept only when its score is within
``SECOND_RATIO`` of the first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from troubleshoot.consult.phrasing import normalise

if TYPE_CHECKING:
    from troubleshoot.knowledge.load import KnowledgeBase

MIN_SCORE = 7.0  # summed BM25 score of the best symptom below which the text is off topic
SECOND_RATIO = 0.9  # a runner-up within this share of the best is kept as well
MIN_WORDS = 2  # words of the text that must occur in the best symptom's document
RESEMBLED = 4  # the best-scoring symptoms looked at to fill a short answer

# Words that say nothing about a symptom: English function words and the words every
# question has ("my", "why", "help"), and their Chinese counterparts.
_STOP_TEXT = """a an the is are was were be been being am do does did doing have has had i my me we
    our you your it its this that these those of in on at to for from with by and or but not
    no so if then than as what why how when where which who can could should would will
    shall may might must any some there here about into after before during while
    please help anyone someone thanks thank get got getting just very really also still
    keep keeps kept one two even again
    的 了 是 我 你 他 在 和 与 就 都 也 很 吗 呢 吧 啊 怎么 怎么办 为什么 什么 请问 一下
    这个 那个 这 那 有 没有 会 一直 还是 问题 求助 大佬 各位"""
STOPWORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[a-z][a-z0-9]*|\d+(?:\.\d+)?|[\u3400-\u9fff]+")
_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if (
            word.endswith(suffix)
            and not word.endswith("s" + suffix)
            and len(word) - len(suffix) >= 3
        ):
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The words BM25 compares: segmented, stemmed, without stopwords."""
    import rjieba

    out: list[str] = []
    for piece in rjieba.cut(normalise(text)):
        for word in _WORD.findall(piece):
            if word in STOPWORDS:
                continue
            out.append(_stem(word) if word.isascii() and word.isalpha() else word)
    return out


@dataclass(frozen=True)
class Hit:
    """A symptom the text resembles, with its BM25 score and the words they share."""

    symptom: str
    score: float
    shared: tuple[str, ...]


class SymptomIndex:
    """BM25 over one knowledge base's symptoms, as documents and as phrasings, built once
    per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index it builds

        self.alike = _alike(kb)
        self.ids = list(kb.symptoms)
        documents = [self.said(_document(kb, sid)) for sid in self.ids]
        self.documents = [set(document) for document in documents]
        self.bm25 = bm25s.BM25()
        self.bm25.index(documents, show_progress=False)
        # Each phrasing, with the position in ``ids`` of the symptom it says.
        phrasings = [
            (i, said)
            for i, sid in enumerate(self.ids)
            for text in _phrasings(kb, sid)
            if (said := self.said(text))
        ]
        self.owners = np.array([i for i, _ in phrasings])
        self.phrasings = bm25s.BM25()
        self.phrasings.index([said for _, said in phrasings], show_progress=False)

    def said(self, text: str) -> list[str]:
        """The words of ``text``, each as the first word of its ``same_words`` group, so that
        "验证集损失升高" and "验证loss上升" share their words."""
        return self.grouped(words(text))

    def grouped(self, written: list[str]) -> list[str]:
        """Words as cut, each as the first word of its ``same_words`` group."""
        return [self.alike.get(word, word) for word in written]

    def scores(self, query: list[str]) -> np.ndarray:
        """Each symptom's document score plus the score of its best phrasing."""
        best = np.zeros(len(self.ids))
        np.maximum.at(best, self.owners, self.phrasings.get_scores(query))
        return np.asarray(self.bm25.get_scores(query)) + best

    def search(self, text: str) -> list[Hit]:
        """The symptoms ``text`` is about, best first: none when it is off topic."""
        return self.rank(text).about()

    def rank(self, text: str) -> Ranking:
        """Every symptom scored against ``text``, once for all that is asked of it."""
        written = words(text)
        scores = self.scores(self.grouped(written)) if written else np.zeros(len(self.ids))
        return Ranking(self, written, scores, np.argsort(-scores, kind="stable"))

    def shared(self, written: list[str], index: int) -> tuple[str, ...]:
        """The text's words (as written) that the symptom's document holds."""
        document = self.documents[index]
        pairs = zip(written, self.grouped(written), strict=True)
        return tuple(dict.fromkeys(word for word, group in pairs if group in document))


@dataclass(frozen=True)
class Ranking:
    """One text's words and every symptom's score, the symptoms' positions best first."""

    index: SymptomIndex
    written: list[str]
    scores: np.ndarray
    order: np.ndarray

    def about(self) -> list[Hit]:
        """The symptoms the text is about, best first: none when it is off topic."""
        if not self.written:
            return []
        first = self._hit(self.order[0])
        if first.score < MIN_SCORE or len(first.shared) < MIN_WORDS:
            return []
        second = self._hit(self.order[1])
        return [first, *([second] if second.score >= SECOND_RATIO * first.score else [])]

    def resembling(self, skip: Collection[str]) -> list[Hit]:
        """The symptoms other than ``skip`` that the text resembles enough to name as
        possible, best first, among the ``RESEMBLED`` best: what fills an answer that the
        text's own facts leave short of three causes."""
        if not self.written:
            return []
        hits = (self._hit(i) for i in self.order[:RESEMBLED] if self.index.ids[i] not in skip)
        return [hit for hit in hits if hit.score >= MIN_SCORE]

    def _hit(self, position: int) -> Hit:
        shared = self.index.shared(self.written, position)
        return Hit(self.index.ids[position], float(self.scores[position]), shared)


def _alike(kb: KnowledgeBase) -> dict[str, str]:
    """Each word of a ``same_words`` group, as retrieval cuts it, to the group's first."""
    alike: dict[str, str] = {}
    for group in kb.same_words:
        cut = [words(word) for word in group]
        first = next((said[0] for said in cut if len(said) == 1), None)
        for said in cut:
            if first is not None and len(said) == 1:
                alike.setdefault(said[0], first)
    return alike


def _phrasings(kb: KnowledgeBase, symptom_id: str) -> list[str]:
    """What says a symptom in a few words: its phrases and titles, both languages."""
    symptom = kb.symptoms[symptom_id]
    return [*symptom.phrases.en, *symptom.phrases.zh, symptom.title.en, symptom.title.zh]


def _document(kb: KnowledgeBase, symptom_id: str) -> str:
    symptom = kb.symptoms[symptom_id]
    texts = [symptom.title, symptom.definition, symptom.question]
    texts += [lesson.title for lesson in kb.lessons_for_symptom(symptom_id)]
    parts = [t.en + "\n" + t.zh for t in texts]
    return "\n".join([*parts, *symptom.phrases.en, *symptom.phrases.zh])


_INDEXES: dict[int, tuple[KnowledgeBase, SymptomIndex]] = {}


def index_for(kb: KnowledgeBase) -> SymptomIndex:
    """The index of ``kb``, built on first use (the knowledge base object keeps its id)."""
    held = _INDEXES.get(id(kb))
    if held is None or held[0] is not kb:
        held = _INDEXES[id(kb)] = (kb, SymptomIndex(kb))
    return held[1]
