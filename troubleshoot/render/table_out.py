"""A scan's outputs: the table of runs (Parquet or CSV, one row per run and symptom), each
run's guide, and the summary report (how many runs show each symptom, the worst runs first).

``describe`` turns one run's consultation into plain data where it was diagnosed (possibly a
Dask worker), so that only words and numbers cross processes and the state file."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troubleshoot.lang import Lang
from troubleshoot.render.guide import evidence_text, render_guide
from troubleshoot.render.i18n import STRINGS, say
from troubleshoot.render.likelihood import likelihood_word

if TYPE_CHECKING:
    from troubleshoot.consult.consultation import Consultation
    from troubleshoot.consult.fleet import RunResult

TOP_LESSONS = 3  # lessons kept per run in the table
WORST_LISTED = 50  # runs listed in the report
COLUMNS = [
    "run",
    "source",
    "symptom",
    "evidence",
    *(f"{kind}_{n}" for n in range(1, TOP_LESSONS + 1) for kind in ("lesson", "score")),
    "warnings",
    "error",
    "guide",
]


def describe(consultation: Consultation, lang: Lang = Lang.EN, guide: bool = True) -> dict:
    """One scanned target's runs (symptoms with their first evidence, top lessons) and its
    guide, as plain data."""
    runs = []
    for run in consultation.runs:
        symptoms = []
        for fact in run.facts.symptoms.values():
            if not fact.present:
                continue
            first = fact.provenance.evidence[:1]
            symptoms.append([fact.id, evidence_text(first[0], lang) if first else ""])
        lessons = [[d.id, round(d.score, 4)] for d in run.result.diagnoses[:TOP_LESSONS]]
        warnings = [say(warning, lang) for warning in run.warnings]
        runs.append({"run": run.id, "symptoms": symptoms, "lessons": lessons, "warnings": warnings})
    return {"runs": runs, "guide": render_guide(consultation, lang) if guide else None}


def guide_name(label: str) -> str:
    """A file name for a run's guide, readable and unique enough within one scan."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", label.split("://", 1)[-1]).strip("_.")
    return f"{slug[-120:] or 'run'}.md"


def write_guides(results: Sequence[RunResult], folder: Path) -> dict[str, str]:
    """Each diagnosed target's guide in ``folder``; the file of each, by label."""
    written: dict[str, str] = {}
    for result in results:
        text = (result.data or {}).get("guide")
        if not text:
            continue
        path = folder / guide_name(result.label)
        if not (result.reused and path.exists()):
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        written[result.label] = str(path)
    return written


def rows(
    results: Sequence[RunResult], guides: dict[str, str], relative_to: Path | None = None
) -> list[dict[str, Any]]:
    """One row per run and symptom (one row for a run without any, or that failed); the
    guide's path is relative to ``relative_to`` (the table's folder) when it is inside."""
    out: list[dict[str, Any]] = []
    for result in results:
        base: dict[str, Any] = dict.fromkeys(COLUMNS)
        guide = guides.get(result.label)
        guide = _relative(guide, relative_to) if guide else None
        base.update(source=result.label, guide=guide, error=result.error)
        if result.error is not None:
            out.append({**base, "run": result.label})
            continue
        for run in result.data["runs"]:
            row = {**base, "run": run["run"], "warnings": "; ".join(run["warnings"]) or None}
            for n, (lesson, score) in enumerate(run["lessons"], 1):
                row[f"lesson_{n}"], row[f"score_{n}"] = lesson, score
            symptoms = run["symptoms"] or [[None, None]]
            out.extend({**row, "symptom": s, "evidence": e} for s, e in symptoms)
    return out


def write_table(table: list[dict[str, Any]], path: Path) -> None:
    """Parquet for ``.parquet``, else CSV."""
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema(
            [(c, pa.float64() if c.startswith("score_") else pa.string()) for c in COLUMNS]
        )
        pq.write_table(pa.Table.from_pylist(table, schema=schema), path)
        return
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(table)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _relative(path: str, relative_to: Path | None) -> str:
    target = Path(path).resolve()
    if relative_to is not None and target.is_relative_to(relative_to.resolve()):
        target = target.relative_to(relative_to.resolve())
    return target.as_posix()


def _link(guide: str | None, relative_to: Path | None) -> str:
    return f"[guide]({_relative(guide, relative_to)})" if guide else "-"


def summary(
    results: Sequence[RunResult],
    guides: dict[str, str],
    lang: Lang = Lang.EN,
    relative_to: Path | None = None,
) -> str:
    """The Markdown report: counts, symptoms by how many runs show them, the worst runs
    (highest top score, then most symptoms) with links to their guides, and the failures."""
    s = STRINGS[lang]
    runs = [(r, run) for r in results if r.error is None for run in r.data["runs"]]
    failed = [r for r in results if r.error is not None]
    counts = Counter(sym for _, run in runs for sym in {x[0] for x in run["symptoms"]})
    lines = [
        f"# {s['scan_title']}",
        "",
        s["scan_counts"].format(
            targets=len(results),
            runs=len(runs),
            failed=len(failed),
            reused=sum(r.reused for r in results),
        ),
        "",
        f"## {s['scan_symptoms']}",
        "",
    ]
    if counts:
        lines += [f"| {s['scan_col_symptom']} | {s['scan_col_runs']} |", "|---|---:|"]
        lines += [
            f"| `{sym}` | {n} |" for sym, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        ]
    else:
        lines.append(s["scan_no_symptoms"])

    def badness(item: tuple[RunResult, dict]) -> tuple[float, int]:
        """Ties keep the order the runs were read in (sorting is stable): run-2 before run-10."""
        lessons = item[1]["lessons"]
        return (-(lessons[0][1] if lessons else 0.0), -len(item[1]["symptoms"]))

    worst = [item for item in sorted(runs, key=badness) if item[1]["symptoms"]][:WORST_LISTED]
    lines += ["", f"## {s['scan_worst']}", ""]
    if worst:
        lines += [
            f"| {s['scan_col_run']} | {s['scan_col_symptoms']} | {s['scan_col_top']} | "
            f"{s['scan_col_guide']} |",
            "|---|---|---|---|",
        ]
        for result, run in worst:
            top = run["lessons"][0] if run["lessons"] else None
            cause = f"`{top[0]}` ({likelihood_word(top[1], lang)})" if top else "-"
            symptoms = ", ".join(f"`{x[0]}`" for x in run["symptoms"])
            link = _link(guides.get(result.label), relative_to)
            lines.append(f"| {_cell(run['run'])} | {symptoms} | {cause} | {link} |")
    else:
        lines.append(s["scan_no_symptoms"])
    if failed:
        lines += ["", f"## {s['scan_failed']}", ""]
        lines += [f"- {_cell(r.label)}: {_cell(r.error or '')}" for r in failed]
    return "\n".join(lines) + "\n"
