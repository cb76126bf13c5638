"""Run an interview with a person at a terminal, or with a script, and end with the guide.

The dialog goes to stderr and the guide to stdout (or ``--output``), so that
``troubleshoot interview > guide.md`` works. Replies come from the terminal, from lines on
a non-terminal stdin, or from an answers file; the last two never wait for a person: a
question they do not answer is an error that names it. The state file is written after
every answer, so Ctrl-C, a closed terminal (SIGHUP) or end of input lose nothing.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text

from troubleshoot.consult.belief import Model, model_for
from troubleshoot.consult.checklist import shortlist
from troubleshoot.consult.consultation import Request, consult, consult_facts
from troubleshoot.consult.errors import os_problem
from troubleshoot.consult.gather import RunEvidence, RunSplit
from troubleshoot.consult.questions import Question
from troubleshoot.consult.select import Ask, Conclude, Situation, situation
from troubleshoot.consult.session import Answer, Session, Value
from troubleshoot.facts import FactSet
from troubleshoot.frontends.i18n import t
from troubleshoot.frontends.interview import state
from troubleshoot.frontends.interview.answers import (
    Browse,
    Command,
    Invalid,
    Reply,
    command,
    parse,
)
from troubleshoot.frontends.interview.answers_file import AnswerBook, read_answers
from troubleshoot.frontends.interview.explain import (
    answer_text,
    fact_text,
    how,
    ranking,
    show,
    why,
)
from troubleshoot.knowledge.load import KnowledgeBase, cached_kb
from troubleshoot.lang import Lang
from troubleshoot.render.cjk import wrap_cells
from troubleshoot.render.guide import render_guide
from troubleshoot.render.i18n import say
from troubleshoot.render.output import OutputFormat, render
from troubleshoot.render.terminal import write_guide


class InterviewError(Exception):
    """A problem to report as an error (exit 2): a missing answer, a bad state file."""


class Stopped(Exception):
    """The interview stops before its end; the answers so far are saved."""

    def __init__(self, reason: str, code: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class InterviewArgs:
    """What the ``interview`` command was given."""

    kb_path: Path | None = None
    paths: Sequence[Path] = ()
    facts_file: Path | None = None
    symptoms: Sequence[str] = ()
    context: Sequence[str] = ()
    absent: Sequence[str] = ()
    answers: Path | None = None
    skip_missing: bool = False
    state: Path | None = None
    resume: bool = False
    output: Path | None = None
    lang: Lang | None = None


@dataclass
class Dialog:
    session: Session
    lang: Lang
    err: Console
    out: TextIO
    read_line: Callable[[], str]
    interactive: bool
    state_path: Path | None = None
    book: AnswerBook | None = None
    skip_missing: bool = False
    output: Path | None = None
    evidence: RunEvidence | None = None  # what was read with --from, for the guide
    model: Model = field(init=False)

    def __post_init__(self) -> None:
        self.model = model_for(self.session.kb)

    @property
    def kb(self) -> KnowledgeBase:
        return self.session.kb

    def say(self, text: str, style: str = "", hang: int = 0) -> None:
        """A line of the dialog, wrapped to the terminal's width where a line may break
        (between words, between Chinese characters), continued ``hang`` columns in; a pipe
        gets it whole."""
        lines = [text]
        if self.err.is_terminal:
            first = wrap_cells(text, self.err.width)[0]
            rest = text[len(first) :].strip()
            more = wrap_cells(rest, self.err.width - hang) if rest else []
            lines = [first, *(" " * hang + line for line in more)]
        for line in lines:
            self.err.print(Text(line, style=style), highlight=False, soft_wrap=True)

    def run(self) -> int:
        """Ask until the conclusion, then write the guide; the exit code."""
        self.save()
        try:
            with _hangup_raises():
                self._loop()
        except KeyboardInterrupt:
            return self._stopped(Stopped("interrupted", 130))
        except Stopped as stop:
            return self._stopped(stop)
        self._guide()
        return 0

    def save(self, finished: bool = False) -> None:
        if self.state_path is not None:
            saved = state.Saved(
                self.kb.path, self.lang, self.session.given, self.session.history, finished
            )
            state.save(self.state_path, saved)

    def _stopped(self, stop: Stopped) -> int:
        """Say where the answers are; a terminal that is gone cannot be told, and the
        answers were saved when they were given."""
        with suppress(OSError):
            self.err.print()
            self.say(t(self.lang, stop.reason))
            if self.state_path is None:
                self.say(t(self.lang, "not_saved"))
                return stop.code
            self.say(t(self.lang, "saved", path=self.state_path))
            resume = "troubleshoot interview --resume"
            if self.state_path != state.default_path():
                resume += f" --state {self.state_path}"
            self.say(t(self.lang, "resume_hint", command=resume))
        return stop.code

    def _loop(self) -> None:
        while True:
            now = situation(self.model, self.session)
            if isinstance(now.step, Conclude):
                self._conclusion(now, now.step)
                if not self.interactive or not self._end_prompt(now):
                    return
                continue
            value = self._ask(now)
            if not isinstance(value, _Back):
                assert isinstance(now.step, Ask)
                self.session.record(Answer(now.step.question, value))
                self.save()

    def _show(self, question: Question, page: str = "") -> None:
        known = bool(self.session.known().present_symptoms())
        shown = show(self.kb, question, self.lang, known, page)
        self.err.print()
        if not page:
            self.say(t(self.lang, "question", n=len(self.session.history) + 1), "bold")
            self.say(shown.text, "bold")
        if shown.hint:
            self.say(shown.hint)
        for i, (number, label) in enumerate(shown.options):
            if i in shown.groups:
                self.say(f"  {shown.groups[i]}:", "italic")
            self.say(f"  {number:>3}  {label}", hang=7)

    def _ask(self, now: Situation) -> Value | _Back:
        assert isinstance(now.step, Ask)
        question = now.step.question
        self._show(question)
        if self.book is not None:
            return self._from_book(question)
        while True:
            typed = self._read(question)
            parsed = parse(self.kb, question, typed, self.lang)
            if isinstance(parsed, Reply):
                if not self.interactive or not _numbers_only(typed):
                    self.say(t(self.lang, "answered", answer=self._answer(question, parsed.value)))
                return parsed.value
            if isinstance(parsed, Invalid):
                self.say(parsed.message)
            elif isinstance(parsed, Browse):
                self._show(question, parsed.page)
            elif parsed is Command.BACK and self._back():
                return _BACK
            else:
                self._command(parsed, now)
                self._show(question)  # the question again, below what the command printed

    def _command(self, parsed: Command, now: Situation) -> None:
        if parsed is Command.WHY:
            self._lines(why(self.kb, now, self.lang))
        elif parsed is Command.HOW:
            self._lines(how(self.kb, now, self.lang))
        elif parsed is Command.HELP:
            self._lines(t(self.lang, "help").splitlines())
        elif parsed is Command.QUIT:
            raise Stopped("quit", 0)

    def _lines(self, lines: list[str]) -> None:
        """An answer to a command; an indented line goes on indented when it wraps."""
        self.err.print()
        for line in lines:
            indent = len(line) - len(line.lstrip(" "))
            self.say(line, hang=indent + 2 if indent else 0)

    def _back(self) -> bool:
        answer = self.session.back()
        if answer is None:
            self.say(t(self.lang, "back_none"))
            return False
        self.save()
        known = bool(self.session.known().present_symptoms())
        text = show(self.kb, answer.question, self.lang, known).text
        self.say(t(self.lang, "back_done", question=text))
        return True

    def _from_book(self, question: Question) -> Value:
        assert self.book is not None
        try:
            value = self.book.lookup(self.kb, question)
        except KeyError:
            if not self.skip_missing:
                text = show(self.kb, question, self.lang).text
                raise InterviewError(
                    t(
                        self.lang,
                        "missing_answer",
                        ref=question.name,
                        text=text,
                        file=self.book.path,
                        name=question.name,
                    )
                ) from None
            value = None
        self.say(t(self.lang, "answered", answer=self._answer(question, value)))
        return value

    def _answer(self, question: Question, value: Value) -> str:
        return answer_text(self.kb, question, value, self.lang)

    def _read(self, question: Question) -> str:
        self.err.print("> ", end="")
        try:
            return self.read_line()
        except EOFError:
            if self.interactive:
                raise Stopped("input_ended", 130) from None
            self.err.print()
            text = show(self.kb, question, self.lang).text
            raise InterviewError(
                t(self.lang, "missing_input", ref=question.name, text=text)
            ) from None

    def _conclusion(self, now: Situation, step: Conclude) -> None:
        self.err.print()
        self.say(t(self.lang, "conclusion", n=len(self.session.history)), "bold")
        self.say(t(self.lang, f"reason_{step.reason.value}"))
        for line in ranking(shortlist(self.kb, self.session.facts(), now), self.lang):
            self.say(line)
        self.save(finished=True)

    def _end_prompt(self, now: Situation) -> bool:
        """After the conclusion: True if the person went back to change an answer."""
        while True:
            self.say(t(self.lang, "end_prompt"))
            self.err.print("> ", end="")
            try:
                word = command(self.read_line())
            except EOFError:
                return False
            if word is Command.HOW:
                self._lines(how(self.kb, now, self.lang))
            elif word is Command.BACK:
                if self._back():
                    return True
            else:
                return False

    def _guide(self) -> None:
        consultation = consult_facts(self.kb, self.session.facts(), self.evidence)
        fmt = OutputFormat.for_path(self.output) if self.output else OutputFormat.MD
        text = render(consultation, render_guide(consultation, self.lang), fmt, self.lang)
        self.save(finished=True)
        if self.output is not None:
            try:
                self.output.write_text(text, encoding="utf-8")
            except OSError as exc:
                problem = say(os_problem(exc), self.lang)
                raise InterviewError(
                    t(self.lang, "cannot_write", path=self.output, problem=problem)
                ) from None
            self.say(t(self.lang, "wrote", path=self.output))
        else:
            write_guide(text, fmt, self.out)


class _Back:
    """The answer to the last question was withdrawn: ask again."""


def _numbers_only(typed: str) -> bool:
    """A reply of numbers needs no echo; words are echoed with what they were taken for."""
    return all(ch.isdigit() or ch.isspace() or ch in ",，、;；" for ch in typed.strip())


_BACK = _Back()


@contextmanager
def _hangup_raises() -> Iterator[None]:
    """A closed terminal (SIGHUP) stops the interview like Ctrl-C, keeping the answers."""
    if not hasattr(signal, "SIGHUP"):
        yield
        return

    def hangup(_signum: int, _frame: object) -> None:
        raise Stopped("hangup", 129)

    previous = signal.signal(signal.SIGHUP, hangup)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


def _stdin_line() -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line


def start(args: InterviewArgs, err: Console) -> Dialog:
    """Build the dialog: a new interview from the given facts, or a saved one resumed."""
    interactive = args.answers is None and sys.stdin.isatty()
    state_path = args.state or (state.default_path() if interactive or args.resume else None)
    if args.resume:
        assert state_path is not None
        if args.paths or args.facts_file or args.symptoms or args.context or args.absent:
            raise InterviewError(t(args.lang or Lang.EN, "resume_conflict"))
        try:
            saved = state.load(state_path)
        except state.StateError as exc:
            raise InterviewError(t(args.lang or Lang.EN, str(exc), path=state_path)) from None
        kb = cached_kb(args.kb_path or saved.kb)
        lang = args.lang or saved.lang
        evidence = None
        session = Session(kb, saved.given, saved.history)
        err.print(Text(t(lang, "resuming", path=state_path, n=len(saved.history))), highlight=False)
        if saved.finished:
            err.print(Text(t(lang, "finished")), highlight=False)
    else:
        kb = cached_kb(args.kb_path)
        lang = args.lang or Lang.EN
        # The interview is about one problem: files given with --from are one run.
        request = Request(
            args.paths, args.facts_file, args.symptoms, args.context, args.absent, RunSplit.ONE
        )
        consultation = consult(kb, request)
        for warning in consultation.warnings:
            err.print(Text(t(lang, "warning", text=say(warning, lang))), highlight=False)
        evidence = consultation.runs[0].evidence
        session = Session(kb, consultation.runs[0].facts)
        if state_path is not None:
            _keep_unfinished(state_path, lang, err)
    book = read_answers(kb, args.answers, lang) if args.answers else None
    if interactive:
        _line_editing()
    dialog = Dialog(
        session=session,
        lang=lang,
        err=err,
        out=sys.stdout,
        read_line=input if interactive else _stdin_line,
        interactive=interactive,
        state_path=state_path,
        book=book,
        skip_missing=args.skip_missing,
        output=args.output,
        evidence=evidence,
    )
    if not args.resume:
        dialog.say(t(lang, "title"), "bold")
        dialog.say(t(lang, "intro"))
        _show_known(dialog, session.facts())
    return dialog


def _show_known(dialog: Dialog, facts: FactSet) -> None:
    if len(facts):
        dialog.say(t(dialog.lang, "known"))
        for fact in facts:
            dialog.say("  - " + fact_text(dialog.kb, fact, dialog.lang, brief=True), hang=4)


def _keep_unfinished(path: Path, lang: Lang, err: Console) -> None:
    """Starting afresh never destroys an unfinished interview: it is moved aside."""
    try:
        previous = state.load(path)
    except state.StateError:
        return
    if not previous.finished and previous.history:
        backup = path.with_name(path.stem + ".previous" + path.suffix)
        path.replace(backup)
        err.print(Text(t(lang, "moved", path=path, backup=backup)), highlight=False)


def _line_editing() -> None:
    """Arrow keys and history at the prompt, where the platform has readline."""
    with suppress(ImportError):
        import readline  # noqa: F401


def main(args: InterviewArgs, err: Console) -> int:
    return start(args, err).run()
