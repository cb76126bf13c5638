"""The knowledge base's phrasings as patterns that find them in what people write.

A phrase of ``kb/`` ("loss becomes nan", "验证集loss上升", "lr {n}") becomes one regular
expression over normalised text (NFKC, case folded, contractions written out): its words
in order, each allowed to be followed by a short gap of other words ("loss suddenly becomes
nan", "验证集的loss一直上升"), its English function words ("at", "is") optional, so
"loss stuck at 0.693" finds "loss stuck near 0.693" and "loss doesn't go down" finds "loss
did not go down". English words of five letters or more are matched by their stem, so
"overfit" finds "overfitting" and "increasing" finds "increases"; shorter ones whole or
with an ending ("go" finds "going", but "with" is not "without"). Each word also matches
the words ``same_words`` of ``kb/context.yaml`` groups it with ("loss" and "损失"). A
number finds itself with more decimals ("87" finds 87.3365) and with fewer, rounded
("0.693" finds 0.69 and 0.7, "0.0000" finds 0), a share written either way ("50%" finds
0.5, "0.5" finds 50%), and a bare ``0`` finds zero or all but zero (0.0000, 0.003; not
0.5); a number is never a digit glued to a word (the 0 of "AddBackward0"). ``{n}`` is a
number, read by ``knowledge.vocab.read_number``. Chinese phrases are cut into words with
rjieba (bindings to jieba-rs, the maintained Rust port of jieba; jieba itself was last
released in 2020) so a gap may fall between words but never inside one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property

# How far apart two words of a phrase may stand (characters of other words between them),
# and what may stand between a number's name and the number ("lr = 0.1", "学习率设为0.01").
# Calibrated on the development half of benchmarks/queries.yaml.
WORD_GAP = 24
STEM_FROM = 5  # letters: shorter English words match whole, so "with" is not "without"
NUMBER_FILLER = (
    r"[\s=:,(]*(?:(?:is|was|of|to|at|around|about|设为|设置为|设置成|设成|调到|为|是|了|大概|约)"
    r"[\s=:]*)?"
)
# Words that turn a phrase around: a gap holding one breaks the match ("loss is not nan"
# is not "loss nan"), and one just before a match (within NEGATION_BEFORE characters of the
# same clause) makes it a denial ("no overfitting", "without dropout", "没有过拟合").
NEGATION = re.compile(r"(?<![a-z])(?:not|no|never|without|w/o)(?![a-z])|n't|不|没|未")
NEGATION_BEFORE = 8
# A Chinese yes-no question ("是不是过拟合", "有没有 nan") asks, and words built on 不 that
# say "not enough" or "keeps" ("显存不足", "loss不断上升") describe: their 不 or 没 denies
# nothing that follows.
_NOT_A_DENIAL = re.compile(r"([\u3400-\u9fff])[不没]\1|不足|不够|不断|不停")
_CLAUSE = re.compile(r"[,;:、,;:]|(?<![a-z])(?:but|however|and)(?![a-z])|但|而")
_STOP = r"\n.!?;。!?;"  # a gap never crosses the end of a sentence
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?(?:\s?(?:k|千|万)(?![a-z]))?"
# A point between digits is a decimal point ("loss一直在0.69左右不动"), not a full stop.
_GAP = rf"(?:(?!{NEGATION.pattern})(?:[^{_STOP}]|(?<=\d)\.(?=\d))){{0,{WORD_GAP}}}?"
_PLACES = ("{n}", "{amount}")  # where a number, or a word of a key's amounts, stands
_PIECE = re.compile(r"\{n\}|\{amount\}|\d+(?:\.\d+)?%|[a-z0-9]+(?:\.[0-9]+)*|[\u3400-\u9fff]+")


# A contraction written out, so that "doesn't go down" and "does not go down" are one text.
_CONTRACTED = re.compile(r"(?<=[a-z])n['\u2019]t(?![a-z])")
_CONTRACTED_WHOLE = {"won't": "will not", "can't": "can not", "cannot": "can not"}
_WHOLE = re.compile(r"(?<![a-z])(?:won't|can't|cannot)(?![a-z])")
# Words a phrase may hold that say nothing of its meaning: the text may leave them out or use
# others ("loss stuck at 0.693" finds "loss stuck near 0.693", "loss doesn't go down" finds
# "loss did not go down").
_FUNCTION_TEXT = """a an the is are was were be been am at to of on in by it its my do does did
    has have had will can around about"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def normalise(text: str) -> str:
    """Text as phrases are matched against it: NFKC (full-width digits and punctuation
    become ASCII), case folded, contractions written out ("doesn't" is "does not")."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    text = _WHOLE.sub(lambda m: _CONTRACTED_WHOLE[m.group()], text)
    return _CONTRACTED.sub(" not", text)


def _stemmed(token: str) -> bool:
    """English words of ``STEM_FROM`` letters or more are found by their stem."""
    return token.isascii() and not token[0].isdigit() and len(token) >= STEM_FROM


def _shorter(token: str) -> list[str]:
    """A phrase's number as someone may write it with fewer decimals: rounded to each
    shorter precision down to one decimal ("0.693" is also "0.69" and "0.7", "2.30" is "2.3"),
    and a zero also as "0" ("0.0000" is "0.000" ... "0.0" and "0"). A number with decimals is
    never rounded to a whole one: "1" is not "0.693"."""
    from decimal import ROUND_HALF_UP, Decimal

    places = len(token.partition(".")[2])
    out = [
        str(Decimal(token).quantize(Decimal(1).scaleb(-keep), ROUND_HALF_UP))
        for keep in range(places - 1, 0, -1)
    ]
    if places and Decimal(token) == 0:
        out.append("0")
    return list(dict.fromkeys(out))


def _percent_twin(token: str) -> str | None:
    """The same share written the other way: "50%" is "0.5", "0.5" is "50%" and "100%" is
    "1.0"; a number above 1 or without decimals has none ("87" is no percentage)."""
    if token.endswith("%"):
        share = Decimal(token[:-1]).scaleb(-2)
        return f"{share.normalize():f}" + ("" if share % 1 else ".0")
    if "." in token and Decimal(token) <= 1:
        return f"{Decimal(token).scaleb(2).normalize():f}%"
    return None


def _forms(token: str) -> tuple[str, ...]:
    """A phrase's number and its twin as a share, each without its "%"."""
    twin = _percent_twin(token)
    return tuple(form.removesuffix("%") for form in (token, *([twin] if twin else [])))


def _literals(token: str) -> tuple[str, ...]:
    """The texts one of which every match of ``_word(token)`` contains."""
    if token[0].isdigit():
        return tuple(dict.fromkeys(x for form in _forms(token) for x in (form, *_shorter(form))))
    return (_stem(token),) if _stemmed(token) else (token,)


def _weight(token: str) -> int:
    """How specific a word of a phrase is: its characters; a number's, those every match of
    it holds ("0.0000" may be found as "0", "50%" as "0.5")."""
    return min(map(len, _literals(token))) if token[0].isdigit() else len(token)


def _number(token: str) -> str:
    """One written form of a phrase's number: "87" finds 87.3365 but not 870 or 87%, "87.33"
    finds 87.3365, "50%" finds 50% and 50.0 %."""
    digits = token.removesuffix("%")
    tail = r"\d*" if "." in digits else r"(?:\.\d+)?"
    if digits == "0":  # zero or all but zero: 0.0000 and 0.003, not the 0.5 of "loss变成0.5"
        tail = r"(?:\.0\d*)?(?!\.\d)"
    shorter = "".join(f"|{re.escape(r)}(?!\\.?\\d)" for r in _shorter(digits))
    end = r"\s?%" if token.endswith("%") else r"(?![\d%])"
    return rf"(?<![\d.a-z])(?:{re.escape(digits)}{tail}{shorter}){end}"


def _word(token: str) -> str:
    if token[0].isdigit():  # the number as written, or as the same share the other way
        twin = _percent_twin(token)
        return "(?:" + "|".join(_number(form) for form in (token, *([twin] if twin else []))) + ")"
    if _stemmed(token):
        return rf"(?<![a-z0-9]){re.escape(_stem(token))}[a-z]*"
    if token.isascii():  # a short word whole, or with an ending: "go" finds "goes", "going"
        ending = rf"(?:s|es|ed|ing|{re.escape(token[-1])}(?:ed|ing))?" if token.isalpha() else ""
        return rf"(?<![a-z0-9]){re.escape(token)}{ending}(?![a-z])"
    return re.escape(token)


def _stem(word: str) -> str:
    """The start every form of an English word shares, roughly: "increasing", "increases"
    and "increase" all become "increas", so a phrase in one form finds the others. A verb's
    -ing or -ed form keeps a stem of three letters ("rising" finds "rises" and "rise") and
    loses a doubled final consonant ("dropping" finds "drops"; "falling" keeps its "ll")."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        stem = word.removesuffix(suffix)
        verb = suffix in ("ing", "ed")
        if verb and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouslz":
            stem = stem[:-1]
        if stem != word and len(stem) >= (3 if verb else 4) and not word.endswith("ss"):
            return stem
    return word


def _cut(run: str) -> list[str]:
    import rjieba

    return [word for word in rjieba.cut(run) if word.strip()]


@dataclass(frozen=True)
class Pattern:
    """One phrase of the knowledge base, compiled."""

    phrase: str
    source: str  # the regular expression, compiled on first use (most phrases never are)
    weight: int  # how specific: the characters of the phrase's words (longer wins)
    # For each word, the texts one of which every match contains: a phrase whose words are
    # not all in the text is passed over without running its regular expression.
    needs: tuple[tuple[str, ...], ...]
    own: tuple[str, ...] = ()  # each word as the phrase writes it (a stem, a number)

    def may_occur_in(self, text: str) -> bool:
        return all(any(piece in text for piece in word) for word in self.needs)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.source)


Alike = tuple[tuple[str, ...], ...]  # groups of words a phrase may use interchangeably


@cache
def _alike(same: Alike) -> dict[str, tuple[str, ...]]:
    return {normalise(w): tuple(normalise(x) for x in group) for group in same for w in group}


def _word_or_alike(word: str, same: Alike) -> str:
    group = _alike(same).get(word)
    return "(?:" + "|".join(_word(w) for w in group) + ")" if group else _word(word)


def _place(word: str, amounts: tuple[str, ...]) -> str:
    """``{n}``: a number; ``{amount}``: one of ``amounts`` ("small", "很少"), not followed by
    another ("大小" is size, "多少" how many)."""
    if word == "{n}":
        return rf"(?P<n>{_NUMBER})"
    names = "|".join(re.escape(a) for a in sorted(map(normalise, amounts), key=len, reverse=True))
    names = names or "(?!)"
    return rf"(?<![a-z])(?P<n>{names})(?![a-z]|{names})"


@cache
def compile_phrase(phrase: str, same: Alike = (), amounts: tuple[str, ...] = ()) -> Pattern:
    """The pattern of one phrase, each word also matching the words ``same`` groups it with,
    ``{amount}`` one of ``amounts`` (cached: the knowledge base's phrases are few)."""
    pieces = _PIECE.findall(normalise(phrase))
    words: list[str] = []
    for piece in pieces:
        if piece.isascii():  # an English word, {n} or {amount}
            words.append(piece)
        else:
            words += _cut(piece)
    optional = [word in FUNCTION_WORDS for word in words]
    if all(optional):
        optional = [False] * len(words)
    while optional[0]:  # a phrase never starts with a word the text may leave out
        words, optional = words[1:], optional[1:]
    parts: list[str] = []
    for i, word in enumerate(words):
        part = _place(word, amounts) if word in _PLACES else _word_or_alike(word, same)
        if i:
            near_number = word in _PLACES or words[i - 1] in _PLACES
            part = (NUMBER_FILLER if near_number else _GAP) + part
        parts.append(f"(?:{part})?" if optional[i] else part)
    kept = [word for word, skip in zip(words, optional, strict=True) if not skip]
    placed = [word for word in words if word in _PLACES]
    weight = sum(map(_weight, (word for word in words if word not in _PLACES))) + 2 * len(placed)
    needs = sorted(
        (
            tuple(piece for w in _alike(same).get(word, (word,)) for piece in _literals(w))
            for word in kept
            if word not in _PLACES
        ),
        key=lambda pieces: -min(map(len, pieces)),  # the rarest first: most phrases stop there
    )
    own = tuple(_literals(word)[0] for word in kept if word not in _PLACES)
    return Pattern(phrase, "".join(parts), weight, tuple(needs), own)


@dataclass(frozen=True)
class Found:
    """Where a phrase was found in the (normalised) text."""

    pattern: Pattern
    start: int
    end: int
    text: str
    number: str | None  # what ``{n}`` or ``{amount}`` matched
    denied: bool  # a negation stands just before it ("no overfitting")

    @property
    def precedence(self) -> tuple[int, int]:
        """Of two matches of one fact, the one to keep is the greater: the more specific
        phrase, then the one found first."""
        return self.pattern.weight, -self.start

    def overlaps(self, other: Found) -> bool:
        """Whether the two matches share characters of the text."""
        return self.start < other.end and other.start < self.end

    @property
    def literal(self) -> int:
        """Characters of the phrase's words found as the phrase writes them, not as words
        ``same_words`` groups them with: of two phrases as specific, the one the text says
        in its own words is the closer ("loss stuck at 2.30" over "loss stays at 2.30")."""
        return sum(len(word) for word in self.pattern.own if word in self.text)


def one_clause(text: str) -> bool:
    """Whether ``text`` holds no clause break (a comma, "but", "但"...)."""
    return _CLAUSE.search(text) is None


def find(phrase: str, text: str, same: Alike = (), amounts: tuple[str, ...] = ()) -> Found | None:
    """The first place ``phrase`` occurs in normalised ``text`` (in its own words or ones
    ``same`` groups them with; ``{amount}`` as one of ``amounts``)."""
    pattern = compile_phrase(phrase, same, amounts)
    if not pattern.may_occur_in(text):
        return None
    match = pattern.regex.search(text)
    return None if match is None else _found(pattern, match, text)


def find_all(
    phrase: str, text: str, same: Alike = (), amounts: tuple[str, ...] = ()
) -> Iterator[Found]:
    """Every place ``phrase`` occurs in normalised ``text``, by where it starts: a match
    that reaches too far ("val_loss: 2.3 - val_accuracy: 0.5" for "validation accuracy
    {n}") does not hide the one starting inside it ("val_accuracy: 0.5")."""
    pattern = compile_phrase(phrase, same, amounts)
    if not pattern.may_occur_in(text):
        return
    match = pattern.regex.search(text)
    while match is not None:
        yield _found(pattern, match, text)
        match = pattern.regex.search(text, match.start() + 1)


def _found(pattern: Pattern, match: re.Match[str], text: str) -> Found:
    number = match.group("n") if "n" in pattern.regex.groupindex else None
    before = _CLAUSE.split(text[max(0, match.start() - NEGATION_BEFORE) : match.start()])[-1]
    denied = NEGATION.search(_NOT_A_DENIAL.sub("", before)) is not None
    return Found(pattern, match.start(), match.end(), match.group(), number, denied)
