"""Facts from every source a front end can be given, merged into one FactSet.

The order is fixed so that explicit words win over detection: facts detected in files
first, then a facts file, then ``--symptom``/``--context`` on the command line. The given
context is read before the files, because detection needs what a file cannot say (a plain
metrics file does not say how many classes there are): ``-c num_classes=10`` lets the
accuracy and loss checks judge against chance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


def facts_from_paths(
    paths: Sequence[Path],
    progress: Progress | None = None,
    given: Mapping[str, object] | None = None,
) -> Gathered:
    """Read logs and metric files, detect symptoms, and return them as facts with evidence.

    ``given`` is the context the user stated (canonical keys, checked values); it fills in
    for detection what the files do not reveal. The facts are the union over every run."""
    from troubleshoot.detect import detect
    from troubleshoot.read import read_inputs

    gathered = Gathered(FactSet())
    for run in read_inputs(list(paths), progress=progress):
        detection = detect(run, given)
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
    from_file = read_facts_file(kb, facts_file) if facts_file else FactSet()
    pairs = dict(parse_assignment(c) for c in context)
    from_command = build_facts(kb, symptoms, pairs, absent)
    stated = {key: fact.value for key, fact in from_file.context.items()}
    stated.update({key: fact.value for key, fact in from_command.context.items()})
    gathered = facts_from_paths(paths, progress, stated) if paths else Gathered(FactSet())
    gathered.facts.extend(from_file)
    gathered.facts.extend(from_command)
    return gathered
