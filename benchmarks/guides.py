"""How long the guides are, how many causes a bare symptom lists, and whether the likelihood
words mean what they say.

Three measurements, each made as ``troubleshoot diagnose`` makes its guide (``consult`` and
``render_guide``, in English):

- words per guide, default and ``--full``, for every symptom given alone (``-s ID``) and
  for every labelled run of the corpus and the real logs (its files, plus the context
  its manifest states); words are counted as ``render.guide.words`` counts them, code
  included;
- causes per bare symptom: the number of causes the guide's checklist lists for each
  symptom alone, against the diagnoses the knowledge base ties to it;
- calibration of the likelihood bands (``consult/likelihood.py``): for each band, the causes
  shown for the labelled runs in that band and the share of them that fit the run's
  fault (benchmarks/fitting_lessons.yaml).

Run: python benchmarks/guides.py [--out docs/benchmarks/guides.md]
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from machine import describe, publish  # noqa: E402
from test_detect_corpus import corpus_paths, given  # noqa: E402
from test_detect_real import REAL  # noqa: E402

from troubleshoot.consult.consultation import Consultation, Request, consult  # noqa: E402
from troubleshoot.consult.likelihood import BANDS, likelihood  # noqa: E402
from troubleshoot.knowledge.load import KnowledgeBase, cached_kb  # noqa: E402
from troubleshoot.lang import Lang  # noqa: E402
from troubleshoot.render.guide import WORD_BUDGET, render_guide, words  # noqa: E402

LABELS = Path(__file__).parent / "fitting_lessons.yaml"


@dataclass
class Labelled:
    name: str
    request: Request
    fitting: set[str]


def tied_lessons(kb: KnowledgeBase, symptom: str) -> list[str]:
    """The diagnoses that name ``symptom`` among the symptoms they explain."""
    return [x.id for x in kb.lessons.values() if x.rules and symptom in x.symptoms]


def labelled_runs(kb: KnowledgeBase) -> list[Labelled]:
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    for fitting in [*labels["corpus"].values(), *labels["reallogs"].values()]:
        unknown = set(fitting) - set(kb.lessons)
        assert not unknown, f"{LABELS.name}: unknown lessons {unknown}"
    out = [
        Labelled(
            f"corpus/{name}",
            Request(corpus_paths(name), context=[f"{k}={v}" for k, v in given(name).items()]),
            set(fitting),
        )
        for name, fitting in labels["corpus"].items()
    ]
    out += [
        Labelled(f"reallogs/{name}", Request([REAL / name]), set(fitting))
        for name, fitting in labels["reallogs"].items()
    ]
    return out


def spread(values: list[int]) -> str:
    return f"{min(values)} | {statistics.median(values):g} | {max(values)}"


def cause_words(guide: str) -> list[int]:
    """Words of each detailed cause of a guide, from its heading to the next."""
    parts = re.split(r"^#+ \d+\. ", guide, flags=re.M)[1:]
    return [words(re.split(r"^#+ ", part, flags=re.M)[0]) for part in parts]


def lengths(consultations: list[Consultation]) -> tuple[list[int], list[int]]:
    default = [words(render_guide(c, Lang.EN)) for c in consultations]
    full = [words(render_guide(c, Lang.EN, full=True)) for c in consultations]
    return default, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    kb = cached_kb()
    bare = {s: consult(kb, Request(symptoms=[s])) for s in sorted(kb.symptoms)}
    runs = labelled_runs(kb)
    judged = [(run, consult(kb, run.request)) for run in runs]
    bare_default, bare_full = lengths(list(bare.values()))
    fitted = [consult(kb, Request(symptoms=[s], context=["framework=pytorch"])) for s in bare]
    fitted_default, fitted_full = lengths(fitted)
    run_default, run_full = lengths([c for _, c in judged])
    fired = [len(c.result.diagnoses) for c in bare.values()]
    checked = {symptom: len(c.checklist().candidates) for symptom, c in bare.items()}
    causes = list(checked.values())
    tied = {symptom: len(tied_lessons(kb, symptom)) for symptom in bare}
    per_cause = {
        name: [n for c in group for n in cause_words(render_guide(c, Lang.EN))]
        for name, group in (
            ("no framework", list(bare.values())),
            ("PyTorch", fitted),
            ("runs", [c for _, c in judged]),
        )
    }
    shown, fit = Counter[str](), Counter[str]()
    top_shown, top_fit = Counter[str](), Counter[str]()
    for run, consultation in judged:
        for rank, diagnosis in enumerate(consultation.result.diagnoses):
            band = likelihood(diagnosis.score)
            shown[band] += 1
            fit[band] += diagnosis.id in run.fitting
            if rank == 0:
                top_shown[band] += 1
                top_fit[band] += diagnosis.id in run.fitting
    healthy = sum(not r.fitting for r in runs)
    listed = [c.result.diagnoses for r, c in judged if r.fitting]
    found = sum(any(d.id in r.fitting for d in c.result.diagnoses) for r, c in judged)
    first = sum(
        bool(c.result.diagnoses) and c.result.diagnoses[0].id in r.fitting for r, c in judged
    )
    floors = {band: low for low, band in BANDS}
    ceilings = {band: high for (high, _), (_, band) in pairwise(BANDS)}

    def share(a: int, b: int) -> str:
        return f"{a / b:.2f}" if b else "n/a"

    calibration = [
        f"| {band} | {floors[band]:g} to {ceilings.get(band, 1):g} | {shown[band]} | "
        f"{fit[band]} | {share(fit[band], shown[band])} | {top_shown[band]} | "
        f"{share(top_fit[band], top_shown[band])} |"
        for _, band in BANDS
    ]
    no_cause = [s for s, n in checked.items() if not n]
    short = [f"{s} ({checked[s]} of {tied[s]})" for s in bare if checked[s] < tied[s]]
    lines = [
        "# Guide benchmark",
        "",
        "Written by `benchmarks/guides.py`; rerun it to refresh these numbers.",
        "",
        f"- Date: {datetime.date.today()}",
        f"- Machine: {describe()}",
        "- Command: `python benchmarks/guides.py --out docs/benchmarks/guides.md`",
        f"- Knowledge base: {len(kb.lessons)} lessons, {len(kb.symptoms)} symptoms.",
        "",
        "## Words per guide",
        "",
        "Whitespace-separated words of the English Markdown guide, code and source list "
        "included (`render.guide.words`). The default guide gives each cause at most "
        f"{WORD_BUDGET} words (`WORD_BUDGET` in `render/guide.py`) unless its first step "
        "alone is longer; `--full` adds every reason and step, the mechanism and the "
        "caveats. Where no framework is stated or detected, every framework's code is "
        "shown (the longest case); the second row states one.",
        "",
        "| guides for | n | default: min | median | max | `--full`: min | median | max |",
        "|---|---|---|---|---|---|---|---|",
        f"| each symptom alone (`-s ID`) | {len(bare)} | {spread(bare_default)} | "
        f"{spread(bare_full)} |",
        f"| each symptom alone, `-c framework=pytorch` | {len(fitted)} | "
        f"{spread(fitted_default)} | {spread(fitted_full)} |",
        f"| each labelled run (its files) | {len(runs)} | {spread(run_default)} | "
        f"{spread(run_full)} |",
        "",
        "Words of one cause in the default guide (from its heading to the next; symptoms "
        "alone without and with a framework, then the runs): "
        + "; ".join(f"{name} {spread(n)}" for name, n in per_cause.items())
        + " (min | median | max). Stating the framework drops the other frameworks' code, "
        "so more steps fit the budget: the guide is no shorter, it says more.",
        "",
        "## Causes per bare symptom",
        "",
        f"Each of the {len(bare)} symptoms given alone: the guide's checklist lists at least "
        f"{min(causes)} and on average {statistics.mean(causes):.2f} causes "
        f"(most: {max(causes)}); of these, the rules fire for {statistics.mean(fired):.2f} on "
        "average, and the rest are listed as possible, with the questions that would tell "
        "them apart.",
        f"Symptoms listing fewer causes than the diagnosis lessons tied to them: "
        f"{', '.join(short) or 'none'}.",
        (
            f"{len(no_cause)} list none, because no diagnosis lesson is tied to them yet: "
            f"{', '.join(no_cause)}."
            if no_cause
            else "Every symptom lists at least one cause."
        ),
        "",
        "## Calibration of the likelihood words",
        "",
        f"{len(runs)} labelled runs ({sum(r.name.startswith('corpus/') for r in runs)} of "
        "the corpus, the rest real logs whose log states the cause), "
        f"{healthy} of them healthy or with a fault no lesson covers; "
        "`benchmarks/fitting_lessons.yaml` names the lessons that fit each. Every cause "
        "a guide lists for a run (the detailed ones and those also considered) counts once, "
        "in the band of its score; it fits when it is one of the run's fitting lessons.",
        "",
        "| band | score | causes shown | fitting | share fitting | shown first | "
        "share fitting when first |",
        "|---|---|---|---|---|---|---|",
        *calibration,
        "",
        f"Of the {len(listed)} runs that a lesson fits, the guide lists a fitting lesson "
        f"for {found} and puts one first for {first}.",
        "",
    ]
    text = "\n".join(lines)
    publish(text, args.out)


if __name__ == "__main__":
    main()
