"""``troubleshoot kb lint``: everything that can be wrong with a knowledge base.

Schema errors come from loading; this adds what a schema cannot see: references between
files, the context vocabulary, Chinese text that is really Chinese, rules that can fire,
each lesson's own examples, and coverage of the catalogues of lesson ids, symptom ids and
context keys that the repository ships in ``kb/catalogue/`` (a contract: ids are added,
never renamed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import assert_never

import yaml
from pydantic import BaseModel

from troubleshoot.detect.threshold_text import PLACEHOLDER, problems, thresholds_of
from troubleshoot.engine.compile import compile_rules
from troubleshoot.engine.diagnose import diagnose
from troubleshoot.facts import ContextFact, FactSet, SymptomFact
from troubleshoot.knowledge.conditions import leaves
from troubleshoot.knowledge.load import KnowledgeBase, KnowledgeBaseError, load_kb
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Citation,
    Compare,
    Condition,
    ContextAtom,
    Example,
    Kind,
    Lesson,
    NoneOf,
    Scalar,
    Symptom,
    SymptomAtom,
    Text,
    Via,
)
from troubleshoot.lang import WIDE_CHAR, Lang

_CJK = re.compile(r"[\u3400-\u9fff]")
# An ASCII space between two CJK characters or full-width marks, most often left by
# YAML folding a line break inside a Chinese sentence.
_SPACED_CJK = re.compile(f"{WIDE_CHAR} +{WIDE_CHAR}")


@dataclass
class LintReport:
    errors: list[str] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def default_catalogue(kb_path: Path) -> Path:
    """The catalogues travel with the knowledge base they bind (``kb/catalogue/``), so a
    source checkout and an installed wheel are checked against the same contract."""
    return kb_path / "catalogue"


# ---------------------------------------------------------------- examples


def example_facts(example: Example) -> FactSet:
    facts = FactSet()
    facts.extend(SymptomFact(s) for s in example.symptoms)
    facts.extend(SymptomFact(s, present=False) for s in example.absent)
    facts.extend(ContextFact(k, v) for k, v in example.context.items())
    return facts


def check_example(kb: KnowledgeBase, lesson: Lesson, example: Example, expect: str) -> str | None:
    """None if the example behaves as ``expect`` says (rank_first/not_first/no_fire)."""
    result = diagnose(example_facts(example), kb)
    rank = result.rank_of(lesson.id)
    ranking = ", ".join(f"{d.id} {d.score:.2f}" for d in result.diagnoses[:4]) or "nothing fired"
    if expect == "rank_first" and rank != 1:
        return f"should rank first but ranks {rank or 'nowhere'} ({ranking})"
    if expect == "not_first" and rank == 1:
        return f"should not rank first but does ({ranking})"
    if expect == "no_fire" and rank is not None:
        return f"should not fire but ranks {rank} ({ranking})"
    return None


def iter_examples(kb: KnowledgeBase) -> Iterator[tuple[Lesson, str, int, Example]]:
    for lesson in kb.diagnoses():
        for expect in ("rank_first", "not_first", "no_fire"):
            for n, example in enumerate(getattr(lesson.examples, expect), 1):
                yield lesson, expect, n, example


# ---------------------------------------------------------------- witnesses


def _witness_value(expected: Scalar | list[Scalar] | Compare) -> Scalar:
    if isinstance(expected, Compare):
        if expected.ge is not None:
            return expected.ge
        if expected.le is not None:
            return expected.le
        if expected.gt is not None:
            return expected.gt + (1 if expected.lt is None or expected.lt > expected.gt + 1 else 0)
        assert expected.lt is not None
        return expected.lt - 1 if expected.lt >= 1 else expected.lt / 2
    return expected[0] if isinstance(expected, list) else expected


def witness(cond: Condition, facts: FactSet) -> None:
    """Add facts that make ``cond`` true in a closed world (first branch of every 'any')."""
    match cond:
        case SymptomAtom(symptom=symptom):
            facts.add(SymptomFact(symptom))
        case ContextAtom(context=context):
            for key, expected in context.items():
                facts.add(ContextFact(key, _witness_value(expected)))
        case AllOf(all=parts):
            for child in parts:
                witness(child, facts)
        case AnyOf(any=parts):
            witness(parts[0], facts)
        case NoneOf():
            pass  # in a closed world, facts left out are absent, which satisfies it
        case _:
            assert_never(cond)


# ---------------------------------------------------------------- checks


def _texts(obj: object, where: str) -> Iterator[tuple[str, Text]]:
    if isinstance(obj, Text):
        yield where, obj
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _texts(item, f"{where}.{i}")
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _texts(getattr(obj, name), f"{where}.{name}" if where else name)


def _check_chinese(text: Text, where: str) -> Iterator[str]:
    """The Chinese side is Chinese and reads natively: no ASCII space inside a sentence."""
    if not _CJK.search(text.zh):
        yield f"{where}.zh: has no Chinese text"
    for match in _SPACED_CJK.finditer(text.zh):
        yield f"{where}.zh: ASCII space between Chinese characters: '{match.group()}'"


def _check_phrases(phrases: list[str], where: str) -> Iterator[str]:
    """Chinese phrasings (what `ask` looks for in a question) are written as people type them."""
    for phrase in phrases:
        for match in _SPACED_CJK.finditer(phrase):
            yield f"{where}: ASCII space between Chinese characters: '{match.group()}'"


def _check_context_phrases(kb: KnowledgeBase) -> Iterator[str]:
    """Each context phrasing names one value: no phrase is shared by two choices of a key."""
    for key in kb.context.values():
        where = f"{kb.path / 'context.yaml'}: {key.key}"
        yield from _check_phrases(key.phrases.zh, f"{where}: phrases.zh")
        owner: dict[str, object] = {}
        for choice in key.choices:
            yield from _check_phrases(choice.phrases.zh, f"{where}: {choice.value}: phrases.zh")
            for phrase in [*choice.phrases.en, *choice.phrases.zh]:
                folded = phrase.casefold()
                if owner.setdefault(folded, choice.value) != choice.value:
                    both = f"{owner[folded]} and {choice.value}"
                    yield f"{where}: phrase '{phrase}' names both {both}"


def _check_free_text_phrases(kb: KnowledgeBase) -> Iterator[str]:
    """Stated metrics' and off-topic phrasings are written as people type them, too."""
    for series, phrases in kb.metrics.items():
        yield from _check_phrases(list(phrases), f"{kb.path / 'metrics.yaml'}: {series}")
    yield from _check_phrases(list(kb.off_topic), f"{kb.path / 'context.yaml'}: off_topic")


def _check_same_words(kb: KnowledgeBase) -> Iterator[str]:
    """Each group of interchangeable words holds two or more single words (one English word
    or one run of Chinese), and no word is in two groups."""
    where = f"{kb.path / 'context.yaml'}: same_words"
    seen: set[str] = set()
    for group in kb.same_words:
        if len(group) < 2:
            yield f"{where}: {list(group)} needs at least two words"
        for word in group:
            if not re.fullmatch(r"[a-z0-9]+|[\u3400-\u9fff]+", word.casefold()):
                yield f"{where}: '{word}' is not one word"
            elif word.casefold() in seen:
                yield f"{where}: '{word}' is in two groups"
            seen.add(word.casefold())


def _check_context(kb: KnowledgeBase, key: str, value: object, where: str) -> Iterator[str]:
    spec = kb.context.get(key)
    if spec is None:
        yield f"{where}: unknown context key '{key}'"
        return
    values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, Compare):
            if spec.type not in ("number", "integer"):
                yield f"{where}: '{key}' is not a number, it cannot be compared"
        elif spec.type == "choice" and v not in [c.value for c in spec.choices]:
            yield f"{where}: '{v}' is not a value of '{key}'"
        elif spec.type == "boolean" and not isinstance(v, bool):
            yield f"{where}: '{key}' takes true or false, not '{v}'"
        elif spec.type in ("number", "integer") and (
            isinstance(v, bool) or not isinstance(v, int | float)
        ):
            yield f"{where}: '{key}' takes a number, not '{v}'"


def _check_citation(kb: KnowledgeBase, c: Citation, where: str) -> Iterator[str]:
    source = kb.sources.get(c.source)
    if source is None:
        yield f"{where}: unknown source '{c.source}'"
    elif c.section and c.section not in source.sections:
        yield f"{where}: source '{c.source}' has no section '{c.section}'"
    elif not c.section and source.sections:
        yield f"{where}: source '{c.source}' needs a section"


def _check_condition(kb: KnowledgeBase, cond: Condition, where: str) -> Iterator[str]:
    """Every symptom a rule's condition names exists, every context value fits its key."""
    for leaf in leaves(cond):
        match leaf:
            case SymptomAtom(symptom=symptom):
                if symptom not in kb.symptoms:
                    yield f"{where}: unknown symptom '{symptom}'"
            case ContextAtom(context=context):
                for key, value in context.items():
                    yield from _check_context(kb, key, value, where)
            case _:
                assert_never(leaf)


def _check_lesson(kb: KnowledgeBase, lesson: Lesson) -> Iterator[str]:
    path = kb.lesson_file(lesson.id)
    for where, text in _texts(lesson, ""):
        yield from _check_chinese(text, f"{path}: {where}")
    if lesson.kind is Kind.DIAGNOSIS:
        # A guide tells the user how to tell this cause apart and when it is fixed.
        if lesson.confirm is None:
            yield f"{path}: confirm: a diagnosis needs a check that confirms it"
        if lesson.fixed_when is None:
            yield f"{path}: fixed_when: a diagnosis needs to say what fixed looks like"
    for c in lesson.sources:
        yield from _check_citation(kb, c, f"{path}: sources")
    for s in lesson.symptoms:
        if s not in kb.symptoms:
            yield f"{path}: symptoms: unknown symptom '{s}'"
    for i, rule in enumerate(lesson.rules):
        yield from _check_condition(kb, rule.as_condition(), f"{path}: rules.{i} ({rule.id})")
    checks = [(f"steps.{i}", step) for i, step in enumerate(lesson.steps)]
    if lesson.confirm is not None:
        checks.append(("confirm", lesson.confirm))
    for where, step in checks:
        for c in step.cite:
            yield from _check_citation(kb, c, f"{path}: {where}.cite")
    for field_name in ("supports", "related", "otherwise"):
        for other in getattr(lesson, field_name):
            if other not in kb.lessons:
                yield f"{path}: {field_name}: unknown lesson '{other}'"
            elif field_name == "supports" and kb.lessons[other].kind is not Kind.DIAGNOSIS:
                yield f"{path}: supports: '{other}' is not a diagnosis"
    for expect in ("rank_first", "not_first", "no_fire"):
        for i, example in enumerate(getattr(lesson.examples, expect)):
            where = f"{path}: examples.{expect}.{i}"
            for s in [*example.symptoms, *example.absent]:
                if s not in kb.symptoms:
                    yield f"{where}: unknown symptom '{s}'"
            for key, value in example.context.items():
                yield from _check_context(kb, key, value, where)


def _check_symptoms(kb: KnowledgeBase) -> Iterator[str]:
    for symptom in kb.symptoms.values():
        path = kb.path / "symptoms" / f"{symptom.id}.yaml"
        for where, text in _texts(symptom, ""):
            yield from _check_chinese(text, f"{path}: {where}")
        if not symptom.phrases.en or not symptom.phrases.zh:
            yield f"{path}: phrases: needs phrases in both en and zh"
        yield from _check_phrases(symptom.phrases.zh, f"{path}: phrases.zh")
        for other in symptom.implies:
            if other not in kb.symptoms:
                yield f"{path}: implies: unknown symptom '{other}'"
        yield from _check_numbers(symptom, path)
    yield from _check_first_screen(kb)


FIRST_SCREEN_MAX = 9  # with the intro, the groups and the prompt, the opening fits 80x24


def _check_first_screen(kb: KnowledgeBase) -> Iterator[str]:
    """The interview's first screen has room for a few symptoms, each at its own rank."""
    ranked: dict[int, list[str]] = {}
    for symptom in kb.symptoms.values():
        if symptom.first_screen is not None:
            ranked.setdefault(symptom.first_screen, []).append(symptom.id)
    for rank, ids in sorted(ranked.items()):
        if len(ids) > 1:
            yield f"{kb.path / 'symptoms'}: first_screen: {', '.join(ids)} share rank {rank}"
    count = sum(len(ids) for ids in ranked.values())
    if count > FIRST_SCREEN_MAX:
        yield (
            f"{kb.path / 'symptoms'}: first_screen: {count} symptoms; the interview's first "
            f"screen has room for {FIRST_SCREEN_MAX}"
        )


def _check_numbers(symptom: Symptom, path: Path) -> Iterator[str]:
    """The rule's numbers come from thresholds.py: each is a placeholder naming a threshold
    of this symptom, so a changed threshold cannot leave a stale number in the text."""
    for lang in Lang:
        if symptom.detection:
            for problem in problems(symptom.id, symptom.detection.get(lang)):
                yield f"{path}: detection.{lang}: {problem}"
        if symptom.basis:
            own = thresholds_of(symptom.id)
            for name, _ in PLACEHOLDER.findall(symptom.basis.get(lang)):
                if name not in own:
                    yield f"{path}: basis.{lang}: {{{name}}} is not a threshold of {symptom.id}"


def _check_errors(kb: KnowledgeBase) -> Iterator[str]:
    """Each error signature compiles, maps to symptoms a log can establish and to valid
    context, and recognises each of its examples through its words and pattern, while no
    other signature claims them (which one wins would depend on the order of files)."""
    compiled: dict[str, re.Pattern[str]] = {}
    for sid, signature in kb.errors.items():
        where = f"{kb.error_files[sid]}: {sid}"
        try:
            compiled[sid] = re.compile(signature.pattern)
        except re.error as exc:
            yield f"{where}: pattern: does not compile: {exc}"
    for sid, signature in kb.errors.items():
        where = f"{kb.error_files[sid]}: {sid}"
        yield from _check_chinese(signature.title, f"{where}: title")
        for symptom_id in signature.symptoms:
            symptom = kb.symptoms.get(symptom_id)
            if symptom is None:
                yield f"{where}: symptoms: unknown symptom '{symptom_id}'"
            elif Via.LOG not in symptom.via:
                yield f"{where}: symptoms: '{symptom_id}' is not established via log"
        for key, value in signature.context.items():
            yield from _check_context(kb, key, value, f"{where}: context")
        if sid not in compiled:
            continue
        for n, example in enumerate(signature.examples):
            at = f"{where}: examples.{n}"
            if not any(word in example for word in signature.words):
                yield f"{at}: holds none of the words {signature.words}"
            if not compiled[sid].search(example):
                yield f"{at}: the pattern does not match it"
            others = [o for o, pattern in compiled.items() if o != sid and pattern.search(example)]
            if others:
                yield f"{at}: also matched by {', '.join(others)}"


def _error_coverage(kb: KnowledgeBase) -> str:
    """How many error signatures, per file: 'error signatures: 45 (caffe 3, cuda 10, ...)'."""
    per_file = Counter(path.stem for path in kb.error_files.values())
    counts = ", ".join(f"{name} {n}" for name, n in sorted(per_file.items()))
    return f"error signatures: {len(kb.errors)}" + (f" ({counts})" if counts else "")


def _check_reachable(kb: KnowledgeBase) -> Iterator[str]:
    """Every rule fires on a fact set built from its own positive conditions."""
    for lesson in kb.diagnoses():
        for rule in lesson.rules:
            facts = FactSet()
            witness(rule.as_condition(), facts)
            result = diagnose(facts, kb)
            fired = {f.rule.id for d in result.diagnoses if d.id == lesson.id for f in d.fired}
            if rule.id not in fired:
                yield f"{kb.lesson_file(lesson.id)}: rules ({rule.id}): cannot fire on any facts"


def _read_catalogue(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _check_context_contract(kb: KnowledgeBase, contract: dict, report: LintReport) -> None:
    """Every catalogue context key exists with the catalogue's type and values."""
    present = 0
    for key, expected in contract.items():
        spec = kb.context.get(key)
        if spec is None:
            report.errors.append(f"catalogue context key '{key}' is missing from kb/context.yaml")
            continue
        present += 1
        where = f"{kb.path / 'context.yaml'}: {key}"
        if isinstance(expected, str):
            if spec.type != expected:
                report.errors.append(f"{where}: type: catalogue says '{expected}'")
        elif spec.type == "boolean":
            if sorted(expected) != [False, True]:
                report.errors.append(f"{where}: type: catalogue lists {expected}")
        else:
            values = [c.value for c in spec.choices]
            report.errors += [
                f"{where}: choices: catalogue lists '{v}'" for v in expected if v not in values
            ]
    report.coverage.append(f"context keys: {present}/{len(contract)}")


def _check_catalogue(kb: KnowledgeBase, catalogue: Path, report: LintReport) -> None:
    lessons = {e["id"]: e for e in _read_catalogue(catalogue / "lessons.yaml")["lessons"]}
    contract = _read_catalogue(catalogue / "symptoms.yaml")
    symptoms = {e["id"]: e for e in contract["symptoms"]}
    missing_l = [i for i in lessons if i not in kb.lessons]
    missing_s = [i for i in symptoms if i not in kb.symptoms]
    report.coverage.append(f"lessons: {len(lessons) - len(missing_l)}/{len(lessons)}")
    report.coverage.append(f"symptoms: {len(symptoms) - len(missing_s)}/{len(symptoms)}")
    report.errors += [f"catalogue lesson '{i}' is missing from kb/lessons/" for i in missing_l]
    report.errors += [f"catalogue symptom '{i}' is missing from kb/symptoms/" for i in missing_s]
    for lesson_id, entry in lessons.items():
        lesson = kb.lessons.get(lesson_id)
        if lesson is None:
            continue
        path = kb.lesson_file(lesson_id)
        if lesson.kind.value != entry["kind"]:
            report.errors.append(f"{path}: kind: catalogue says '{entry['kind']}'")
        refs = {c.ref() for c in lesson.sources}
        for ref in entry["source"]:
            if ref not in refs:
                report.errors.append(f"{path}: sources: catalogue cites '{ref}'")
        for s in entry.get("symptoms", []):
            if s not in lesson.symptoms:
                report.errors.append(f"{path}: symptoms: catalogue lists '{s}'")
    for symptom_id, entry in symptoms.items():
        symptom = kb.symptoms.get(symptom_id)
        if symptom and sorted(v.value for v in symptom.via) != sorted(entry["via"]):
            report.errors.append(
                f"{kb.path}/symptoms/{symptom_id}.yaml: via: catalogue says {entry['via']}"
            )
    _check_context_contract(kb, contract.get("context") or {}, report)


def lint_path(kb_path: Path | None = None, catalogue: Path | None = None) -> LintReport:
    """``troubleshoot kb lint``: load the files as they are now (never a cached copy) and
    check them; a file that does not load is a problem like any other."""
    try:
        kb = load_kb(kb_path)
    except KnowledgeBaseError as exc:
        return LintReport(errors=list(exc.problems))
    return lint(kb, catalogue)


def lint(kb: KnowledgeBase, catalogue: Path | None = None) -> LintReport:
    """Check a loaded knowledge base: references, both languages, rules that can fire, each
    lesson's examples, and coverage of its catalogues."""
    report = LintReport()
    for lesson in kb.lessons.values():
        report.errors.extend(_check_lesson(kb, lesson))
    report.errors.extend(_check_symptoms(kb))
    report.errors.extend(_check_context_phrases(kb))
    report.errors.extend(_check_same_words(kb))
    report.errors.extend(_check_free_text_phrases(kb))
    report.errors.extend(_check_errors(kb))
    total = len(kb.lessons) + len(kb.symptoms)
    partial = {e.split(":")[0] for e in report.errors if e.endswith("has no Chinese text")}
    report.coverage.append(f"both languages complete: {total - len(partial)}/{total} files")
    report.coverage.append(_error_coverage(kb))
    if report.errors:  # rules that refer to unknown facts cannot be compiled meaningfully
        return report
    compile_rules(kb)
    report.errors.extend(_check_reachable(kb))
    for lesson, expect, n, example in iter_examples(kb):
        problem = check_example(kb, lesson, example, expect)
        if problem:
            report.errors.append(
                f"{kb.lesson_file(lesson.id)}: examples.{expect}.{n - 1}: {problem}"
            )
    catalogue = catalogue or default_catalogue(kb.path)
    if (catalogue / "lessons.yaml").is_file():
        _check_catalogue(kb, catalogue, report)
    else:
        report.coverage.append(f"catalogues not found at {catalogue}; coverage not checked")
    return report
