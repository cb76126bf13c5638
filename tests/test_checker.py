"""The symptom checker ranks in the browser exactly as the engine ranks on the command line.

The page's script (``troubleshoot/render/static/checker.js``) runs under Node over every
example of the knowledge base, and over seeded random fact sets, in one process; its
ranking (every lesson, in order, with its score) must be the engine's.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from troubleshoot.consult.likelihood import BANDS, likelihood
from troubleshoot.consult.questions import answer_space
from troubleshoot.engine.diagnose import diagnose
from troubleshoot.engine.lint import example_facts, iter_examples
from troubleshoot.engine.open_world import Atom
from troubleshoot.facts import ContextFact, FactSet, SymptomFact
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.schema import Example
from troubleshoot.lang import Lang
from troubleshoot.render.checker import SCRIPT, checker_data, checker_page, write_checker

KB = cached_kb()
SCRIPT_PATH = Path(__file__).parents[1] / "troubleshoot" / "render" / "static" / SCRIPT
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the checker's script cannot run outside a page"
)

# Reads {"data": ..., "cases": [facts, ...]} on stdin, writes each case's ranking.
_RANK_ALL = """
const checker = require(process.argv[1]);
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const input = JSON.parse(text);
  const band = (score) => checker.band(input.data, score).band;
  const out = input.cases.map((facts) =>
    checker.rank(input.data, facts).ranked.map((r) => [r.id, r.score, band(r.score)])
  );
  process.stdout.write(JSON.stringify(out));
});
"""


def _as_json_facts(facts: FactSet) -> dict[str, object]:
    return {
        "symptoms": {s.id: s.present for s in facts.symptoms.values()},
        "context": {c.key: c.value for c in facts.context.values()},
    }


def _node_rankings(cases: list[FactSet]) -> list[list[list[object]]]:
    assert NODE is not None
    payload = {
        "data": checker_data(KB, Lang.EN),
        "cases": [_as_json_facts(f) for f in cases],
    }
    done = subprocess.run(
        [NODE, "-e", _RANK_ALL, str(SCRIPT_PATH)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def _differences(cases: list[FactSet]) -> list[str]:
    """Every case where the script's ranking is not the engine's, described."""
    problems = []
    for facts, script in zip(cases, _node_rankings(cases), strict=True):
        engine = [(d.id, d.score, likelihood(d.score)) for d in diagnose(facts, KB).diagnoses]
        same_order = [e[0] for e in engine] == [s[0] for s in script]
        same_scores = all(abs(e[1] - s[1]) <= 1e-9 for e, s in zip(engine, script, strict=False))
        same_bands = [e[2] for e in engine] == [s[2] for s in script]
        if not (same_order and same_scores and same_bands):
            shown = _as_json_facts(facts)
            problems.append(f"{shown}: engine {engine[:5]}, script {script[:5]}")
    return problems


EXAMPLES: list[Example] = [example for _, _, _, example in iter_examples(KB)]


@needs_node
def test_every_kb_example_ranks_as_the_engine_ranks() -> None:
    cases = [example_facts(e) for e in EXAMPLES]
    assert len(cases) > 300  # every lesson's rank_first, not_first and no_fire examples
    assert _differences(cases) == []


def _random_facts(rng: random.Random) -> FactSet:
    """A few symptoms present, some absent, and context values from each key's answers
    (one per interval the rules' comparisons tell apart)."""
    symptoms, keys = sorted(KB.symptoms), sorted(KB.context)
    facts = FactSet()
    present = rng.sample(symptoms, rng.randint(1, 4))
    facts.extend(SymptomFact(s) for s in present)
    facts.extend(SymptomFact(s, present=False) for s in rng.sample(symptoms, 2) if s not in present)
    for key in rng.sample(keys, rng.randint(0, 4)):
        facts.add(ContextFact(key, rng.choice(answer_space(KB, Atom("context", key))).value))
    return facts


@needs_node
def test_random_fact_sets_rank_as_the_engine_ranks() -> None:
    """Beyond the examples: ties of score broken by matched facts, implied symptoms, absent
    ones and numbers on either side of every comparison."""
    rng = random.Random(12)
    cases = [_random_facts(rng) for _ in range(400)]
    tied = sum(
        len({d.score for d in r.diagnoses}) < len(r.diagnoses)
        for r in (diagnose(f, KB) for f in cases)
    )
    assert tied > 20  # the tie-break is exercised, not only the score
    assert _differences(cases) == []


@needs_node
def test_an_implied_symptom_counts_in_the_page_as_in_the_engine() -> None:
    source = next(s for s in KB.symptoms.values() if s.implies)
    facts = FactSet()
    facts.add(SymptomFact(source.id))
    (ranking,) = _node_rankings([facts])
    assert ranking, f"nothing fired for {source.id}"
    assert [r[0] for r in ranking] == [d.id for d in diagnose(facts, KB).diagnoses]


def test_the_data_holds_every_rule_and_the_bands() -> None:
    data = checker_data(KB, Lang.EN)
    exported = {(x["id"], r["id"]) for x in data["lessons"] for r in x["rules"]}
    assert exported == {(x.id, r.id) for x in KB.diagnoses() for r in x.rules}
    assert [(b["low"], b["band"]) for b in data["bands"]] == list(BANDS)
    offered = [s for g in data["groups"] for s in g["symptoms"]]
    assert len(offered) == len(set(offered)) and "loss-nan" in offered
    assert all(x["url"] == f"../lessons/{x['id']}/" for x in data["lessons"])


def test_the_data_is_in_the_page_language() -> None:
    english, chinese = checker_data(KB, Lang.EN), checker_data(KB, Lang.ZH)
    lesson = KB.diagnoses()[0]
    assert english["lessons"][0]["title"] == lesson.title.en
    assert chinese["lessons"][0]["title"] == lesson.title.zh
    assert chinese["bands"][0]["word"] == "很可能"


class _Page(HTMLParser):
    """The page's links and script sources, and the text of its data element."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.data: str | None = None
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]
        self._in_data = tag == "script" and ("id", "checker-data") in attrs

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data = (self.data or "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False


@pytest.mark.parametrize("lang", list(Lang))
def test_the_page_embeds_the_data_and_requests_nothing_outside(lang: Lang) -> None:
    html = checker_page(KB, lang)
    page = _Page()
    page.feed(html)
    assert page.data is not None and json.loads(page.data) == checker_data(KB, lang)
    outside = [u for u in page.urls if u.startswith(("http:", "https:", "//"))]
    assert outside == []
    assert SCRIPT in page.urls
    script = SCRIPT_PATH.read_text("utf-8")
    assert "http" not in script and "fetch(" not in script and "XMLHttpRequest" not in script


def test_the_page_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    write_checker(KB, tmp_path / "a", Lang.ZH)
    write_checker(KB, tmp_path / "b", Lang.ZH)
    for name in ("index.html", SCRIPT):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / SCRIPT).read_bytes() == SCRIPT_PATH.read_bytes()
    assert checker_page(KB, Lang.EN) != checker_page(KB, Lang.ZH)


def test_the_page_escapes_what_it_embeds() -> None:
    """A title holding markup stays text in the page and in its data."""
    lesson = KB.diagnoses()[0]
    title = lesson.title.model_copy(update={"en": "</script><b>x</b> & y"})
    hostile = lesson.model_copy(update={"title": title})
    kb = dataclasses.replace(KB, lessons={**KB.lessons, lesson.id: hostile})
    html = checker_page(kb, Lang.EN)
    assert "</script><b>" not in html
    page = _Page()
    page.feed(html)
    assert page.data is not None
    assert json.loads(page.data)["lessons"][0]["title"] == "</script><b>x</b> & y"
