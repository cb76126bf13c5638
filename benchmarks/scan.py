"""How many runs a second `troubleshoot scan` diagnoses over a folder of many small runs.

Builds ``--runs`` run folders (default 2,000) in a temporary folder, each a copy of one of
the real and corpus runs of ``tests/fixtures`` (``reallogs/``, ``corpus/``; a run of two
files keeps both), so the fleet holds every format and symptom the fixtures do, broken logs
included. Then times, each in its own child process, the whole command
``python -m troubleshoot scan FLEET -o runs.parquet --no-guides``:

(a) in the command's own process (the default, no cluster),
(b) on a local Dask cluster of 1 worker process, and of 2 (``--workers``),
(c) the same scan again, with every run unchanged (read from the state file, none
    diagnosed),
(d) once with each run's guide written (``--guides``, the default of the command).

Runs per second count every run folder, including start-up (about a second for the
command, several for a Dask cluster). Results go to ``docs/benchmarks/scan.md``.

    python benchmarks/scan.py               # 2,000 runs
    python benchmarks/scan.py --runs 200    # a quick run
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
OUT = REPO / "docs" / "benchmarks" / "scan.md"


def templates() -> list[list[Path]]:
    """The fixture runs to copy: each file of reallogs/ and corpus/, with the files of the
    same run (``x.jsonl`` and ``x.layers.csv``) together."""
    runs: dict[str, list[Path]] = {}
    for folder in ("reallogs", "corpus"):
        for path in sorted((FIXTURES / folder).iterdir()):
            if path.name == "manifest.json" or not path.is_file():
                continue
            runs.setdefault(f"{folder}/{path.name.split('.')[0]}", []).append(path)
    return list(runs.values())


def build_fleet(root: Path, count: int) -> None:
    kinds = templates()
    for n in range(count):
        run = root / f"run-{n:05d}"
        run.mkdir(parents=True)
        for path in kinds[n % len(kinds)]:
            shutil.copy(path, run / path.name)


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="run folders to build")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the results")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    os.environ.update(env)
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="troubleshoot-scan-bench-") as folder:
        fleet = Path(folder) / "fleet"
        build_fleet(fleet, args.runs)
        base = [sys.executable, "-m", "troubleshoot", "scan", str(fleet)]

        def scan(name: str, table: str, *extra: str) -> None:
            output = Path(folder) / table
            rows.append((name, timed([*base, "-o", str(output), *extra])))

        scan("in the command's process (no cluster)", "a.parquet", "--no-guides")
        scan("again, every run unchanged (state file)", "a.parquet", "--no-guides")
        scan("Dask LocalCluster, 1 worker", "b.parquet", "--no-guides", "--workers", "1")
        scan("Dask LocalCluster, 2 workers", "c.parquet", "--no-guides", "--workers", "2")
        scan("in the command's process, with a guide per run", "d.parquet")
    lines = [
        "# Scanning a fleet of runs",
        "",
        "Written by `benchmarks/scan.py`; rerun it to refresh these numbers.",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {describe()}",
        f"- Command: `{shlex.join(['python', 'benchmarks/scan.py', *sys.argv[1:]])}`",
        f"- Fleet: {args.runs} run folders, each a copy of one of the "
        f"{len(templates())} real and corpus runs of `tests/fixtures` (reallogs, corpus).",
        "",
        "| how | seconds | runs per second |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {s:.1f} | {args.runs / s:.0f} |" for name, s in rows]
    lines += [
        "",
        "Each row is the whole command in a fresh process (`troubleshoot scan FLEET -o "
        "runs.parquet --no-guides`, with the options named), start-up and the table "
        "included; a Dask cluster adds its own start-up of a few seconds. Every run is "
        "read, judged and ranked on its own by the same consultation as `diagnose`.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
