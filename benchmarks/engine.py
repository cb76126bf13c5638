"""How long the knowledge base takes to load and compile, and one diagnosis takes.

Run: .venv/bin/python benchmarks/engine.py [--out docs/benchmarks/engine.md]
Numbers are medians over repeated runs on this machine; the table goes into docs/.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from troubleshoot.engine.compile import compile_rules
from troubleshoot.engine.diagnose import _POOL, diagnose
from troubleshoot.engine.lint import example_facts, iter_examples
from troubleshoot.knowledge.load import cached_kb, load_kb


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def diagnose_all(kb, cases) -> None:
    """Each case through the engine: the per-process memo of fact sets already seen is
    emptied first, or every repeat would be a lookup."""
    _POOL.memo.clear()
    for case in cases:
        diagnose(case, kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    kb = cached_kb()
    rules = sum(len(x.rules) for x in kb.diagnoses())
    cases = [example_facts(example) for _, _, _, example in iter_examples(kb)]
    diagnose(cases[0], kb)  # warm: compile once, as a long-running process would
    rows = [
        ("load and validate kb/ (YAML + pydantic)", median_seconds(load_kb, 5)),
        (
            "compile rules into an experta engine class",
            median_seconds(lambda: compile_rules(kb), 5),
        ),
        (
            f"one diagnosis (mean over {len(cases)} example fact sets)",
            median_seconds(lambda: diagnose_all(kb, cases), 3) / len(cases),
        ),
        (
            "whole CLI run: `troubleshoot diagnose -s loss-nan -f json` (process start to exit)",
            median_seconds(
                lambda: subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "troubleshoot",
                        "diagnose",
                        "-s",
                        "loss-nan",
                        "-f",
                        "json",
                    ],
                    capture_output=True,
                    check=True,
                ),
                5,
            ),
        ),
    ]
    lines = [
        "# Engine benchmark",
        "",
        f"{date.today()}, Python {platform.python_version()}, {platform.machine()}, "
        f"{len(kb.lessons)} lessons, {rules} diagnosis rules. "
        "Command: `python benchmarks/engine.py --out docs/benchmarks/engine.md`.",
        "",
        "| what | median |",
        "|---|---|",
        *[f"| {what} | {seconds * 1000:.1f} ms |" for what, seconds in rows],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
