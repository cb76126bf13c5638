"""The symptom checker page: the diagnosis rules exported as data, ranked in the browser.

``checker_data`` is everything ``static/checker.js`` needs to rank lessons as
``engine.diagnose`` does, with no server: the rules' condition trees in the knowledge
base's own form (``all``/``any``/``none``/``symptom``/``context``), each rule's weight, the
symptoms' ``implies`` (the browser adds implied symptoms as ``with_implications`` does) and
the likelihood bands. ``tests/test_checker.py`` runs the script under Node over every
example of the knowledge base and compares its ranking with the engine's.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import assert_never

from troubleshoot.consult.implication import implied
from troubleshoot.consult.likelihood import BANDS
from troubleshoot.consult.questions import GROUPS, group_of, opening
from troubleshoot.knowledge.conditions import children, leaves
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.knowledge.schema import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    ContextAtom,
    ContextKey,
    NoneOf,
    Scalar,
    SymptomAtom,
)
from troubleshoot.lang import Lang
from troubleshoot.render.html import markdown_to_html
from troubleshoot.render.i18n import STRINGS
from troubleshoot.render.templating import environment

SCRIPT = "checker.js"
_BOUNDS = ("lt", "le", "gt", "ge")


def _compare(expected: Compare) -> dict[str, float]:
    return {k: getattr(expected, k) for k in _BOUNDS if getattr(expected, k) is not None}


def _expected(expected: Scalar | list[Scalar] | Compare) -> object:
    """A context test as YAML writes it: a value, a list of values, or a comparison."""
    if isinstance(expected, Compare):
        return _compare(expected)
    return list(expected) if isinstance(expected, list) else expected


def condition_tree(cond: Condition) -> dict[str, object]:
    """``cond`` as JSON in the knowledge base's own form, which the script evaluates."""
    match cond:
        case SymptomAtom(symptom=symptom):
            return {"symptom": symptom}
        case ContextAtom(context=context):
            return {"context": {key: _expected(v) for key, v in context.items()}}
        case AllOf():
            return {"all": [condition_tree(c) for c in children(cond)]}
        case AnyOf():
            return {"any": [condition_tree(c) for c in children(cond)]}
        case NoneOf():
            return {"none": [condition_tree(c) for c in children(cond)]}
        case _:
            assert_never(cond)


def _mentioned(kb: KnowledgeBase) -> dict[str, set[str]]:
    """For each symptom a rule names, the diagnoses whose rules name it."""
    out: dict[str, set[str]] = {}
    for lesson in kb.diagnoses():
        for rule in lesson.rules:
            for leaf in leaves(rule.as_condition()):
                if isinstance(leaf, SymptomAtom):
                    out.setdefault(leaf.symptom, set()).add(lesson.id)
    return out


def _offered(kb: KnowledgeBase) -> list[str]:
    """The symptoms worth a tick box (those a rule names, or that imply one), in the
    interview opening's order: by group, then those more diagnoses need first."""
    mentioned = _mentioned(kb)
    uses = {}
    for symptom in kb.symptoms:
        lessons = set().union(*(mentioned.get(s, set()) for s in {symptom} | implied(kb, symptom)))
        if lessons:
            uses[symptom] = len(lessons)
    return list(opening(kb, uses).options)


def _comparisons(kb: KnowledgeBase, key: str) -> list[Compare]:
    """The numeric comparisons the rules make on ``key``, each once, smallest bound first
    (the page lists them as a hint of where the answer matters)."""
    found: dict[Compare, None] = {}
    for lesson in kb.diagnoses():
        for rule in lesson.rules:
            for leaf in leaves(rule.as_condition()):
                expected = leaf.context.get(key) if isinstance(leaf, ContextAtom) else None
                if isinstance(expected, Compare):
                    found[expected] = None
    return sorted(found, key=lambda c: min(_compare(c).values()))


def _context_key(kb: KnowledgeBase, key: ContextKey, lang: Lang) -> dict[str, object]:
    entry: dict[str, object] = {
        "key": key.key,
        "type": key.type,
        "label": key.question.get(lang),
        "choices": [{"value": c.value, "label": c.label.get(lang)} for c in key.choices],
    }
    if key.type in ("number", "integer"):
        entry["unit"] = key.unit.get(lang) if key.unit else ""
        entry["comparisons"] = [
            {"test": _compare(c), "text": c.describe()} for c in _comparisons(kb, key.key)
        ]
    return entry


def checker_data(kb: KnowledgeBase, lang: Lang) -> dict[str, object]:
    """The rules and vocabulary the checker ranks with, in ``lang``; JSON-serialisable and
    built in a fixed order, so the page is the same bytes for the same knowledge base."""
    words = STRINGS[lang]
    offered = _offered(kb)
    return {
        "lang": lang.value,
        "bands": [
            {"low": low, "band": band, "word": words[f"likelihood_{band}"]} for low, band in BANDS
        ],
        "groups": [
            {
                "id": group,
                "title": words[f"checker_group_{group}"],
                "symptoms": [s for s in offered if group_of(kb, s) == group],
            }
            for group in GROUPS
        ],
        "symptoms": [
            {
                "id": s.id,
                "title": s.title.get(lang),
                "group": group_of(kb, s.id),
                "implies": list(s.implies),
            }
            for s in kb.symptoms.values()
        ],
        "context": [_context_key(kb, key, lang) for key in kb.context.values()],
        "lessons": [
            {
                "id": lesson.id,
                "title": lesson.title.get(lang),
                "kind": lesson.kind.value,
                "url": f"../lessons/{lesson.id}/",
                "rules": [
                    {
                        "id": rule.id,
                        "weight": rule.weight,
                        "when": condition_tree(rule.as_condition()),
                    }
                    for rule in lesson.rules
                ],
            }
            for lesson in kb.diagnoses()
        ],
        "words": {
            key: words[f"checker_{key}"]
            for key in ("implied", "nothing_ticked", "no_fit", "not_a_number")
        },
    }


def data_json(data: dict[str, object]) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def checker_page(kb: KnowledgeBase, lang: Lang) -> str:
    """The whole checker page in ``lang``; it loads ``checker.js`` from its own folder."""
    data = checker_data(kb, lang)
    return (
        environment()
        .get_template("checker.html.j2")
        .render(
            t=STRINGS[lang],
            lang=lang.value,
            data=data,
            titles={s.id: s.title.get(lang) for s in kb.symptoms.values()},
            data_json=data_json(data),
            md=markdown_to_html,
            script=SCRIPT,
        )
    )


def write_checker(kb: KnowledgeBase, out_dir: Path, lang: Lang) -> None:
    """Write the page as ``out_dir/index.html`` beside its script (the site puts it at
    ``OUT/<lang>/checker/``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "index.html").write_text(checker_page(kb, lang), encoding="utf-8")
    with resources.as_file(resources.files("troubleshoot.render") / "static" / SCRIPT) as src:
        shutil.copyfile(src, out_dir / SCRIPT)
