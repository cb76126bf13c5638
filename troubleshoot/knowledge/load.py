"""Read ``kb/`` into a :class:`KnowledgeBase`, with errors that name the file and field."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from troubleshoot.knowledge.schema import (
    ContextKey,
    ContextVocabulary,
    ErrorCatalogue,
    ErrorSignature,
    Kind,
    Lesson,
    Source,
    SourceRegistry,
    StatedMetrics,
    Symptom,
)

M = TypeVar("M", bound=BaseModel)
Item = TypeVar("Item", Lesson, Symptom)


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be loaded; ``problems`` lists each as 'file: field: what'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def default_kb_path() -> Path:
    """``$TROUBLESHOOT_KB`` if set; else the copy an installed wheel carries
    (``troubleshoot/kb``); else, in a source checkout, the repository's own ``kb/``."""
    env = os.environ.get("TROUBLESHOOT_KB")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parents[1]
    installed = package / "kb"
    return installed if installed.is_dir() else package.parent / "kb"


@dataclass(frozen=True)
class KnowledgeBase:
    path: Path
    lessons: dict[str, Lesson]
    symptoms: dict[str, Symptom]
    context: dict[str, ContextKey]
    sources: dict[str, Source]
    # Error signatures in the order a log line is tried against them, and the file of each.
    errors: dict[str, ErrorSignature]
    error_files: dict[str, Path]
    # Words a phrase may use interchangeably (``same_words`` of ``context.yaml``).
    same_words: tuple[tuple[str, ...], ...] = ()
    # Phrases that mark a question as not about training (``off_topic`` of ``context.yaml``).
    off_topic: tuple[str, ...] = ()
    # How free text states a metric's value (``metrics.yaml``): series name -> phrases.
    metrics: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def diagnoses(self) -> list[Lesson]:
        return [x for x in self.lessons.values() if x.kind is Kind.DIAGNOSIS]

    def lesson_file(self, lesson_id: str) -> Path:
        return self.path / "lessons" / f"{lesson_id}.yaml"

    def supported_by(self, lesson_id: str) -> list[Lesson]:
        """Practices and explainers that name ``lesson_id`` under ``supports``."""
        return [x for x in self.lessons.values() if lesson_id in x.supports]

    def lessons_for_symptom(self, symptom_id: str) -> list[Lesson]:
        return [x for x in self.lessons.values() if symptom_id in x.symptoms]


def _read_yaml(path: Path, problems: list[str]) -> object | None:
    # Imported here: with the knowledge base cached on disk, a command parses no YAML.
    import yaml

    # libyaml's loader parses the knowledge base about ten times faster than the pure-Python
    # one; PyYAML's wheels ship it, so the fallback is rare.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
        return None


def _describe(error: ValidationError) -> Iterable[str]:
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        yield f"{where}: {item['msg']}"


def _validate(model: type[M], path: Path, problems: list[str]) -> M | None:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(f"{path}: {line}" for line in _describe(exc))
        return None


def _load_folder(folder: Path, model: type[Item], problems: list[str]) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for path in sorted(folder.glob("*.yaml")):
        item = _validate(model, path, problems)
        if item is None:
            continue
        if item.id != path.stem:
            problems.append(f"{path}: id: '{item.id}' does not match the file name")
        elif item.id in items:
            problems.append(f"{path}: id: '{item.id}' is defined twice")
        else:
            items[item.id] = item
    return items


def _load_errors(
    folder: Path, problems: list[str]
) -> tuple[dict[str, ErrorSignature], dict[str, Path]]:
    """The signatures of every ``kb/errors/*.yaml``, in file order, then order within a file."""
    signatures: dict[str, ErrorSignature] = {}
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        catalogue = _validate(ErrorCatalogue, path, problems)
        for signature in catalogue.signatures if catalogue else []:
            if signature.id in signatures:
                problems.append(f"{path}: id: '{signature.id}' is defined twice")
            signatures[signature.id] = signature
            files.setdefault(signature.id, path)
    return signatures, files


def load_kb(path: Path | None = None) -> KnowledgeBase:
    """Load and validate the files of a knowledge base (cross-references are ``lint``'s job)."""
    root = (path or default_kb_path()).resolve()
    problems: list[str] = []
    if not root.is_dir():
        raise KnowledgeBaseError([f"{root}: no knowledge base folder here"])
    lessons = _load_folder(root / "lessons", Lesson, problems)
    symptoms = _load_folder(root / "symptoms", Symptom, problems)
    vocab = _validate(ContextVocabulary, root / "context.yaml", problems)
    registry = _validate(SourceRegistry, root / "sources.yaml", problems)
    errors, error_files = _load_errors(root / "errors", problems)
    stated = _validate(StatedMetrics, root / "metrics.yaml", problems)
    if problems:
        raise KnowledgeBaseError(problems)
    assert vocab is not None and registry is not None and stated is not None
    return KnowledgeBase(
        path=root,
        lessons=lessons,
        symptoms=symptoms,
        context={k.key: k for k in vocab.keys},
        sources={s.id: s for s in registry.sources},
        errors=errors,
        error_files=error_files,
        same_words=tuple(tuple(group) for group in vocab.same_words),
        off_topic=(*vocab.off_topic.en, *vocab.off_topic.zh),
        metrics={m.series: (*m.phrases.en, *m.phrases.zh) for m in stated.metrics},
    )


def cached_kb(path: Path | None = None) -> KnowledgeBase:
    """The knowledge base, loaded once per process and folder, and kept on disk between
    processes (``troubleshoot.knowledge.cache``)."""
    return _load_once((path or default_kb_path()).resolve())


@cache
def _load_once(path: Path) -> KnowledgeBase:
    from troubleshoot.knowledge.cache import cached_load

    return cached_load(path, load_kb)
