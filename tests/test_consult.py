"""The consultation core: a run is the unit of diagnosis, whatever front end asks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, TESTS, run_cli

from troubleshoot.consult.consultation import Request, consult
from troubleshoot.consult.gather import RunSplit, group_key
from troubleshoot.consult.select import Ask
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.lang import Lang
from troubleshoot.render.guide import render_guide, sections

KB = cached_kb()
OVERFIT = TESTS / "fixtures" / "corpus" / "overfit-tiny-data-keras.csv"
NAN = TESTS / "fixtures" / "reallogs" / "keras-nan-01.log"
HEALTHY = TESTS / "fixtures" / "corpus" / "healthy-1-keras-csv.csv"
EXAMPLE = REPO / "examples" / "caffe-87.log"


def test_unrelated_files_are_diagnosed_apart_and_shown_together():
    consultation = consult(KB, Request([OVERFIT, NAN]))
    symptoms = {run.id: set(run.facts.present_symptoms()) for run in consultation.runs}
    assert "overfitting" in symptoms[str(OVERFIT)] and "loss-nan" not in symptoms[str(OVERFIT)]
    assert "loss-nan" in symptoms[str(NAN)] and "overfitting" not in symptoms[str(NAN)]
    for run in consultation.runs:  # no rule fired on the other run's symptoms
        matched = {f.id for d in run.result.diagnoses for r in d.fired for f in r.matched}
        assert matched <= set(run.facts.symptoms) | set(run.facts.context)
    guide = render_guide(consultation, Lang.EN)
    assert guide.count("## Runs:") == 2


def test_files_of_one_run_stay_together_and_the_user_can_override():
    given = [Path("a/train.log"), Path("a/val.log"), Path("a/other.log")]
    keys = [group_key(str(p), "text", given, RunSplit.AUTO) for p in given]
    assert keys[0] == keys[1] != keys[2]
    pair = [Path("x/exp1-train.csv"), Path("x/exp1-val.csv"), Path("x/exp2-val.csv")]
    keys = [group_key(str(p), "table", pair, RunSplit.AUTO) for p in pair]
    assert keys[0] == keys[1] != keys[2]
    companion = [Path("m.jsonl"), Path("m.layers.csv")]
    assert len({group_key(str(p), "jsonl", companion, RunSplit.AUTO) for p in companion}) == 1
    assert len({group_key(str(p), "t", companion, RunSplit.EACH) for p in companion}) == 2
    assert len({group_key(str(p), "t", given, RunSplit.ONE) for p in given}) == 1
    # runs inside one file and folder runs are runs of their own
    assert group_key("log#run-2", "caffe-glog", [Path("log")], RunSplit.AUTO) == "log#run-2"
    assert group_key("mlruns/0/abc", "mlflow", [Path("mlruns")], RunSplit.AUTO) == "mlruns/0/abc"
    # plain files inside a folder that was given form one run per folder
    assert group_key("runs/e1/metrics.csv", "table", [Path("runs")], RunSplit.AUTO) == "runs/e1"


def test_a_metrics_file_with_its_layer_statistics_is_one_run():
    name = TESTS / "fixtures" / "corpus" / "zero-init-jsonl"
    paths = [name.with_suffix(".jsonl"), name.with_suffix(".layers.csv")]
    assert len(consult(KB, Request(paths)).runs) == 1


def test_the_json_output_has_a_run_level_and_says_where_each_cause_fired():
    done = run_cli("diagnose", str(OVERFIT), str(NAN), "-f", "json", "-q")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [run["id"] for run in out["runs"]] == [str(OVERFIT), str(NAN)]
    assert {i["run"] for i in out["inputs"]} == {str(OVERFIT), str(NAN)}
    by_id = {d["id"]: d for d in out["diagnoses"]}
    nan_causes = {d["id"] for d in out["runs"][1]["diagnoses"]}
    for lesson in nan_causes:
        assert str(NAN) in by_id[lesson]["runs"]
    pooled = done = run_cli("diagnose", str(OVERFIT), str(NAN), "--runs", "one", "-f", "json")
    assert len(json.loads(pooled.stdout)["runs"]) == 1


def test_one_run_gets_the_next_question_with_its_gain():
    consultation = consult(KB, Request(symptoms=["loss-nan"]))
    step = consultation.next_step().step
    assert isinstance(step, Ask) and step.gain > 0
    with pytest.raises(ValueError):
        consult(KB, Request([OVERFIT, NAN])).next_step()


def test_nothing_found_says_what_was_read_and_what_to_try():
    guide = render_guide(consult(KB, Request([HEALTHY])), Lang.EN)
    assert "No problem symptoms were found" in guide
    assert f"`{HEALTHY}` (keras-csv)" in guide and "`train/loss` 12" in guide
    assert "troubleshoot interview --from" in guide
    assert "No symptoms were given" not in guide


def test_diagnose_with_nothing_to_read_is_a_usage_error():
    done = run_cli("diagnose")
    assert done.returncode == 2 and "nothing to diagnose" in done.stderr


@pytest.mark.parametrize("option", ["--output", "--report"])
def test_an_output_path_that_cannot_be_written_is_refused_before_reading(tmp_path, option):
    target = tmp_path / "missing" / "out.md"
    done = run_cli("diagnose", str(EXAMPLE), option, str(target))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr
    folder = run_cli("diagnose", str(EXAMPLE), option, str(tmp_path))
    assert folder.returncode == 2 and "it is a folder" in folder.stderr


def test_interview_output_into_a_missing_folder_is_refused(tmp_path):
    done = run_cli(
        "interview", "-s", "loss-nan", "--answers", "/dev/null", "--skip-missing",
        "--output", str(tmp_path / "no" / "guide.md"),
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_limits_of_the_tool_are_notes_shown_with_verbose():
    quiet = run_cli("diagnose", str(EXAMPLE))
    assert "need" not in quiet.stderr and "warning" not in quiet.stderr
    loud = run_cli("diagnose", str(EXAMPLE), "--verbose")
    assert "note:" in loud.stderr
    out = json.loads(run_cli("diagnose", str(EXAMPLE), "-f", "json").stdout)
    assert out["notes"] and not out["warnings"]


def test_an_unknown_language_is_refused_at_the_edge():
    done = run_cli("diagnose", "-s", "loss-nan", "--lang", "fr")
    assert done.returncode == 2 and "fr" in done.stderr


@pytest.mark.parametrize("full", [False, True])
def test_a_report_renders_each_guide_once(tmp_path, monkeypatch, full):
    """The report holds the full guide: with ``--full`` the printed guide is reused, without
    it the short one is rendered for stdout and the full one once for the report."""
    import jinja2
    from typer.testing import CliRunner

    from troubleshoot.frontends import cli

    calls = []
    real = jinja2.Template.render

    def counting(self, *args, **kwargs):
        calls.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    report = tmp_path / "report.html"
    args = ["diagnose", str(EXAMPLE), "--report", str(report), "-q", *["--full"] * full]
    done = CliRunner().invoke(cli.app, args)
    assert done.exit_code == 0, done.output
    page = report.read_text(encoding="utf-8")
    assert calls.count("guide.md.j2") == (1 if full else 2) and "<svg" in page
    assert "What is going on" in page  # the mechanism
    assert ("What is going on" in done.stdout) == full


def test_each_layer_has_one_table_of_interface_strings_in_both_languages():
    from troubleshoot.frontends.i18n import TEXT
    from troubleshoot.render.i18n import STRINGS

    for table in (TEXT, STRINGS):
        assert set(table) == set(Lang)
        assert table[Lang.EN].keys() == table[Lang.ZH].keys()


def test_the_terminal_summary_speaks_the_language_asked_for():
    done = run_cli("diagnose", str(EXAMPLE), "--lang", "zh")
    assert "发现的症状" in done.stderr and "可能的原因" in done.stderr
    assert "Symptoms found" not in done.stderr


@pytest.mark.parametrize(
    ("typed", "integer", "value"),
    [
        ("1e-3", False, 0.001),
        ("０．１", False, 0.1),
        ("8 per GPU", True, 8),
        ("10k", True, 10_000),
        ("1,024", True, 1024),
        ("5万", True, 50_000),
    ],
)
def test_one_number_parser_for_the_command_line_and_the_interview(typed, integer, value):
    from troubleshoot.consult.questions import Kind, Question
    from troubleshoot.frontends.interview.answers import Reply, parse
    from troubleshoot.knowledge.vocab import context_value

    key = "batch_size" if integer else "learning_rate"
    assert context_value(KB.context[key], typed) == value
    assert parse(KB, Question(Kind.CONTEXT, key), typed, Lang.EN) == Reply(value)


def test_runs_share_a_section_only_with_the_same_findings_and_framework():
    real = TESTS / "fixtures" / "reallogs"
    nan_twice = consult(KB, Request([real / "caffe-nan-01.log", real / "caffe-nan-03.log"]))
    caffe_and_keras = consult(KB, Request([real / "caffe-nan-01.log", real / "keras-inf-01.log"]))
    assert [len(s.ids) for s in sections(caffe_and_keras)] == [1, 1]
    assert [s.ids for s in sections(nan_twice)] == [[r.id for r in nan_twice.runs]]
