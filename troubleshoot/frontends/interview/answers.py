"""Read what a person types at a question: a command, an answer, or something to re-ask.

People answer the way they talk: "1e-3", "0.001", "8 per GPU", "10k", "5万", a choice's
number, its name or a synonym, "y", "是". Anything that cannot be read becomes
:class:`Invalid` with a message that says what to type instead; nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from troubleshoot.consult.freetext import match_symptoms
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.session import Value
from troubleshoot.frontends.i18n import WORDS, t
from troubleshoot.frontends.interview.explain import GROUP_KEYS
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import ContextKey
from troubleshoot.knowledge.vocab import BadNumber, UnknownTerm, context_value, read_number
from troubleshoot.lang import Lang


class Command(StrEnum):
    WHY = "why"
    HOW = "how"
    BACK = "back"
    QUIT = "quit"
    HELP = "help"


@dataclass(frozen=True)
class Reply:
    value: Value  # None: not sure


@dataclass(frozen=True)
class Invalid:
    message: str


@dataclass(frozen=True)
class Browse:
    """Show another page of the opening's options (a group key, or "" for the first)."""

    page: str


Parsed = Command | Reply | Invalid | Browse

_INDEX = re.compile(r"\d{1,4}", re.ASCII)
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _words(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _is(word: str, kind: str) -> bool:
    return word in WORDS[kind]


def command(text: str) -> Command | None:
    word = _words(text)
    return next((c for c in Command if _is(word, c.value)), None)


def parse(kb: KnowledgeBase, question: Question, text: str, lang: Lang) -> Parsed:
    """What ``text`` means as a reply to ``question``."""
    word = _words(text)
    found = command(word)
    if found is not None:
        return found
    if question.kind is Kind.OPENING:
        return _opening(kb, question, text, lang)
    if _is(word, "skip"):
        return Reply(None)
    if question.kind is Kind.SYMPTOM:
        return _yes_no(word, lang)
    key = kb.context[question.name]
    if key.type == "boolean":
        return _yes_no(word, lang)
    if key.type == "choice":
        return _choice(key, word, lang)
    example = "1e-3" if key.type == "number" else "32"
    number = parse_number(text, key.type == "integer", lang, example, key.amounts)
    return number if isinstance(number, Invalid) else Reply(number)


def _yes_no(word: str, lang: Lang) -> Parsed:
    if _is(word, "yes"):
        return Reply(True)
    if _is(word, "no"):
        return Reply(False)
    return Invalid(t(lang, "bad_yes_no"))


def _choice(key: ContextKey, word: str, lang: Lang) -> Parsed:
    if _INDEX.fullmatch(word):
        index = int(word)
        if 1 <= index <= len(key.choices):
            return Reply(key.choices[index - 1].value)
        return Invalid(t(lang, "bad_choice", n=len(key.choices)))
    for choice in key.choices:
        if word in (_words(choice.label.en), _words(choice.label.zh)):
            return Reply(choice.value)
    try:
        return Reply(context_value(key, word))
    except UnknownTerm:
        return Invalid(t(lang, "bad_choice", n=len(key.choices)))


def _opening(kb: KnowledgeBase, question: Question, text: str, lang: Lang) -> Parsed:
    """Numbers (from any page), symptom ids, a group's key (show that page), "0" (none),
    or a few words (``nan``, ``oom``, ``87``, ``过拟合``) matched to the options."""
    word = _words(unicodedata.normalize("NFKC", text))
    if word in GROUP_KEYS.values() or word in ("m", "more", "更多"):
        return Browse("" if word in ("m", "more", "更多") else word)
    picked: list[str] = []
    for token in _SEPARATORS.split(word):
        if not token or _is(token, "skip"):
            continue
        if token in question.options:
            picked.append(token)
        elif _INDEX.fullmatch(token) and 1 <= int(token) <= len(question.options):
            picked.append(question.options[int(token) - 1])
        elif _INDEX.fullmatch(token):  # not an option's number; maybe a symptom's ("87")
            named = _described_as(kb, question, token)
            if not named:
                return Invalid(t(lang, "bad_option", token=token, n=len(question.options)))
            picked.extend(named)
        else:
            return _described(kb, question, text, lang)
    if not picked and not _is(word, "skip"):
        return Invalid(t(lang, "bad_option", token=word, n=len(question.options)))
    return Reply(tuple(dict.fromkeys(picked)))  # "0": none of these


def _described_as(kb: KnowledgeBase, question: Question, text: str) -> list[str]:
    """The options that the words describe, by the same matcher as a chat question."""
    return [s for s in match_symptoms(kb, text) if s in question.options]


def _described(kb: KnowledgeBase, question: Question, text: str, lang: Lang) -> Parsed:
    found = _described_as(kb, question, text)
    if not found:
        return Invalid(t(lang, "no_match", text=text.strip()))
    return Reply(tuple(dict.fromkeys(found)))


def parse_number(
    text: str,
    integer: bool,
    lang: Lang,
    example: str = "32",
    amounts: Mapping[str, float] | None = None,
) -> float | Invalid:
    """The one number in ``text`` (or a word of ``amounts``), or what to type instead in the
    interview's language."""
    try:
        return read_number(text, integer, amounts)
    except BadNumber as exc:
        numbers = t(lang, "list_sep").join(exc.numbers)
        return Invalid(t(lang, exc.problem, text=exc.text, numbers=numbers, example=example))


def from_file(kb: KnowledgeBase, question: Question, raw: object, lang: Lang) -> Reply | Invalid:
    """An answers-file value for ``question`` (YAML has already made yes/no booleans)."""
    if raw is None:
        return Reply(None)
    if isinstance(raw, bool):
        text = "yes" if raw else "no"
    elif isinstance(raw, int | float):
        text = repr(raw)
    else:
        text = str(raw)
    parsed = parse(kb, question, text, lang)
    if isinstance(parsed, Command | Browse):
        return Invalid(t(lang, "bad_yes_no"))
    return parsed
