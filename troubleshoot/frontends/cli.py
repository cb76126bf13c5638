"""The ``troubleshoot`` command. Commands stay thin: they parse, call, print."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.consult.errors import UnreadableInput
from troubleshoot.consult.gather import RunSplit
from troubleshoot.facts import Phrase, PhrasedError
from troubleshoot.lang import Lang, written_in
from troubleshoot.render.i18n import say, say_lines
from troubleshoot.render.output import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console
    from rich.table import Table

    from troubleshoot.knowledge.load import KnowledgeBase

# Each command imports what only it needs (the knowledge base's models, rich's tables, the
# engine, jinja2, the readers) when it runs: every invocation pays for this module's
# imports, and a command that reads no file should start about as fast as typer itself
# (docs/benchmarks/startup.md).

app = typer.Typer(
    help="Explain why deep-learning training goes wrong, with a cited remediation guide.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Inspect and check the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
site_app = typer.Typer(
    help="The knowledge base and the user guide as a static website.", no_args_is_help=True
)
app.add_typer(site_app, name="site")


@cache
def err() -> Console:
    """The console on stderr, made when first printed to (importing rich takes a while)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def print_table(table: Table) -> None:
    """A table on stdout: as wide as the terminal, or one line a row when piped (grep)."""
    from rich.console import Console

    table.columns[0].no_wrap = True  # the id, whole, so that it can be copied
    for column in table.columns[1:]:
        column.overflow = "fold"  # wrap a long title or question, never cut it short
    Console(width=None if sys.stdout.isatty() else 200).print(table)


KbOption = Annotated[
    Path | None, typer.Option("--kb", help="Knowledge-base folder (default: the bundled kb/).")
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the output.")]
# The facts a user can state directly; diagnose and interview take them alike.
SymptomOption = Annotated[
    list[str], typer.Option("--symptom", "-s", help="A symptom id that is present.")
]
ContextOption = Annotated[
    list[str], typer.Option("--context", "-c", help="A context fact, key=value.")
]
AbsentOption = Annotated[
    list[str], typer.Option("--absent", help="A symptom id known NOT to be present.")
]
# The documentation site's address (troubleshoot site build, docs/site.md): pages then link
# each lesson and symptom to its page there. One setting for every command that links.
SiteUrlOption = Annotated[
    str | None,
    typer.Option(
        "--site-url",
        envvar="TROUBLESHOOT_SITE_URL",
        help="Address of the documentation site, to link lessons to their pages.",
    ),
]
FactsOption = Annotated[
    Path | None, typer.Option("--facts", help="YAML file with symptoms/absent/context.")
]


def fail(message: str, code: int = 2, lang: Lang = Lang.EN) -> typer.Exit:
    from rich.markup import escape

    from troubleshoot.frontends.i18n import t

    err().print(f"[bold]{t(lang, 'error')}[/bold]{escape(message)}", highlight=False)
    return typer.Exit(code)


def problem(exc: Exception, lang: Lang) -> str:
    """What went wrong in ``lang``: the phrases of reading and vocabulary errors worded,
    other errors (already worded) as they say."""
    return say_lines(exc, lang) if isinstance(exc, PhrasedError) else str(exc)


def load(kb_path: Path | None) -> KnowledgeBase:
    from troubleshoot.knowledge.load import KnowledgeBaseError, cached_kb

    try:
        return cached_kb(kb_path)
    except KnowledgeBaseError as exc:
        raise fail(f"the knowledge base does not load:\n{exc}") from None


def check_writable(path: Path | None, lang: Lang = Lang.EN) -> None:
    """Refuse an output path that cannot be written before the work starts, not after."""
    from troubleshoot.frontends.i18n import t

    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        problem = t(lang, "no_folder", folder=folder)
    elif path.is_dir():
        problem = say(Phrase("os_is_folder"), lang)
    elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = say(Phrase("os_denied"), lang)
    else:
        return
    raise fail(t(lang, "cannot_write", path=path, problem=problem), lang=lang)


def write_output(text: str | Iterable[str], fmt: OutputFormat, output: Path | None) -> None:
    """``text``, or its pieces one by one, to stdout (drawn for a terminal) or ``output``."""
    from troubleshoot.render.terminal import write_guide

    if output is None:
        write_guide(text, fmt, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8") as stream:
            write_guide(text, fmt, stream)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    err().print(f"wrote {output}")


@app.command()
def diagnose(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Training logs, metric files or run folders.", show_default=False),
    ] = None,
    symptom: SymptomOption = [],  # noqa: B006 - typer reads the default
    context: ContextOption = [],  # noqa: B006
    absent: AbsentOption = [],  # noqa: B006
    facts: FactsOption = None,
    runs: Annotated[
        RunSplit,
        typer.Option(
            "--runs",
            help="How files form runs: auto (by folder and name), one (all one run), each.",
        ),
    ] = RunSplit.AUTO,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format", "-f", help="md: the guide; json: the contract (docs); html: a page."
        ),
    ] = OutputFormat.MD,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write a report with charts (.html/.md).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also say what could not be judged.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Every reason and step of each cause, with its mechanism and caveats."
        ),
    ] = False,
    lang: LangOption = Lang.EN,
    site_url: SiteUrlOption = None,
    kb_path: KbOption = None,
) -> None:
    """Rank the likely causes of what was observed and print a cited guide.

    Give training logs and metric files to read, or symptoms and context directly.
    """
    if not (paths or symptom or absent or context or facts):
        raise fail(
            "nothing to diagnose: give a training log, metrics file or run folder, or state "
            "what you see with --symptom/--context/--facts (troubleshoot diagnose --help)"
        )
    for target in (output, report):
        check_writable(target, lang)
    from troubleshoot.consult.consultation import Request, consult
    from troubleshoot.knowledge.vocab import UnknownTerm
    from troubleshoot.render.guide import render_guide
    from troubleshoot.render.output import render_pieces

    kb = load(kb_path)
    request = Request(paths or [], facts, symptom, context, absent, runs, charts=bool(report))
    if paths:
        from troubleshoot.frontends.summary import print_summary, progress_bar
    try:
        with progress_bar(err()) if paths else nullcontext() as progress:
            consultation = consult(kb, request, progress)
    except (UnreadableInput, UnknownTerm, ValueError) as exc:
        raise fail(problem(exc, lang), lang=lang) from None
    if paths and not quiet:
        print_summary(err(), consultation, lang, verbose)
    guide = render_guide(consultation, lang, full=full, site_url=site_url)
    write_output(render_pieces(consultation, guide, fmt, lang), fmt, output)
    if report:
        from troubleshoot.render.report import write_report

        whole = guide if full else render_guide(consultation, lang, full=True, site_url=site_url)
        try:
            written = write_report(report, consultation, whole, lang)
        except OSError as exc:
            raise fail(f"cannot write {report}: {exc.strerror or exc}") from None
        for path in written:
            err().print(f"wrote {path}")


@app.command()
def scan(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            help="Folders of runs, globs, run files or URLs (s3://, gs://, file://); - reads "
            "a list of them from stdin.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The table of runs: a .parquet or .csv file."),
    ] = Path("runs.csv"),
    paths_from: Annotated[
        Path | None,
        typer.Option("--paths-from", help="A file listing targets, one a line (- for stdin)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the summary here (.html or .md), not to stdout."),
    ] = None,
    guides: Annotated[
        bool, typer.Option(help="Write each run's guide to guides/ beside the table.")
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Diagnose every run again, changed or not.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on this Dask scheduler (tcp://host:8786)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Run on a local Dask cluster of N worker processes."),
    ] = None,
    lang: LangOption = Lang.EN,
    kb_path: KbOption = None,
) -> None:
    """Diagnose every run of a fleet, one by one: a table, a guide per run, a summary.

    A run already diagnosed and unchanged since the last scan (same files, sizes and times,
    same knowledge base) is not diagnosed again.
    """
    from functools import partial

    from troubleshoot.consult import fleet
    from troubleshoot.render import table_out

    listed = list(targets or [])
    if "-" in listed or paths_from is not None:
        source = sys.stdin if "-" in listed or str(paths_from) == "-" else None
        lines = source.readlines() if source else _read_list(paths_from)
        listed = [t for t in listed if t != "-"] + fleet.read_paths(lines)
    if not listed:
        raise fail("nothing to scan: give folders of runs, globs, files or URLs")
    if output.suffix.lower() not in (".parquet", ".csv"):
        raise fail(f"{output}: the table is written as .parquet or .csv")
    for target in (output, report):
        check_writable(target, lang)
    load(kb_path)  # a knowledge base that does not load is one error, not one per run
    try:
        runs = fleet.find_runs(listed)
    except UnreadableInput as exc:
        raise fail(problem(exc, lang), lang=lang) from None
    state_path = output.with_name(output.name + ".state.json")
    # What a kept result depends on besides the run: the knowledge base, the language of
    # its words, and whether it holds a guide.
    kb_version = f"{fleet.kb_version(kb_path)}:{lang.value}:{'guides' if guides else ''}"
    state = fleet.ScanState(state_path, kb_version)
    if not force:
        state = fleet.ScanState.load(state_path, kb_version)
    job = fleet.ScanJob(
        partial(table_out.describe, lang=lang, guide=guides), partial(say_lines, lang=lang), kb_path
    )
    from troubleshoot.frontends.summary import runs_bar

    distributed = scheduler is not None or workers is not None
    try:
        with (
            fleet.dask_client(scheduler, workers or 1) if distributed else nullcontext() as client,
            runs_bar(err(), len(runs)) as step,
        ):
            results = fleet.scan(runs, job, state, client, step)
    except UnreadableInput as exc:
        raise fail(problem(exc, lang), lang=lang) from None
    written = table_out.write_guides(results, output.parent / "guides") if guides else {}
    table_out.write_table(table_out.rows(results, written, output.parent), output)
    err().print(f"wrote {output}")
    page = table_out.summary(results, written, lang, (report or output).parent)
    if report is not None and report.suffix.lower() in (".html", ".htm"):
        from troubleshoot.render.html import html_page
        from troubleshoot.render.i18n import STRINGS

        page = html_page(page, STRINGS[lang]["scan_title"], lang)
    write_output(page, OutputFormat.MD, report)


def _read_list(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror or exc}") from None


@app.command()
def interview(
    paths: Annotated[
        list[Path],
        typer.Option("--from", help="A log or metrics file to read first (repeatable)."),
    ] = [],  # noqa: B006
    symptom: SymptomOption = [],  # noqa: B006
    context: ContextOption = [],  # noqa: B006
    absent: AbsentOption = [],  # noqa: B006
    facts: FactsOption = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="YAML file of answers (symptom id or context key: answer)."),
    ] = None,
    skip_missing: Annotated[
        bool, typer.Option(help="With --answers: treat unanswered questions as 'not sure'.")
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(help="Where to keep the answers (default ~/.local/state/troubleshoot)."),
    ] = None,
    resume: Annotated[bool, typer.Option(help="Continue the saved interview.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Save the guide (.md, .html, .json).")
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Language of the interview.")] = None,
    kb_path: KbOption = None,
) -> None:
    """Ask only the questions that tell the likely causes apart, then print the guide.

    Type why, how, back, 0 (not sure) or quit at any question.
    """
    from troubleshoot.frontends.i18n import t
    from troubleshoot.frontends.interview.terminal import InterviewArgs, InterviewError, main
    from troubleshoot.knowledge.load import KnowledgeBaseError
    from troubleshoot.knowledge.vocab import UnknownTerm

    check_writable(output, lang or Lang.EN)
    try:
        args = InterviewArgs(
            kb_path=kb_path,
            paths=paths,
            facts_file=facts,
            symptoms=symptom,
            context=context,
            absent=absent,
            answers=answers,
            skip_missing=skip_missing,
            state=state,
            resume=resume,
            output=output,
            lang=lang,
        )
        code = main(args, err())
    except KnowledgeBaseError as exc:
        raise fail(t(lang or Lang.EN, "kb_broken", problem=exc), lang=lang or Lang.EN) from None
    except (InterviewError, UnreadableInput, UnknownTerm, ValueError) as exc:
        raise fail(problem(exc, lang or Lang.EN), lang=lang or Lang.EN) from None
    raise typer.Exit(code)


@app.command()
def ask(
    question: Annotated[
        str,
        typer.Argument(
            help="What your training does, in your own words (English or Chinese), possibly "
            "with pasted log lines or a traceback; - reads it from stdin.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="md: the guide; json: the contract (docs)."),
    ] = OutputFormat.MD,
    full: Annotated[
        bool, typer.Option("--full", help="Every reason and step of each cause.")
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of the output; by default the question's own."),
    ] = None,
    kb_path: KbOption = None,
) -> None:
    """Answer a question asked in your own words: the likely causes and what to do.

    troubleshoot ask "loss becomes nan after 2000 iterations, caffe, lr 0.1"
    """
    from troubleshoot.consult.freetext import MAX_CHARS, BadQuestion, consult_text, text_of
    from troubleshoot.frontends.i18n import t
    from troubleshoot.render.guide import render_guide
    from troubleshoot.render.output import render

    try:
        text = text_of(sys.stdin.buffer.read()) if question == "-" else question
    except UnreadableInput as exc:
        raise fail(problem(exc, lang or Lang.EN), lang=lang or Lang.EN) from None
    lang = lang or written_in(text)
    kb = load(kb_path)
    try:
        found, consultation = consult_text(kb, text)
    except BadQuestion as exc:
        raise fail(t(lang, f"ask_{exc.problem}", limit=MAX_CHARS)) from None
    if found.in_scope:
        guide = render_guide(consultation, lang, full=full)
    else:
        guide = t(lang, "ask_out_of_scope") + "\n"
    write_output(render(consultation, guide, fmt, lang, query=found), fmt, None)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    config: Annotated[
        Path | None,
        typer.Option(help="A TOML file with a \\[chat] table; environment variables win."),
    ] = None,
    kb_path: KbOption = None,
) -> None:
    """Serve Slack, Mattermost and a JSON API over HTTP (docs/chat.md).

    troubleshoot serve --host 127.0.0.1 --port 8080 --config troubleshoot.toml
    """
    try:
        from troubleshoot.frontends.chat.config import ConfigError, load_settings
        from troubleshoot.frontends.chat.server import serve as run
    except ImportError as exc:
        raise fail(f"{exc.name} is missing: pip install 'troubleshoot[chat]'") from None
    try:
        settings = load_settings(config, os.environ)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    run(load(kb_path), settings, host, port)


@kb_app.command("lint")
def kb_lint(
    kb_path: KbOption = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            help="Folder with lessons.yaml and symptoms.yaml (default: the kb's catalogue/)."
        ),
    ] = None,
) -> None:
    """Check the knowledge base; exit 1 if anything is wrong."""
    from troubleshoot.engine.lint import lint_path

    report = lint_path(kb_path, catalogue)
    for line in report.errors:
        print(line)
    for line in report.coverage:
        print(f"coverage: {line}")
    print(f"{len(report.errors)} problem(s)")
    if not report.ok:
        raise typer.Exit(1)


@kb_app.command("list")
def kb_list(
    kind: Annotated[str | None, typer.Option(help="diagnosis, practice or explainer")] = None,
    lang: LangOption = Lang.EN,
    kb_path: KbOption = None,
) -> None:
    """List the lessons."""
    from troubleshoot.frontends.vocabulary import lesson_table

    print_table(lesson_table(load(kb_path), lang, kind))


@kb_app.command("symptoms")
def kb_symptoms(lang: LangOption = Lang.EN, kb_path: KbOption = None) -> None:
    """List the symptom ids that -s, --absent and facts files accept."""
    from troubleshoot.frontends.vocabulary import symptom_table

    print_table(symptom_table(load(kb_path), lang))


@kb_app.command("context")
def kb_context(lang: LangOption = Lang.EN, kb_path: KbOption = None) -> None:
    """List the context keys that -c key=value accepts, with their allowed values."""
    from troubleshoot.frontends.vocabulary import context_table

    print_table(context_table(load(kb_path), lang))


@kb_app.command("show")
def kb_show(
    item: Annotated[str, typer.Argument(help="A lesson id or a symptom id.")],
    lang: LangOption = Lang.EN,
    site_url: SiteUrlOption = None,
    kb_path: KbOption = None,
) -> None:
    """Show one lesson or symptom (Markdown, drawn when printed to a terminal)."""
    from troubleshoot.render.pages import lesson_page, symptom_page

    kb = load(kb_path)
    if item in kb.lessons:
        text = lesson_page(kb, kb.lessons[item], lang, site_url)
    elif item in kb.symptoms:
        text = symptom_page(kb, kb.symptoms[item], lang, site_url=site_url)
    else:
        from difflib import get_close_matches

        close = get_close_matches(item, [*kb.lessons, *kb.symptoms], n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise fail(f"no lesson or symptom '{item}'.{hint}")
    from troubleshoot.render.terminal import write_guide

    write_guide(text, OutputFormat.MD, sys.stdout)


def _checkout() -> Path | None:
    """The repository this package runs from, if it is a checkout (README.md beside it)."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "README.md").is_file() and (root / "docs").is_dir() else None


@site_app.command("build")
def site_build(
    out: Annotated[Path, typer.Argument(help="Folder to write the site into.")],
    docs: Annotated[
        Path | None,
        typer.Option(help="Folder with README.md and docs/ (default: this checkout's)."),
    ] = None,
    examples: Annotated[
        list[Path],
        typer.Option(
            help="Folder of real logs whose charts illustrate the symptoms, repeatable "
            "(default: this checkout's tests/fixtures/reallogs, caffenet-benchmark and corpus)."
        ),
    ] = [],  # noqa: B006 - typer reads the default
    search: Annotated[bool, typer.Option(help="Build the search index (Pagefind).")] = True,
    kb_path: KbOption = None,
) -> None:
    """Render the knowledge base and the user guide as a static site, in English and Chinese."""
    from troubleshoot.frontends.site.build import build_site
    from troubleshoot.frontends.site.search import SearchUnavailable, index_site
    from troubleshoot.knowledge.load import KnowledgeBaseError

    kb = load(kb_path)
    checkout = _checkout()
    if not examples and checkout is not None:
        fixtures = checkout / "tests" / "fixtures"
        examples = [fixtures / name for name in ("reallogs", "caffenet-benchmark", "corpus")]
    try:
        written = build_site(kb, out, docs or checkout, examples)
        if search:
            index_site(out)
    except KnowledgeBaseError as exc:
        raise fail(f"the knowledge base does not load:\n{exc}") from None
    except (SearchUnavailable, OSError) as exc:
        raise fail(str(exc)) from None
    err().print(f"wrote {len(written)} pages to {out}")


@site_app.command("serve")
def site_serve(
    folder: Annotated[Path, typer.Argument(help="A built site.")] = Path("site"),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free one).")] = 8000,
) -> None:
    """Preview a built site at http://127.0.0.1:PORT/ (Ctrl-C stops)."""
    from troubleshoot.frontends.site.serve import server

    if not (folder / "index.html").is_file():
        raise fail(f"no site in {folder}: build it first with troubleshoot site build {folder}")
    try:
        httpd = server(folder, port)
    except OSError as exc:
        raise fail(f"cannot serve on port {port}: {exc.strerror or exc}") from None
    host, bound = httpd.server_address[:2]
    err().print(f"serving {folder} at http://{host!s}:{bound}/ (Ctrl-C stops)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
