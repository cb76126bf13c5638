"""``--report``: each run's chart stands in its own section, right after what was observed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

REAL = TESTS / "fixtures" / "reallogs"
LOGS = ["caffe-nan-01.log", "caffe-overfit-01.log", "caffe-flat-01.log"]  # three findings
OBSERVED = {"en": "What was observed", "zh": "观察到的现象"}
CAUSES = {"en": "Likely causes", "zh": "可能的原因"}


class Outline(HTMLParser):
    """Each figure of the page with the headings above it: the latest of each level."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: dict[str, str] = {}
        self.figures: list[tuple[dict[str, str], str]] = []
        self._open: str | None = None  # the heading or figcaption being read
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]|figcaption", tag):
            self._open, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != self._open:
            return
        if tag == "figcaption":
            self.figures.append((dict(self.headings), self._text))
        else:
            level = int(tag[1])
            self.headings = {k: v for k, v in self.headings.items() if int(k[1]) < level}
            self.headings[tag] = self._text
        self._open = None


def report(tmp_path: Path, name: str, lang: str) -> Path:
    out = tmp_path / name
    paths = [str(REAL / log) for log in LOGS]
    done = run_cli("diagnose", *paths, "-q", "--lang", lang, "--report", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_chart_follows_the_symptoms_of_its_own_run(tmp_path, lang):
    outline = Outline()
    outline.feed(report(tmp_path, "report.html", lang).read_text(encoding="utf-8"))
    assert len(outline.figures) == len(LOGS)
    for (headings, caption), log in zip(outline.figures, LOGS, strict=True):
        assert log in headings["h2"] and log in caption  # the section of its own run
        assert headings["h3"] == OBSERVED[lang]  # beside the symptoms, before the causes
    assert "<svg" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_markdown_report_puts_each_image_before_its_sections_causes(tmp_path):
    text = report(tmp_path, "report.md", "en").read_text(encoding="utf-8")
    images = [m.start() for m in re.finditer(r"^!\[", text, re.MULTILINE)]
    observed = [m.start() for m in re.finditer(f"^### {OBSERVED['en']}", text, re.MULTILINE)]
    causes = [m.start() for m in re.finditer(f"^### {CAUSES['en']}", text, re.MULTILINE)]
    assert len(images) == len(observed) == len(causes) == len(LOGS)
    for image, start, end in zip(images, observed, causes, strict=True):
        assert start < image < end
    for n in range(1, len(LOGS) + 1):
        assert f"](report-run-{n}.svg)" in text and (tmp_path / f"report-run-{n}.svg").is_file()


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_a_section_of_many_runs_draws_the_runs_it_names(tmp_path, name):
    """A section names its first MAX_LISTED runs, and only their curves are drawn; the
    report says how many more it holds (drawing takes about half a second a run)."""
    from troubleshoot.render.guide import MAX_LISTED

    log = tmp_path / "restarted.log"
    log.write_bytes((REAL / "caffe-flat-01.log").read_bytes() * (MAX_LISTED + 2))
    out = tmp_path / name
    done = run_cli("diagnose", str(log), "-q", "--report", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    drawn = text.count("<figure") if name.endswith(".html") else len(list(tmp_path.glob("*.svg")))
    assert drawn == MAX_LISTED
    assert "The curves of 2 more runs of this section are not drawn." in text
