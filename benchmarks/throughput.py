"""How fast troubleshoot reads a big Caffe log, next to awk pulling out only the loss.

Builds a log of about ``--size-mb`` megabytes by repeating the real Caffe logs in
``--logs`` (default ``tests/fixtures/caffenet-benchmark``, gzip-compressed there; whole
files, so it holds many runs one after another, as a long-lived log file does), in a
temporary folder that is deleted after. Then
measures, each in its own child process, wall time and peak memory (the most resident
memory the process and its own children held at once, sampled from /proc) of:

(a) ``awk`` printing the loss of every "Iteration N, loss = X" line (the floor: no parsing
    beyond one pattern), and ``mawk`` doing the same when it is installed;
(a') ``mawk`` printing every series the diagnosis needs (``MAWK_ALL``: the loss with its
    iteration, the lr, train and test net outputs, testing lines, run boundaries and the
    solver header), a fair floor for a reader that extracts them all;
(b) the reader alone: reading the log run by run with ``read_here`` in one process (every
    series, context, errors; each run let go once read, as the diagnosis does after
    judging it),
(c) the whole diagnosis, ``python -m troubleshoot diagnose BIG.log --format json``, which
    reads the log's two halves in two child processes while it judges the runs.

The file is read once before timing so that every contender finds it in the page cache.
Results go to ``docs/benchmarks/throughput.md``, above the sections measured by hand
(from its first ``##`` heading on), which are kept.

    python benchmarks/throughput.py                # about 1 GB
    python benchmarks/throughput.py --size-mb 50   # a quick run
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from machine import describe

REPO = Path(__file__).resolve().parent.parent
LOGS = REPO / "tests" / "fixtures" / "caffenet-benchmark"
OUT = REPO / "docs" / "benchmarks" / "throughput.md"
AWK = ["awk", "/Iteration .*, loss = /{print $NF}"]
# The reader alone, in one process (``diagnose`` reads a big log in a child process instead).
READ = (
    "import sys\nfrom troubleshoot.read.inputs import read_here\n"
    "for run in read_here([sys.argv[1]]): pass"
)
# The floor for any pure-Python reader: walk the lines and test one substring, nothing more.
PYTHON_FLOOR = (
    "import sys\nn = 0\nfor line in open(sys.argv[1], 'rb'):\n    if b', loss = ' in line: n += 1"
)
DIAGNOSE = ["-m", "troubleshoot", "diagnose", "--format", "json", "--quiet"]
# Every line the diagnosis takes a series point or a run boundary from, printed as fields.
MAWK_ALL = r"""
/\] +Iteration [0-9]+.*, loss = / { n = $0; sub(/.*Iteration /, "", n); sub(/[ ,].*/, "", n);
  print "loss", n, $NF; next }
/\] +Iteration [0-9]+.*, lr = / { n = $0; sub(/.*Iteration /, "", n); sub(/[ ,].*/, "", n);
  print "lr", n, $NF; next }
/\] +Iteration [0-9]+.*, Testing net/ { n = $0; sub(/.*Iteration /, "", n);
  sub(/[ ,].*/, "", n); print "testing", n; next }
/\] +(Train|Test) net output #/ { v = $0; sub(/.*net output #/, "", v); print "output", v; next }
/Initializing solver|Log file created at|Creating (training|test) net|produces output/ {
  print "boundary", NR; next }
/^[ \t]*(base_lr|momentum|solver_type|type|num_output|batch_size): / { print "field", $0 }
"""
TARGET_RATIO, TARGET_MB = 0.5, 300


@dataclass
class Measured:
    name: str
    command: str
    seconds: float
    peak_mb: float

    def rate(self, size_mb: float) -> float:
        return size_mb / self.seconds


def build_log(logs_folder: Path, folder: Path, size_mb: int) -> Path:
    """Whole real logs (``*.log``, or ``*.log.gz`` unpacked), repeated in order until the
    file reaches the size; the timed contenders then read plain text."""
    logs = sorted([*logs_folder.glob("*.log"), *logs_folder.glob("*.log.gz")])
    if not logs:
        raise SystemExit(f"no Caffe logs in {logs_folder}")
    texts = [gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in logs]
    target = size_mb * 1024 * 1024
    path = folder / "BIG.log"
    written = 0
    with path.open("wb") as out:
        while written < target:
            for data in texts:
                out.write(data)
                written += len(data)
                if written >= target:
                    break
    return path


def measure(name: str, argv: list[str]) -> Measured:
    """Run ``argv`` with output discarded; its wall time and peak resident memory, that of
    the process and its children together (``diagnose`` reads big logs in a child)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    peak = TreePeak(child.pid)
    peak.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    peak.stop.set()
    peak.join()
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed:\n{errors}")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    largest = usage.ru_maxrss / scale  # the largest process of the tree, where /proc is missing
    return Measured(name, shlex.join(argv), seconds, max(largest, peak.kb / 1024))


class TreePeak(threading.Thread):
    """The most resident memory a process and its descendants held at once, sampled from
    Linux's /proc every 20 ms (0 elsewhere)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.kb = max(self.kb, sum(_rss_kb(pid) for pid in _tree(self.pid)))


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _tree(int(child))
    return found


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
    )


def report(size_mb: float, runs: list[Measured], command: str, logs: str) -> str:
    awk = runs[0]
    lines = [
        "# Throughput on a big Caffe log",
        "",
        "Written by `benchmarks/throughput.py`; rerun it to refresh these numbers.",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {describe()}",
        f"- Command: `{command}`",
        f"- Input: {size_mb:.0f} MB, the real logs of `{logs}` "
        "repeated whole (so many runs, one after another), read from the page cache.",
        "",
        "| what | MB/s | share of awk's speed | peak memory (MB) | seconds |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        share = run.rate(size_mb) / awk.rate(size_mb)
        lines.append(
            f"| {run.name} | {run.rate(size_mb):.1f} | {share:.2f} | {run.peak_mb:.0f} "
            f"| {run.seconds:.1f} |"
        )
    if not any(run.name.startswith("mawk") for run in runs):
        lines += ["", "mawk is not installed here: its rows are left out."]
    elif os.path.realpath(shutil.which("awk") or "") == os.path.realpath(
        shutil.which("mawk") or ""
    ):
        lines += [
            "",
            "Here `awk` is mawk, so the first two rows run the same program: the gap between",
            "them is the noise of a machine shared with other work.",
        ]
    lines += ["", "Commands:", ""]
    lines += [f"- {run.name}: `{run.command}`" for run in runs if "mawk" not in run.name]
    if any(run.name.startswith("mawk") for run in runs):
        lines.append(
            "- mawk: the same pattern as awk for the loss; every series: `mawk MAWK_ALL "
            "$TMP/BIG.log`, the script `MAWK_ALL` in `benchmarks/throughput.py`."
        )
    whole = runs[-1]
    ratio = whole.rate(size_mb) / awk.rate(size_mb)
    lines += [
        "",
        f"Targets: at least {TARGET_RATIO:g} of awk's throughput for the whole diagnosis "
        f"(reached: {'yes' if ratio >= TARGET_RATIO else 'no'}, {ratio:.2f}); "
        f"peak memory under {TARGET_MB} MB "
        f"(reached: {'yes' if whole.peak_mb < TARGET_MB else 'no'}, {whole.peak_mb:.0f} MB).",
    ]
    every = [run for run in runs if run.name.startswith("mawk: every")]
    if every:
        share = whole.rate(size_mb) / every[0].rate(size_mb)
        lines.append(
            f"At least the speed of mawk extracting every series the diagnosis needs "
            f"(reached: {'yes' if share >= 1 else 'no'}, {share:.2f} of it)."
        )
    lines += [
        "",
        "Reading the numbers: awk tests one pattern per line and prints a field. A CPython",
        "loop that only walks the lines and tests one substring already falls short of half",
        "of awk. troubleshoot turns every series line (loss, lr, net outputs, test outputs)",
        "into three numbers (step, value, line) and reads the printed definitions of every",
        "run for context: the reader alone, in one process, runs at a few tens of MB/s. The",
        "diagnosis uses both cores. A log this big is cut in two where a new job starts",
        "after its middle, and each half is read by a process of its own",
        "(`read/halves.py`); the first process judges each run (detectors, then the rule",
        "engine) as soon as it arrives and lets its points go. Peak memory is that of the",
        "three processes together: each holds a few runs (20 bytes a point), not the points",
        "of the whole file, and each run's verdict waits in a temporary file until the",
        "output's top level (all runs as one) is written, then the JSON is written one run",
        "at a time. Where the time goes phase by phase, and why a reader scanning with",
        "polars was not faster: [diagnose-profile.md](diagnose-profile.md).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the log to build")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the results")
    parser.add_argument("--logs", type=Path, default=LOGS, help="folder of Caffe logs to repeat")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="troubleshoot-bench-") as folder:
        log = build_log(args.logs, Path(folder), args.size_mb)
        size_mb = log.stat().st_size / 1024 / 1024
        subprocess.run(["cat", str(log)], stdout=subprocess.DEVNULL, check=True)  # warm cache
        mawk = shutil.which("mawk")
        runs = [
            measure("awk: the loss series only", [*AWK, str(log)]),
            *(
                [
                    measure("mawk: the loss series only", [mawk, *AWK[1:], str(log)]),
                    measure("mawk: every series the diagnosis needs", [mawk, MAWK_ALL, str(log)]),
                ]
                if mawk
                else []
            ),
            measure(
                "python: walk the lines, test one substring (no parsing)",
                [sys.executable, "-c", PYTHON_FLOOR, str(log)],
            ),
            measure(
                "troubleshoot: the reader alone (read each run, let it go)",
                [sys.executable, "-c", READ, str(log)],
            ),
            measure(
                "troubleshoot diagnose (whole diagnosis)", [sys.executable, *DIAGNOSE, str(log)]
            ),
        ]
    command = shlex.join(["python", "benchmarks/throughput.py", *sys.argv[1:]])
    logs = args.logs.resolve()
    shown = logs.relative_to(REPO) if logs.is_relative_to(REPO) else logs
    text = report(size_mb, runs, command, str(shown)).replace(folder, "$TMP")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + kept_sections(args.out), encoding="utf-8")
    print(text)


def kept_sections(page: Path) -> str:
    """The sections measured by hand (``## ...`` to the end) of the page being replaced,
    kept below the new table: they record what this script cannot rerun."""
    old = page.read_text(encoding="utf-8") if page.exists() else ""
    start = old.find("\n## ")
    return "\n" + old[start + 1 :] if start >= 0 else ""


if __name__ == "__main__":
    main()
