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
from typing import TYPE_CHECKING

from troubleshoot.facts import FactSet
from troubleshoot.frontends.facts_file import read_facts_file
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.vocab import build_facts, parse_assignment

if TYPE_CHECKING:
    from troubleshoot.render.charts import RunChart

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReadRun:
    """What is kept of a run once it has been judged: what the JSON output lists, its
    warnings, and its curves if a report will draw them. The points themselves are let go,
    so a log of thousands of runs costs one run's memory plus these."""

    source: str
    format: str
    points: dict[str, int]  # series name -> number of points
    warnings: list[str]  # the reader's own list: it may still grow while later runs are read
    detection_warnings: list[str]
    chart: RunChart | None


@dataclass
class Gathered:
    facts: FactSet
    runs: list[ReadRun] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Each run's reading warnings, then what detection noticed in it, run by run."""
        return [w for run in self.runs for w in (*run.warnings, *run.detection_warnings)]

    @property
    def charts(self) -> list[RunChart]:
        return [run.chart for run in self.runs if run.chart is not None]


def facts_from_paths(
    paths: Sequence[Path],
    progress: Progress | None = None,
    given: Mapping[str, object] | None = None,
    charts: bool = False,
) -> Gathered:
    """Read logs and metric files, detect symptoms, and return them as facts with evidence.

    ``given`` is the context the user stated (canonical keys, checked values); it fills in
    for detection what the files do not reveal. The facts are the union over every run.
    Each run is judged as soon as it is read and then let go (keeping a chart-sized copy
    when ``charts``), so memory does not grow with the size of a log of many runs."""
    from troubleshoot.detect import detect
    from troubleshoot.read import iter_runs
    from troubleshoot.render.charts import run_chart

    gathered = Gathered(FactSet())
    for run in iter_runs(list(paths), progress=progress):
        detection = detect(run, given)
        gathered.facts.extend(detection.facts)
        gathered.runs.append(
            ReadRun(
                source=run.source,
                format=run.format,
                points={name: len(series) for name, series in run.series.items()},
                warnings=run.warnings,
                detection_warnings=list(detection.warnings),
                chart=run_chart(run) if charts else None,
            )
        )
    return gathered


def inputs_json(gathered: Gathered) -> dict[str, object]:
    """What was read, for the JSON output: one entry per run, plus all warnings."""
    return {
        "inputs": [
            {"source": run.source, "format": run.format, "series": run.points}
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
    charts: bool = False,
) -> Gathered:
    """Facts from files, a facts file and the command line; ``charts`` keeps what a report
    draws of each run read."""
    from_file = read_facts_file(kb, facts_file) if facts_file else FactSet()
    pairs = dict(parse_assignment(c) for c in context)
    from_command = build_facts(kb, symptoms, pairs, absent)
    stated = {key: fact.value for key, fact in from_file.context.items()}
    stated.update({key: fact.value for key, fact in from_command.context.items()})
    gathered = facts_from_paths(paths, progress, stated, charts) if paths else Gathered(FactSet())
    gathered.facts.extend(from_file)
    gathered.facts.extend(from_command)
    return gathered
