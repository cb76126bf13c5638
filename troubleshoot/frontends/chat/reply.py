"""The one reply every chat platform sends: what a thread has said so far, turned into the
likely causes, why each fits, the first steps, links, citations and at most one follow-up
question.

A thread keeps the user's own words and their answers, never derived facts: the facts are
read again from the words by the one free-text path (``consult.freetext.understand``) and
the answers add theirs (``consult.session.Answer``), so a stored thread cannot go stale
when the knowledge base changes. Which question comes next is the core's choice
(``Consultation.next_step``); a chat message already says what the user sees, so where
the core would open with "what do you see?" the reply asks the best single question of
the core's checklist instead. Platforms only render a :class:`Reply`
(``markdown.py``, ``slack_blocks.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from troubleshoot.consult.consultation import Consultation, consult_facts
from troubleshoot.consult.freetext import MAX_CHARS, BadQuestion, Understanding, understand
from troubleshoot.consult.questions import Kind, Question
from troubleshoot.consult.select import BUDGET, FRAMEWORK, Conclude
from troubleshoot.consult.session import Answer
from troubleshoot.facts import Signature
from troubleshoot.frontends.i18n import t
from troubleshoot.frontends.interview.answers import Reply as Parsed
from troubleshoot.frontends.interview.answers import parse
from troubleshoot.frontends.interview.explain import answer_text as answer_words
from troubleshoot.frontends.interview.explain import show
from troubleshoot.lang import Lang, written_in
from troubleshoot.render.guide import CitationIndex, reasons
from troubleshoot.render.likelihood import standing_word
from troubleshoot.render.links import page_url
from troubleshoot.render.templating import Snippet, framework_snippets

if TYPE_CHECKING:
    from troubleshoot.consult.checklist import Candidate
    from troubleshoot.frontends.chat.threads import ThreadStore
    from troubleshoot.knowledge.load import KnowledgeBase

TOP = 3  # causes in a reply
FIRST_STEPS = 2  # steps shown for each cause; the site's page has the rest
CODE_LINES = 12  # of a snippet shown in chat
CITED = 2  # sources cited per cause (its first, the articles); the page cites them all
_NUMBER = re.compile(r"\s*\d{1,4}\s*")


@dataclass
class Thread:
    """One conversation: the user's words in order, their answers to follow-up questions,
    the question waiting for an answer, and the reply language (detected from the first
    words unless set)."""

    texts: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    pending: Question | None = None
    lang: Lang | None = None

    def understood(self, kb: KnowledgeBase) -> Understanding:
        """The facts of everything the user wrote, read as one question."""
        return understand(kb, "\n".join(self.texts))

    def consult(self, kb: KnowledgeBase) -> tuple[Understanding, Consultation]:
        """The consultation on the words' facts plus the answers' (an answer wins)."""
        found = self.understood(kb)
        facts = found.facts
        for answer in self.answers:
            facts.extend(answer.facts())
        return found, consult_facts(kb, facts, related=found.resembled())


@dataclass(frozen=True)
class Pick:
    """A button pressed: option ``number`` of the question about ``question``."""

    question: str
    number: str


@dataclass(frozen=True)
class StepShown:
    text: str
    snippets: list[Snippet]


@dataclass(frozen=True)
class Cause:
    id: str
    title: str
    likelihood: str
    because: str  # the strongest fired rule's reason
    steps: list[StepShown]
    url: str | None  # the lesson's page on the site
    marks: str  # citation numbers, "[1][2]"


@dataclass(frozen=True)
class FollowUp:
    """The one question that best tells the causes apart, as shown: ``options`` are
    (number, label); 0 is "not sure"; a number question takes any number typed."""

    name: str
    text: str
    hint: str
    options: list[tuple[str, str]]
    typed: bool  # answered by typing a number, not by picking an option


@dataclass(frozen=True)
class Reply:
    """Everything a platform shows. ``quote`` and ``invalid`` hold the user's words and are
    escaped by the renderers; every other string is ours (knowledge base, string table)."""

    lang: Lang
    in_scope: bool
    quote: str = ""
    causes: list[Cause] = field(default_factory=list)
    more: int = 0  # causes beyond the first TOP
    follow_up: FollowUp | None = None
    sources: list[str] = field(default_factory=list)
    note: str = ""  # out of scope, no cause, an answer noted
    invalid: str = ""  # why a reply could not be read as an answer (may quote the user)
    understanding: Understanding | None = None
    consultation: Consultation | None = None


def reply(
    kb: KnowledgeBase, thread: Thread, said: str | Pick, site_url: str | None = None
) -> Reply:
    """Take what the user said (new words, a typed answer, or a button) into ``thread``
    and build the reply; ``thread`` is updated in place for the caller to store."""
    if thread.lang is None:
        thread.lang = written_in(said if isinstance(said, str) else "")
    lang = thread.lang
    text = said.number if isinstance(said, Pick) else said
    if isinstance(said, Pick) and (thread.pending is None or thread.pending.name != said.question):
        return Reply(lang, True, note=t(lang, "chat_no_thread"))
    if not text.strip():
        return Reply(lang, False, note=t(lang, "chat_empty"))
    if len(text) + sum(map(len, thread.texts)) > MAX_CHARS:  # the thread is read as one text
        return Reply(lang, False, note=t(lang, "chat_too_long", limit=MAX_CHARS))
    noted = ""
    if thread.pending is not None:
        parsed = parse(kb, thread.pending, text, lang)
        if isinstance(parsed, Parsed):
            answer = Answer(thread.pending, parsed.value)
            thread.answers.append(answer)
            shown = show(kb, thread.pending, lang).text
            words = answer_words(kb, thread.pending, parsed.value, lang)
            noted = t(lang, "chat_answered", question=shown, answer=words)
        elif isinstance(said, Pick) or _NUMBER.fullmatch(text) or not _tells_more(kb, text):
            # The parser's reason where it gives one (Invalid), else the words themselves
            # (a command such as "why" means nothing in a chat).
            message = getattr(parsed, "message", "") or text
            return _built(kb, thread, site_url, invalid=message)
        else:
            thread.texts.append(text)
    else:
        thread.texts.append(text)
    return _built(kb, thread, site_url, note=noted)


def _tells_more(kb: KnowledgeBase, text: str) -> bool:
    """Whether words sent while a question waits add facts (then they are more of the
    question, not a failed answer)."""
    try:
        return len(understand(kb, text).facts) > 0
    except BadQuestion:
        return False


def _built(
    kb: KnowledgeBase, thread: Thread, site_url: str | None, note: str = "", invalid: str = ""
) -> Reply:
    lang = thread.lang or Lang.EN
    quote = thread.texts[0] if thread.texts else ""
    try:
        found, consultation = thread.consult(kb)
    except BadQuestion:
        return Reply(lang, False, note=t(lang, "chat_empty"))
    if not found.in_scope and not thread.answers:
        thread.pending = None
        return Reply(
            lang,
            False,
            quote=quote,
            note=t(lang, "chat_out_of_scope"),
            understanding=found,
            consultation=consultation,
        )
    question = follow_up(consultation, thread)
    thread.pending = question
    cites = CitationIndex(kb, lang)
    framework = consultation.result.facts.context.get(FRAMEWORK)
    listed = consultation.checklist().candidates
    causes = [
        _cause(kb, c, lang, framework.value if framework else None, cites, site_url)
        for c in listed[:TOP]
    ]
    return Reply(
        lang,
        True,
        quote=quote,
        causes=causes,
        more=max(0, len(listed) - TOP),
        follow_up=_shown(kb, question, lang) if question else None,
        sources=cites.entries(),
        note=note if causes else " ".join(filter(None, [note, t(lang, "chat_no_cause")])),
        invalid=invalid,
        understanding=found,
        consultation=consultation,
    )


_Key = tuple[int, Signature, frozenset[str]]
_FOLLOW_UPS: dict[_Key, Question | None] = {}
_REMEMBERED = 4096  # follow-up choices kept; the core's own memos keep as many fact sets


def follow_up(consultation: Consultation, thread: Thread) -> Question | None:
    """The core's next question, if it asks one: never one already answered in this
    thread (a "not sure" adds no fact, so the core would ask it again), never past the
    interview's budget, and, in place of the opening "what do you see?" that the user's
    message already answered, the best single question of the checklist. The choice
    depends only on the facts and the questions answered, so it is remembered for them
    (planning it is most of a reply's time)."""
    if len(thread.answers) >= BUDGET - 1:  # the message itself stood for the opening
        return None
    asked = frozenset(a.question.name for a in thread.answers)
    facts = consultation.runs[0].facts  # a chat consultation has one run
    key = (id(consultation.kb), facts.signature(), asked)
    if key not in _FOLLOW_UPS:
        if len(_FOLLOW_UPS) >= _REMEMBERED:
            _FOLLOW_UPS.clear()
        _FOLLOW_UPS[key] = _planned(consultation, asked)
    return _FOLLOW_UPS[key]


def _planned(consultation: Consultation, asked: frozenset[str]) -> Question | None:
    step = consultation.next_step().step
    if isinstance(step, Conclude):
        return None
    if step.question.kind is not Kind.OPENING and step.question.name not in asked:
        return step.question
    probes = consultation.checklist().questions
    return next((p.question for p in probes if p.question.name not in asked), None)


def _cause(
    kb: KnowledgeBase,
    candidate: Candidate,
    lang: Lang,
    framework: object,
    cites: CitationIndex,
    site_url: str | None,
) -> Cause:
    lesson = candidate.lesson
    fired = reasons(candidate.diagnosis) if candidate.diagnosis else []
    steps = [
        StepShown(
            step.text.get(lang),
            # Code only for a known framework: every framework's would not fit a chat
            # message; the page behind the link has them all.
            [
                replace(s, code=_clipped(s.code), wrong=None)
                for s in framework_snippets(step, framework)
            ]
            if framework is not None
            else [],
        )
        for step in lesson.steps[:FIRST_STEPS]
    ]
    return Cause(
        lesson.id,
        lesson.title.get(lang),
        standing_word(kb, candidate, lang),
        fired[0].rule.because.get(lang) if fired else lesson.summary.get(lang),
        steps,
        page_url(site_url, lang, "lessons", lesson.id),
        cites.marks(lesson.sources[:CITED]),
    )


def _clipped(code: str) -> str:
    lines = code.rstrip().splitlines()
    return "\n".join(lines[:CODE_LINES] + (["..."] if len(lines) > CODE_LINES else []))


def _shown(kb: KnowledgeBase, question: Question, lang: Lang) -> FollowUp:
    shown = show(kb, question, lang)
    typed = len(shown.options) == 1  # only "0 not sure": a number question
    hint = t(lang, "chat_reply_number" if typed else "chat_reply_with")
    if shown.hint:
        hint = f"{shown.hint} {hint}"
    return FollowUp(question.name, shown.text, hint, shown.options, typed)


async def answer_text(
    kb: KnowledgeBase,
    store: ThreadStore,
    platform: str,
    room: str,
    thread: str,
    text: str,
    lang: Lang | None,
    site_url: str | None,
) -> str:
    """The Markdown reply to ``text`` in a chat thread, its state kept in ``store``: a
    numbered reply to the thread's pending question answers it. For platforms whose bot
    receives plain messages (Matrix)."""
    from troubleshoot.frontends.chat.markdown import to_markdown
    from troubleshoot.frontends.chat.worker import in_worker

    def work() -> str:
        state = store.load(platform, room, thread) or Thread(lang=lang)
        built = reply(kb, state, text, site_url)
        store.save(platform, room, thread, state)
        return to_markdown(built)

    return await in_worker(work)
