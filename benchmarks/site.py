"""How long ``troubleshoot site build`` takes for the whole site, next to ``mkdocs build``
of the same Markdown.

The site's pages are exported as the Markdown they are rendered from (every symptom, lesson
and source page and the home and index pages in both languages, plus README.md and docs/)
into a MkDocs project with its default theme and search plugin, and built with
``mkdocs build``. Each round runs every command once, in its own child process, in a
shuffled order; the table gives medians. A second table splits one in-process build of
troubleshoot's site into its parts. Results go to ``docs/benchmarks/site.md``.

    pip install -e '.[site,bench]'
    python benchmarks/site.py               # 5 rounds
    python benchmarks/site.py --rounds 1    # a quick look
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe, publish

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "benchmarks" / "site.md"
sys.path.insert(0, str(REPO))

from troubleshoot.frontends.site.build import build_site, guide_files, pages  # noqa: E402
from troubleshoot.frontends.site.examples import example_charts  # noqa: E402
from troubleshoot.frontends.site.search import index_site  # noqa: E402
from troubleshoot.knowledge.load import load_kb  # noqa: E402
from troubleshoot.lang import Lang  # noqa: E402
from troubleshoot.render.site_html import Links, page_html  # noqa: E402

EXAMPLES = [REPO / "tests" / "fixtures" / name for name in ("reallogs", "caffenet-benchmark")]


def export_markdown(folder: Path) -> int:
    """The Markdown of every page of the site, as a MkDocs project; returns the page count."""
    kb = load_kb(REPO / "kb")
    docs = folder / "docs"
    count = 0
    for lang in Lang:
        for page in pages(kb, lang, guide_files(REPO), {}):
            target = docs / lang.value / page.path / "index.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.markdown, encoding="utf-8")
            count += 1
    (folder / "mkdocs.yml").write_text(
        "site_name: troubleshoot\nuse_directory_urls: true\n", encoding="utf-8"
    )
    return count


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one command (CPU counts its own children, such as
    Pagefind, and is less swayed than the wall clock by other work on a shared machine)."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def parts() -> list[tuple[str, float]]:
    """One build in this process, step by step (the knowledge base already loaded)."""
    kb = load_kb(REPO / "kb")
    guides = guide_files(REPO)
    links = Links(frozenset(kb.symptoms), frozenset(kb.lessons), frozenset(kb.sources))
    found = []
    start = time.perf_counter()
    example_charts(kb, EXAMPLES)
    found.append(("charts of the example logs (read, detect, diagnose, matplotlib)", start))
    start = time.perf_counter()
    every = [page for lang in Lang for page in pages(kb, lang, guides, {})]
    found.append(("Markdown of every page (jinja2, ranking each symptom's causes)", start))
    start = time.perf_counter()
    for page in every:
        page_html(page, links)
    found.append(("HTML of every page (markdown-it-py, links, tabs, layout)", start))
    times = []
    for i, (name, began) in enumerate(found):
        ended = found[i + 1][1] if i + 1 < len(found) else time.perf_counter()
        times.append((name, ended - began))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        build_site(kb, out, REPO, [])
        start = time.perf_counter()
        index_site(out)
        times.append(("Pagefind index (both languages)", time.perf_counter() - start))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    python = sys.executable
    load = os.getloadavg()[0]  # a shared machine: other work slows every command alike
    mkdocs = [python, "-m", "mkdocs", "build", "--quiet", "--site-dir"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = folder / "mkdocs"
        project.mkdir()
        count = export_markdown(project)
        commands = {
            "troubleshoot site build (pages, charts, Pagefind)": (
                [python, "-m", "troubleshoot", "site", "build", str(folder / "a")],
                REPO,
            ),
            "troubleshoot site build --no-search": (
                [python, "-m", "troubleshoot", "site", "build", str(folder / "b"), "--no-search"],
                REPO,
            ),
            "mkdocs build (default theme and search)": ([*mkdocs, str(folder / "c")], project),
        }
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            order = list(commands)
            random.shuffle(order)
            for name in order:
                wall, used = run(*commands[name])
                seconds[name].append(wall)
                cpu[name].append(used)
        built = sum(1 for lang in Lang for _ in (folder / "a" / lang.value).rglob("index.html"))
    lines = [
        "# Building the documentation site",
        "",
        "Written by `benchmarks/site.py`; rerun it to refresh these numbers.",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {describe()}",
        f"- Command: `python benchmarks/site.py --rounds {args.rounds}`",
        f"- Load average (1 min) when it started: {load:.1f}, on {os.cpu_count()} cores.",
        f"- {args.rounds} rounds; each runs every command once, in a shuffled order, in its "
        "own process. Wall-clock times run from process start to exit; CPU is the user and "
        "system time of the process and its children (Pagefind runs several threads), less "
        "swayed by other work on a shared machine.",
        f"- The site: {built} pages (both languages). MkDocs builds the {count} Markdown "
        "pages the site renders (the same templates' output, exported before timing), so its "
        "time covers Markdown to HTML, its theme and its search index, but not rendering the "
        "pages from the knowledge base, the charts or Chinese segmentation.",
        "",
        "| command | median s | min s | median CPU s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, values in seconds.items():
        lines.append(
            f"| `{name}` | {statistics.median(values):.2f} | {min(values):.2f} "
            f"| {statistics.median(cpu[name]):.2f} |"
        )
    lines += [
        "",
        "## Where troubleshoot's build spends its time",
        "",
        "One build in a single process, step by step (the knowledge base already loaded):",
        "",
        "| step | s |",
        "| --- | ---: |",
    ]
    lines += [f"| {name} | {value:.2f} |" for name, value in parts()]
    publish("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
