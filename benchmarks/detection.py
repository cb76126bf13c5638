"""Precision and recall of every detector over labelled runs, and false alarms on healthy ones.

Every case is read and judged as ``troubleshoot diagnose FILE...`` does: its files through
``read_inputs``, each run through ``detect``, the symptoms united over the runs
(``facts_from_paths``). A corpus case is given the context its manifest states (the class
count, what a user would type with ``-c num_classes=10``); a real log is given nothing.

Three sources: the corpus (small models really trained with injected faults,
tests/fixtures/corpus), the real logs in tests/fixtures/reallogs, and the 30 Caffe
ImageNet runs of tests/fixtures/caffenet-benchmark. A symptom counts as a true positive
when the run's label expects it, a false positive when it is neither expected nor listed
under "also" (visibly present in the numbers, checked by hand; the manifests say why), and
a miss when expected but not found.

Run: python benchmarks/detection.py [--out docs/benchmarks/detection.md]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_detect_corpus import corpus_paths, given, manifest  # noqa: E402
from test_detect_real import (  # noqa: E402
    CAFFENET,
    DEBATABLE_LABELS,
    REAL,
    REALLOG_ALSO,
    REALLOG_SYMPTOMS,
    caffenet_labels,
)

from troubleshoot.consult.gather import facts_from_paths  # noqa: E402

VOCABULARY = REPO / "kb" / "catalogue" / "symptoms.yaml"
RECALL_TARGET = PRECISION_TARGET = 0.9


@dataclass
class Case:
    source: str  # "corpus", "reallogs", "caffenet"
    name: str
    paths: list[Path]
    stated: dict[str, object]  # context given as a user would state it
    expected: set[str]
    also: set[str]
    healthy: bool


def cases() -> list[Case]:
    out = [
        Case(
            "corpus",
            name,
            corpus_paths(name),
            given(name),
            set(m["expected"]),
            set(m["also"]),
            m["healthy"],
        )
        for name, m in sorted(manifest().items())
    ]
    out += [
        Case(
            "reallogs",
            name,
            [REAL / name],
            {},
            expected,
            REALLOG_ALSO.get(name, set()),
            not expected,
        )
        for name, expected in sorted(REALLOG_SYMPTOMS.items())
    ]
    out += [
        Case(
            "caffenet",
            e["file"],
            [CAFFENET / e["fixture"]],
            {},
            set(e["label"]) - {"healthy"},
            set(e["also"]),
            e["label"] == ["healthy"],
        )
        for e in caffenet_labels()
    ]
    return out


def detectable() -> list[str]:
    """Symptom ids that metrics, logs or probes can establish, in vocabulary order."""
    vocab = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    return [s["id"] for s in vocab["symptoms"] if set(s["via"]) & {"metrics", "log", "probes"}]


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    tp, fn, fp, seen_also = Counter(), Counter(), Counter(), Counter()
    misses, false_alarms, healthy_alarms = [], [], []
    debatable: Counter = Counter()  # misses on runs whose label the curve does not bear out
    per_source: Counter = Counter()
    runs = cases()
    start = time.perf_counter()
    for case in runs:
        found = set(facts_from_paths(case.paths, given=case.stated).facts.present_symptoms())
        per_source[case.source] += 1
        for s in case.expected & found:
            tp[s] += 1
        for s in case.expected - found:
            fn[s] += 1
            why = DEBATABLE_LABELS.get(case.name, {}).get(s)
            debatable[s] += why is not None
            misses.append(
                f"{s} in {case.source}/{case.name}" + (f". Label debatable: {why}." if why else "")
            )
        for s in found & case.also - case.expected:
            seen_also[s] += 1
        for s in found - case.expected - case.also:
            fp[s] += 1
            false_alarms.append(f"{s} in {case.source}/{case.name}")
        if case.healthy and found - case.also:
            healthy_alarms.append(f"{case.source}/{case.name}: {sorted(found - case.also)}")
    seconds = time.perf_counter() - start
    rows, unmet, unmeasured = [], [], []
    for s in detectable():
        n = tp[s] + fn[s]
        precision, recall = ratio(tp[s], tp[s] + fp[s]), ratio(tp[s], n)
        if not n:
            unmeasured.append(s)
        elif tp[s] / n < RECALL_TARGET or tp[s] / (tp[s] + fp[s]) < PRECISION_TARGET:
            notes = []
            if fn[s] and tp[s] / n < RECALL_TARGET:
                notes += ["missed only on debatable labels"] * (debatable[s] == fn[s])
            unmet.append(s + (f" ({'; '.join(notes)})" if notes else ""))
        rows.append(
            f"| {s} | {n} | {tp[s]} | {fn[s]} | {fp[s]} | {seen_also[s]} | {precision} | {recall} |"
        )
    healthy = sum(c.healthy for c in runs)
    lines = [
        "# Detection benchmark",
        "",
        f"{date.today()}, Python {platform.python_version()}, {platform.machine()}. "
        "Command: `python benchmarks/detection.py --out docs/benchmarks/detection.md`.",
        "",
        f"{len(runs)} labelled runs ({per_source['corpus']} corpus, "
        f"{per_source['reallogs']} real logs, {per_source['caffenet']} Caffe ImageNet runs), "
        f"{healthy} of them healthy; detection took {seconds:.2f} s in all "
        "(reading included). Target: recall >= 0.9 and precision >= 0.9 for every symptom, "
        "no false alarm on a healthy run.",
        "",
        "Each case is judged as `troubleshoot diagnose FILE...` judges it: its files read by "
        "`read_inputs`, every run through `detect`, symptoms united over the runs; corpus "
        "cases get the class count their manifest states as given context (what a user "
        "types with `-c num_classes=10`), real logs nothing.",
        "",
        f"**False alarms on healthy runs: {len(healthy_alarms)} of {healthy}.**",
        *(f"- {a}" for a in healthy_alarms),
        "",
        "| symptom | labelled | found | missed | false alarms | also present | precision "
        "| recall |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        '"also present": found on a run whose label is another symptom, where the numbers '
        "show it too (each case is listed with its reason in the manifests); these count "
        "neither for nor against precision. Many symptoms have one or two labelled runs, so "
        "their 1.00 says the rule works on those runs, not that it generalises.",
        "",
        f"Below target: {', '.join(unmet) or 'none'}.",
        "",
        f"No labelled run yet (not measured): {', '.join(unmeasured) or 'none'}.",
        "",
        "Misses:",
        *(f"- {m}" for m in misses or ["none"]),
        "",
        "False alarms (found, neither expected nor listed as visibly present):",
        *(f"- {a}" for a in false_alarms or ["none"]),
        "",
    ]
    text = "\n".join(lines)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
