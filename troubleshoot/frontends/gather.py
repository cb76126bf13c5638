"""Facts from every source a front end can be given, merged into one FactSet.

The order is fixed so that explicit words win over detection: facts detected in files
first, then a facts file, then ``--symptom``/``--context`` on the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from troubleshoot.facts import FactSet
from troubleshoot.frontends.facts_file import read_facts_file
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import build_facts, parse_assignment

Progress = Callable[[int, int], None]


@dataclass
class Gathered:
    facts: FactSet
    runs: list = field(default_factory=list)  # RunData read from files, for reports
    warnings: list[str] = field(default_factory=list)


def facts_from_paths(paths: Sequence[Path], progress: Progress | None = None) -> Gathered:
    """Read logs and metric files, detect symptoms, and return them as facts with evidence."""
    from troubleshoot.detect import detect
    from troubleshoot.read import read_inputs

    gathered = Gathered(FactSet())
    for run in read_inputs(list(paths), progress=progress):
        detection = detect(run)
        gathered.runs.append(run)
        gathered.facts.extend(detection.facts)
        gathered.warnings.extend(run.warnings)
        gathered.warnings.extend(detection.warnings)
    return gathered


def inputs_json(gathered: Gathered) -> dict[str, object]:
    """What was read, for the JSON output: one entry per run, plus all warnings."""
    return {
        "inputs": [
            {
                "source": run.source,
                "format": run.format,
                "series": {name: len(series) for name, series in run.series.items()},
            }
            for run in gathered.runs
        ],
        "warnings": gathered.warnings,
    }


def gather(
    kb: KnowledgeBase,
    paths: Sequence[Path] = (),
    facts_file: Path | None = None,
    symptoms: Sequence[str] = (),
    context: Sequence[str] = (),
    absent: Sequence[str] = (),
    progress: Progress | None = None,
) -> Gathered:
    gathered = facts_from_paths(paths, progress) if paths else Gathered(FactSet())
    if facts_file:
        gathered.facts.extend(read_facts_file(kb, facts_file))
    pairs = dict(parse_assignment(c) for c in context)
    gathered.facts.extend(build_facts(kb, symptoms, pairs, absent))
    return gathered
