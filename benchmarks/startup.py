"""How long a whole ``troubleshoot`` command takes, process start to exit, next to
``python -c "import typer"`` (the floor for any Typer command line).

Each round runs every command once, in a shuffled order, each in its own child process with
output discarded; a command's ratio to ``import typer`` is taken within a round (paired), so
that a machine busy for a moment slows both sides alike. The table gives medians over the
rounds. "Cold cache" points ``XDG_CACHE_HOME`` at a new empty folder for each run (the
knowledge base is parsed, validated and the cache written); every other command runs with a
cache folder filled once before the rounds. Results go to ``docs/benchmarks/startup.md``.

    python benchmarks/startup.py                # 21 rounds
    python benchmarks/startup.py --rounds 5     # a quick look
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from machine import describe

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "benchmarks" / "startup.md"
TARGET_RATIO = 3.0
# What a warm `diagnose -s` still spends its time on, and why it is not within the target;
# measured by hand (CPU time of each step in one process), so kept as prose beside the table.
WHERE_TIME_GOES = """\
## Where a warm `diagnose -s loss-nan` spends its time

CPU time of each step, measured once in a quiet moment on the machine above (the
benchmark's wall times also carry the machine's load):

| step | ms |
| --- | ---: |
| Python start and `import typer` | 60-90 |
| Typer running a command (it imports pydantic and its own adapters) | 120-150 |
| define the knowledge base's models (validators deferred, never built) | 20-40 |
| import experta and the rule compiler | 40-50 |
| experta builds its RETE network from the rules that can fire (16 of 117 for `loss-nan`) | 20-25 |
| import jinja2 and the consultation modules | 40-55 |
| knowledge base from the cache (hash 120 files, unpickle 3,000 models) | 20 |
| render the guide from cached template bytecode | 3 |

The cache removes YAML parsing and validation (about 140 ms), the lazy imports remove
numpy, the readers and detectors, rich, markdown-it and yaml (about 400 ms), the template
cache removes compiling the templates (about 35 ms), and building the engine from only the
rules that can fire on the facts given (exactly: a rule that needs none of them holds at
most as it does on no facts at all, and none does) removes most of experta's network (about
60 ms). The 3x target is below what Typer itself costs: a one-command Typer app, run, takes
about 2.5x `import typer` (the second row), so troubleshoot adds about as much again on top
of the floor of any Typer command line. What remains is the price of the libraries the
command is built on: experta's network holds closures and is rebuilt in each process.
"""


@dataclass
class Command:
    name: str
    args: list[str]
    cold: bool = False  # a fresh, empty cache folder for every run
    seconds: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def troubleshoot_argv() -> list[str]:
    """The installed ``troubleshoot`` script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / "troubleshoot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "troubleshoot"]


# The least a Typer command line costs: one command with an enum option, run.
MINIMAL_TYPER_APP = """
import enum, typer
class Choice(str, enum.Enum):
    A = "a"
app = typer.Typer()
@app.command()
def main(choice: Choice = Choice.A) -> None:
    print(choice.value)
app()
"""


def commands() -> list[Command]:
    tool = troubleshoot_argv()
    return [
        Command('python -c "import typer"', [sys.executable, "-c", "import typer"]),
        Command("a one-command Typer app, run", [sys.executable, "-c", MINIMAL_TYPER_APP]),
        Command("troubleshoot --help", [*tool, "--help"]),
        Command(
            "troubleshoot diagnose -s loss-nan (cold cache)",
            [*tool, "diagnose", "-s", "loss-nan"],
            cold=True,
        ),
        Command(
            "troubleshoot diagnose -s loss-nan (warm cache)", [*tool, "diagnose", "-s", "loss-nan"]
        ),
        Command("troubleshoot kb show loss-nan", [*tool, "kb", "show", "loss-nan"]),
        Command(
            "troubleshoot diagnose examples/caffe-87.log",
            [*tool, "diagnose", "examples/caffe-87.log"],
        ),
    ]


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one child process, output discarded; a failure stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(
        argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{done.stderr.decode(errors='replace')}")
    return seconds


def measure(rounds: int, folder: Path) -> list[Command]:
    table = commands()
    base_env = {k: v for k, v in os.environ.items() if k != "TROUBLESHOOT_NO_CACHE"}
    warm_env = {**base_env, "XDG_CACHE_HOME": str(folder / "warm")}
    for command in table:  # fill the warm cache; warm the page cache for every file
        run_once(command.args, warm_env)
    for round_ in range(rounds):
        order = list(table)
        random.Random(round_).shuffle(order)
        for command in order:
            env = warm_env
            if command.cold:
                env = {**base_env, "XDG_CACHE_HOME": str(folder / f"cold-{round_}")}
            command.seconds.append(run_once(command.args, env))
        floor = table[0].seconds[-1]
        for command in table:
            command.ratios.append(command.seconds[-1] / floor)
    return table


def report(table: list[Command], rounds: int, command_line: str) -> str:
    warm = statistics.median(next(c for c in table if c.name.endswith("(warm cache)")).ratios)
    lines = [
        "# Start-up time",
        "",
        "Written by `benchmarks/startup.py`; rerun it to refresh these numbers.",
        "",
        f"- Date: {datetime.date.today()}",
        f"- Machine: {describe()}",
        f"- Command: `{command_line}`",
        f"- {rounds} rounds; each runs every command once in a shuffled order. Times are "
        "medians over the rounds; the ratio is the median of each round's time over that "
        "round's `import typer`.",
        f"- Target: `diagnose -s loss-nan` with a warm cache within {TARGET_RATIO:g}x of "
        f"`import typer`: {'met' if warm <= TARGET_RATIO else 'not met'} ({warm:.1f}x).",
        "",
        "| command | median ms | min ms | x import typer |",
        "| --- | ---: | ---: | ---: |",
    ]
    for command in table:
        lines.append(
            f"| `{command.name}` | {statistics.median(command.seconds) * 1000:.0f} "
            f"| {min(command.seconds) * 1000:.0f} | {statistics.median(command.ratios):.1f} |"
        )
    return "\n".join(lines) + "\n\n" + WHERE_TIME_GOES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        table = measure(args.rounds, Path(folder))
    command_line = "python benchmarks/startup.py" + (
        f" --rounds {args.rounds}" if args.rounds != 21 else ""
    )
    text = report(table, args.rounds, command_line)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
