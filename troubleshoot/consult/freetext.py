"""Free text in, facts out: the one query path for what people type or paste.

A question ("loss becomes nan after 2000 iterations, caffe, lr 0.1", "验证集loss一直上升怎么
办"), possibly with log lines or a traceback pasted into it, becomes symptom and context
facts from four sources, in this order (later ones win, as stated words win over detection):

1. the text read as a file: pasted metric lines, error messages and tracebacks go through
   the same readers, error signatures and detectors as a log file (``read.pasted``), and
   metrics stated in words ("training loss 0.01, validation loss 2.5") go through the same
   detectors (``stated``);
2. the symptom phrasings of ``kb/symptoms/*.yaml`` (``phrases``), both languages;
3. the context phrasings of ``kb/context.yaml``: choices ("caffe", "微调"), switches
   ("batchnorm") and numbers with their meaning ("lr 0.1", "学习率0.01", "batch size 2"),
   each number read by ``knowledge.vocab.read_number``;
4. only when no symptom was found so far and no pasted lines were read as a log (whose
   words would mislead it), BM25 retrieval over the knowledge base (``retrieval``), which
   finds nothing in text that is not about training.

``understand`` returns the facts and, for each, what in the text gave it (``matches``);
``consult_text`` runs the consultation on them as on any other facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from troubleshoot.consult.implication import implied
from troubleshoot.consult.phrasing import Found, find, normalise, one_clause
from troubleshoot.facts import (
    ContextFact,
    ContextValue,
    Evidence,
    FactSet,
    Origin,
    Phrase,
    Provenance,
    SymptomFact,
)
from troubleshoot.knowledge.vocab import BadNumber, read_number

if TYPE_CHECKING:
    from troubleshoot.consult.consultation import Consultation
    from troubleshoot.consult.retrieval import Hit, Ranking
    from troubleshoot.knowledge.load import KnowledgeBase
    from troubleshoot.knowledge.schema import ContextKey

MAX_CHARS = 1_000_000  # longer text is a whole log: `diagnose` reads it as a file
PROSE_CHARS = 20_000  # phrasings are looked for in this much of the text: what a person wrote
QUESTION = "question"  # the source chat facts cite


class BadQuestion(ValueError):
    """Text that cannot be a question; ``problem`` is ``empty`` or ``too_long``, for front
    ends that word it in their own language."""

    def __init__(self, problem: str, size: int = 0) -> None:
        reasons = {
            "empty": "the question is empty",
            "too_long": f"the text has {size} characters, more than {MAX_CHARS}; give a whole "
            "log to `troubleshoot diagnose` as a file",
        }
        super().__init__(reasons[problem])
        self.problem = problem


@dataclass(frozen=True)
class Match:
    """What in the text gave one fact: ``source`` is ``log`` (a pasted line read as a file),
    ``stated`` (metrics stated in words, judged by the detectors), ``phrase`` (a phrasing of
    ``kb/``), ``number`` (a context number and its name) or
    ``retrieval`` (BM25 over the knowledge base), or ``related`` (a symptom the words
    resemble but do not state, which gives no fact: ``Understanding.related``); ``text`` is
    what was found. ``present`` is False for a denied symptom ("no nan", "没有过拟合"), left
    out otherwise."""

    source: str
    text: str
    symptom: str | None = None
    key: str | None = None
    value: ContextValue | None = None
    phrase: str | None = None  # the kb phrase or error signature that matched
    line: int | None = None  # the line of the pasted text, for a log match
    score: float | None = None  # the BM25 score, for a retrieval match
    present: bool | None = None  # False when the text denies the symptom

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Understanding:
    """The facts found in a text, what gave each, and whether it is about training at all."""

    text: str
    facts: FactSet = field(default_factory=FactSet)
    matches: list[Match] = field(default_factory=list)
    runs: int = 0  # runs of training read from pasted lines (metrics, errors, settings)
    # Symptoms the words resemble without stating them, best first: not facts, but where
    # the facts tie fewer than three causes, the checklist names their causes after them.
    related: list[Match] = field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        """About training: a symptom was found, or pasted lines were read as a training log
        (a healthy excerpt is on topic even when it shows no problem)."""
        return bool(self.facts.present_symptoms()) or self.runs > 0

    def to_dict(self) -> dict[str, Any]:
        """The ``query`` object of the JSON contract."""
        return {
            "in_scope": self.in_scope,
            "runs": self.runs,
            "matches": [m.to_dict() for m in self.matches],
            "related": [m.to_dict() for m in self.related],
        }

    def resembled(self) -> tuple[str, ...]:
        """The ids of the symptoms the words resemble, best first."""
        return tuple(str(m.symptom) for m in self.related)


def understand(kb: KnowledgeBase, text: str) -> Understanding:
    """The symptom and context facts in ``text`` (English, Chinese or both, possibly with
    pasted log lines), each with what gave it. Raises BadQuestion for empty or huge text."""
    if not text.strip():
        raise BadQuestion("empty")
    if len(text) > MAX_CHARS:
        raise BadQuestion("too_long", len(text))
    found = Understanding(text)
    _from_log(found, text)
    prose = normalise(text[:PROSE_CHARS])
    _from_stated(kb, found, prose)
    # A fact a pasted line already gave keeps that line as its evidence; words stating
    # another context value than the log win, as stated words win over detection.
    for match in _symptom_matches(kb, prose):
        found.matches.append(match)
        if str(match.symptom) not in found.facts.present_symptoms():
            present = match.present is not False
            found.facts.add(SymptomFact(str(match.symptom), present, _chat(match.text)))
    for match in _context_matches(kb, prose):
        found.matches.append(match)
        assert match.key is not None and match.value is not None
        known = found.facts.context.get(match.key)
        if known is None or known.value != match.value:
            found.facts.add(ContextFact(match.key, match.value, _chat(match.text)))
    # Retrieval reads words, and the words of pasted log lines would mislead it.
    if not found.runs and not _off_topic(kb, found, prose):
        from troubleshoot.consult.retrieval import index_for

        ranking = index_for(kb).rank(text[:PROSE_CHARS])
        if not found.facts.present_symptoms():
            _retrieve(found, ranking)
        if found.in_scope:
            found.related = [
                _retrieved("related", hit) for hit in ranking.resembling(found.facts.symptoms)
            ]
    return found


def match_symptoms(kb: KnowledgeBase, text: str) -> list[str]:
    """The symptom ids in a short typed text ("nan", "oom", "87", "过拟合"), best first:
    the phrasings' matches by specificity, else what retrieval finds."""
    if not text.strip() or len(text) > MAX_CHARS:
        return []
    matches = _symptom_matches(kb, normalise(text[:PROSE_CHARS]))
    ranked = [m.symptom for m in matches if m.present is not False]
    if not ranked:
        from troubleshoot.consult.retrieval import index_for

        ranked = [hit.symptom for hit in index_for(kb).search(text[:PROSE_CHARS])]
    return [s for s in dict.fromkeys(ranked) if s is not None]


def text_of(raw: bytes) -> str:
    """Bytes piped in as a question, as text (UTF-8, else the encoding they are in, such as
    GBK); raises UnreadableInput for binary data."""
    from troubleshoot.read.pasted import decode_paste

    return decode_paste(raw)


def consult_text(kb: KnowledgeBase, text: str) -> tuple[Understanding, Consultation]:
    """Understand ``text`` and consult on its facts, like any other facts."""
    from troubleshoot.consult.consultation import consult_facts

    found = understand(kb, text)
    return found, consult_facts(kb, found.facts, related=found.resembled())


def _chat(quoted: str) -> Provenance:
    return Provenance(Origin.CHAT, (Evidence(QUESTION, quoted),))


def _from_log(found: Understanding, text: str) -> None:
    """Facts the readers and detectors find in the text, as they would in a file."""
    from troubleshoot.detect import detect
    from troubleshoot.read.pasted import read_paste

    lines = text.splitlines()
    for run in read_paste(text):
        found.runs += 1
        for fact in detect(run).facts:
            found.facts.add(fact)
            for evidence in fact.provenance.evidence:
                if evidence.line is None and evidence.signature is None:
                    continue
                line = evidence.line
                shown = lines[line - 1].strip() if line and line <= len(lines) else ""
                found.matches.append(
                    Match(
                        "log",
                        shown or _worded(evidence.detail),
                        symptom=fact.id if isinstance(fact, SymptomFact) else None,
                        key=fact.key if isinstance(fact, ContextFact) else None,
                        value=fact.value if isinstance(fact, ContextFact) else None,
                        phrase=evidence.signature,
                        line=line,
                    )
                )
                break


def _from_stated(kb: KnowledgeBase, found: Understanding, prose: str) -> None:
    """Facts the detectors find in metrics the text states in words ("training loss 0.01,
    validation loss 2.5"), each cited by the statement its evidence rests on."""
    from troubleshoot.consult.stated import stated_run
    from troubleshoot.detect import detect

    stated = stated_run(kb, prose, QUESTION)
    if stated is None:
        return
    run, statements = stated
    said = {s.series: s.text for s in statements}
    for fact in detect(run).facts:
        if not isinstance(fact, SymptomFact) or fact.id in found.facts.present_symptoms():
            continue
        # The words give a value, not a step: the run's step 0 is the reader's, not theirs.
        evidence = tuple(replace(e, step=None) for e in fact.provenance.evidence)
        found.facts.add(replace(fact, provenance=replace(fact.provenance, evidence=evidence)))
        cited = [e.series for e in evidence if e.series in said]
        text = said[cited[0]] if cited else " ".join(said.values())
        found.matches.append(Match("stated", text, symptom=fact.id))


def _worded(detail: Phrase | str) -> str:
    return detail if isinstance(detail, str) else detail.key


def _symptom_matches(kb: KnowledgeBase, prose: str) -> list[Match]:
    """The most specific phrase of each symptom found in ``prose``, most specific first; a
    match that shares words with a more specific one of another symptom ("loss going up"
    inside "val loss going up") is passed over for that symptom's next phrase that does not
    ("not nan" still denies NaN when "nan but the loss" overlaps "loss stays constant")."""
    hits = [
        (symptom.id, hit)
        for symptom in kb.symptoms.values()
        for phrase in [*symptom.phrases.en, *symptom.phrases.zh]
        if (hit := find(phrase, prose, kb.same_words))
    ]
    ranked = sorted(
        hits,
        key=lambda item: (
            _inside_another(kb, item, prose, hits),
            -item[1].pattern.weight,
            -item[1].literal,
            item[1].start,
        ),
    )
    kept: dict[str, Found] = {}
    for sid, hit in ranked:
        if sid in kept or any(hit.overlaps(k) for k in kept.values()):
            continue
        kept[sid] = hit
    return [
        Match("phrase", hit.text, symptom=sid, phrase=hit.pattern.phrase, present=_denied(hit))
        for sid, hit in kept.items()
    ]


def _inside_another(
    kb: KnowledgeBase, item: tuple[str, Found], prose: str, hits: list[tuple[str, Found]]
) -> bool:
    """Whether another symptom's match ends where this one does and starts earlier in the
    same clause: it reads what this one reads and the words that qualify it, so it comes
    first ("the validation loss keeps going up" is overfitting, not the training loss's
    "loss keeps going up"), whichever phrase is written longer. A symptom this one implies
    is no such reading: it says less ("loss ... nan" around "suddenly turns into nan")."""
    sid, hit = item
    general = implied(kb, sid)
    return any(
        other != sid
        and other not in general
        and o.end == hit.end
        and o.start < hit.start
        and one_clause(prose[o.start : hit.start])
        for other, o in hits
    )


def _denied(hit: Found) -> bool | None:
    return False if hit.denied else None


def _context_matches(kb: KnowledgeBase, prose: str) -> list[Match]:
    """For each context key, its most specific phrasing found in ``prose``; a denied switch
    ("without dropout") is false, a denied choice or number is skipped."""
    out = []
    for key in kb.context.values():
        best: tuple[Found, ContextValue] | None = None
        for phrase, value in _phrasings(key):
            hit = find(phrase, prose, kb.same_words, tuple(key.amounts))
            if hit is None or (hit.denied and key.type != "boolean"):
                continue
            if hit.denied:  # "no batchnorm"
                value = False
            elif key.type in ("number", "integer"):
                try:
                    value = read_number(
                        str(hit.number), integer=key.type == "integer", amounts=key.amounts
                    )
                except BadNumber:
                    continue
            if best is None or hit.precedence > best[0].precedence:
                best = (hit, value)
        if best is not None:
            hit, value = best
            source = "number" if key.type in ("number", "integer") else "phrase"
            out.append(Match(source, hit.text, key=key.key, value=value, phrase=hit.pattern.phrase))
    return out


def _phrasings(key: ContextKey) -> list[tuple[str, ContextValue]]:
    """Each phrase of a key with the value it states (a number key's is read from the text)."""
    if key.type == "choice":
        return [
            (phrase, choice.value)
            for choice in key.choices
            for phrase in [*choice.phrases.en, *choice.phrases.zh]
        ]
    return [(phrase, True) for phrase in [*key.phrases.en, *key.phrases.zh]]


def _off_topic(kb: KnowledgeBase, found: Understanding, prose: str) -> bool:
    """Whether the text says it is about something other than training ("faster
    inference", "部署"): then it is not searched for a symptom it never named."""
    for phrase in kb.off_topic:
        hit = find(phrase, prose, kb.same_words)
        if hit is not None and not hit.denied:
            found.matches.append(Match("off_topic", hit.text, phrase=phrase))
            return True
    return False


def _retrieve(found: Understanding, ranking: Ranking) -> None:
    for hit in ranking.about():
        if hit.symptom in found.facts.symptoms:  # the text denies it ("没有过拟合")
            continue
        note = Phrase.of("note_retrieved", words=", ".join(hit.shared))
        found.facts.add(SymptomFact(hit.symptom, True, Provenance(Origin.CHAT, (), note)))
        found.matches.append(_retrieved("retrieval", hit))


def _retrieved(source: str, hit: Hit) -> Match:
    return Match(source, " ".join(hit.shared), symptom=hit.symptom, score=round(hit.score, 3))
