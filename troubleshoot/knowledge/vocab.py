"""Turn what people type (ids, synonyms, numbers as text) into vocabulary facts.

Every front end funnels user-supplied ids and values through here, so a typo gets the
same clear error with the closest valid ids whether it came from the command line, a
facts file, an interview answer file or a chat message.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal

from troubleshoot.facts import (
    GIVEN,
    ContextFact,
    ContextValue,
    FactSet,
    Phrase,
    PhrasedError,
    Provenance,
    SymptomFact,
)
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import ContextKey


class UnknownTerm(PhrasedError, ValueError):
    """An id or value outside the vocabulary; its phrases (``e_*`` keys of
    ``render/i18n.py``) name the closest valid ones."""


def closest(word: str, choices: Iterable[str]) -> tuple[Phrase, ...]:
    """ "Did you mean" the closest of ``choices``, if any is close."""
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.5)
    return (Phrase.of("e_did_you_mean", names=", ".join(close)),) if close else ()


# The commands that list the whole vocabulary, for when no close match is the one meant.
_SYMPTOMS_LISTED = Phrase("e_symptoms_listed")
_CONTEXT_LISTED = Phrase("e_context_listed")


def symptom_id(kb: KnowledgeBase, word: str) -> str:
    if word in kb.symptoms:
        return word
    unknown = Phrase.of("e_unknown_symptom", word=word)
    raise UnknownTerm(unknown, *closest(word, kb.symptoms), _SYMPTOMS_LISTED)


def lesson_id(kb: KnowledgeBase, word: str) -> str:
    if word in kb.lessons:
        return word
    raise UnknownTerm(Phrase.of("e_unknown_lesson", word=word), *closest(word, kb.lessons))


def context_key(kb: KnowledgeBase, word: str) -> ContextKey:
    key = kb.context.get(word.strip().lower().replace("-", "_"))
    if key is None:
        raise UnknownTerm(
            Phrase.of("e_unknown_key", word=word),
            *closest(word, kb.context),
            Phrase.of("e_valid_keys", keys=", ".join(kb.context)),
            _CONTEXT_LISTED,
        )
    return key


class BadNumber(UnknownTerm):
    """Text that is not one number; ``problem`` names why, for front ends that word it in
    their own language: ``bad_number``, ``several_numbers``, ``not_positive``, ``not_whole``."""

    def __init__(self, problem: str, text: str, numbers: tuple[str, ...] = ()) -> None:
        super().__init__(Phrase.of(f"e_{problem}", text=text, numbers=", ".join(numbers)))
        self.problem = problem
        self.text = text
        self.numbers = numbers


_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
_SCALE = re.compile(r"\s*(k|m|千|万)(?![a-z])", re.IGNORECASE)
_SCALES = {"k": 1000, "m": 1_000_000, "千": 1000, "万": 10_000}
_THOUSANDS = re.compile(r"(?<=\d)[,_](?=\d{3}(?!\d))", re.ASCII)


def squash(word: str) -> str:
    """A word as vocabulary matching sees it: case, spaces, hyphens and underscores do not
    count, so "CrossEntropyLoss", "cross_entropy" and "Cross-Entropy" meet their synonyms."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", word).casefold())


_IGNORED = re.compile(r"[\s_\-]")


def read_number(
    text: str, integer: bool = False, amounts: Mapping[str, float] | None = None
) -> int | float:
    """The one positive number in what a person typed: "1e-3", "0.001", "8 per GPU",
    "10k", "1,000", "5万", full-width "０．１", Chinese numerals "三十二", or a word of
    ``amounts`` ("small" for a dataset size, as ``kb/context.yaml`` defines it). Every front
    end reads numbers here."""
    shown = text.strip()
    named = {squash(word): value for word, value in (amounts or {}).items()}
    if squash(shown) in named:
        value = named[squash(shown)]
        return int(value) if integer else float(value)
    plain = _THOUSANDS.sub("", _arabic(unicodedata.normalize("NFKC", shown)))
    matches = list(_NUMBER.finditer(plain))
    if not matches:
        raise BadNumber("bad_number", shown)
    if len(matches) > 1:
        raise BadNumber("several_numbers", shown, tuple(m.group() for m in matches))
    match = matches[0]
    exact = Decimal(match.group())  # exact, so that "1.1k" is the whole number 1100
    scale = _SCALE.match(plain, match.end())
    if scale:
        exact *= _SCALES[scale.group(1).lower()]
    if exact <= 0:
        raise BadNumber("not_positive", shown)
    if integer:
        if exact != exact.to_integral_value():
            raise BadNumber("not_whole", shown)
        return int(exact)
    return float(exact)


_CHINESE_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千万亿]")
_DIGIT = re.compile(r"\d", re.ASCII)


def _arabic(text: str) -> str:
    """Chinese numerals ("三十二", "零点零一", "两百五十六") as digits, by cn2an, when the
    text has no digits of its own (then "一般是 32" keeps its 32)."""
    if _DIGIT.search(text) or not _CHINESE_NUMERAL.search(text):
        return text
    import warnings

    import cn2an

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns about what it leaves as it was
        return str(cn2an.transform(text, "cn2an"))


_TRUE = {"true", "yes", "y", "1", "on", "是", "有"}
_FALSE = {"false", "no", "n", "0", "off", "否", "没有", "无"}


def context_value(key: ContextKey, raw: object) -> ContextValue:
    """Validate ``raw`` for ``key``: choices by value or synonym, numbers, booleans."""
    text = str(raw).strip()
    if key.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise UnknownTerm(Phrase.of("e_takes_boolean", name=key.key, text=text))
    if key.type in ("number", "integer"):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            text = repr(raw)  # YAML has read it already: keep its exact spelling
        try:
            return read_number(text, integer=key.type == "integer", amounts=key.amounts)
        except BadNumber as exc:
            raise UnknownTerm(*_takes_number(key, text, exc)) from None
    word = squash(text)
    for choice in key.choices:
        if word in {squash(str(choice.value)), *(squash(s) for s in choice.synonyms)}:
            return choice.value
    values = [str(c.value) for c in key.choices]
    raise UnknownTerm(
        Phrase.of("e_takes_choice", name=key.key, values=", ".join(values), text=text),
        *closest(text.lower(), values),
        _CONTEXT_LISTED,
    )


def _takes_number(key: ContextKey, text: str, exc: BadNumber) -> tuple[Phrase, ...]:
    """What a number key takes (in its unit, which the knowledge base words in both
    languages), why ``text`` is not that, and the words that stand for amounts."""
    what = "e_a_whole_number" if key.type == "integer" else "e_a_number"
    unit = {"unit_en": key.unit.en, "unit_zh": key.unit.zh} if key.unit else {}
    reason = Phrase.of("e_not_text", text=text) if exc.problem == "bad_number" else exc.words[0]
    takes = Phrase.of(
        "e_takes", name=key.key, what=Phrase.of(what + ("_in" if unit else ""), **unit), why=reason
    )
    if not key.amounts:
        return (takes,)
    return takes, Phrase.of("e_amounts", words=", ".join(key.amounts))


def build_facts(
    kb: KnowledgeBase,
    symptoms: Iterable[str] = (),
    context: Mapping[str, object] | None = None,
    absent: Iterable[str] = (),
    provenance: Provenance = GIVEN,
) -> FactSet:
    """A FactSet from user-supplied words, validated against the vocabulary."""
    facts = FactSet()
    for word in symptoms:
        facts.add(SymptomFact(symptom_id(kb, word), True, provenance))
    for word in absent:
        facts.add(SymptomFact(symptom_id(kb, word), False, provenance))
    for word, raw in (context or {}).items():
        key = context_key(kb, word)
        facts.add(ContextFact(key.key, context_value(key, raw), provenance))
    return facts


def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``key=value`` as given with ``--context``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise UnknownTerm(Phrase.of("e_not_assignment", text=text))
    return key.strip(), value.strip()
