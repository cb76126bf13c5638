"""The guide is fitted to the user's framework, short by default, and says how likely each
cause is in words; confirm, fixed-when, what-next and wrong/right code reach every output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from troubleshoot.consult.consultation import Request, consult, consult_facts
from troubleshoot.consult.likelihood import BANDS, likelihood
from troubleshoot.facts import ContextFact, FactSet, SymptomFact
from troubleshoot.knowledge.load import cached_kb, load_kb
from troubleshoot.lang import Lang
from troubleshoot.render.guide import WORD_BUDGET, render_guide, steps_shown, words
from troubleshoot.render.pages import lesson_page

KB = cached_kb()
CODE_LABEL = re.compile(r"^ {3}((?:Caffe|PyTorch|TensorFlow|Keras|Shell)\b[^:\n]*):$", re.M)
CODE = re.compile(r"^ *```[a-z]*\n(.*?)^ *```$", re.M | re.S)


def labels(guide: str) -> set[str]:
    return set(CODE_LABEL.findall(guide))


def test_the_real_command_shows_only_the_users_framework():
    done = run_cli("diagnose", "-s", "loss-nan", "-c", "framework=pytorch")
    assert done.returncode == 0, done.stderr
    assert "PyTorch" in labels(done.stdout) <= {"PyTorch", "Shell"}
    code = "".join(CODE.findall(done.stdout))
    assert "torch" in code
    for other in ("keras.", "base_lr", "prototxt", "tf."):
        assert other not in code


def test_every_framework_when_it_is_not_known():
    guide = render_guide(consult(KB, Request(symptoms=["loss-nan"])), Lang.EN)
    assert {"Caffe", "PyTorch", "Keras"} <= labels(guide)


# ---------------------------------------------------------------- confirm, fixed when, pairs


@pytest.fixture
def taught_kb(kb_copy: Path) -> Path:
    """The test kb with one lesson that uses every new field: a check with a shell command,
    "fixed when", what to try next, and a wrong/right pair."""
    path = kb_copy / "lessons" / "exploding.yaml"
    lesson = yaml.safe_load(path.read_text(encoding="utf-8"))
    lesson["confirm"] = {
        "text": {"en": "Print the global gradient norm.", "zh": "打印全局梯度范数。"},
        "shows": {"en": "It grows tenfold before the NaN.", "zh": "NaN 之前它增长十倍。"},
        "beyond_sources": True,
        "code": {
            "pytorch": 'print(torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf")))',
            "caffe": "debug_info: true",
            "shell": "grep -n -m1 nan train.log",
        },
    }
    lesson["fixed_when"] = {"en": "The loss stays finite.", "zh": "loss 保持有限。"}
    lesson["otherwise"] = ["ctc"]
    lesson["related"] = ["ctc", "small-bn"]
    lesson["steps"][0]["code"]["pytorch"] = "optimizer = torch.optim.SGD(params, lr=0.01)"
    lesson["steps"][0]["wrong"] = {"pytorch": "optimizer = torch.optim.SGD(params, lr=0.1)"}
    path.write_text(yaml.safe_dump(lesson, allow_unicode=True), encoding="utf-8")
    return kb_copy


def nan_with(framework: str) -> FactSet:
    facts = FactSet()
    facts.add(SymptomFact("loss-nan"))
    facts.add(SymptomFact("loss-diverging"))
    facts.add(ContextFact("framework", framework))
    return facts


def test_confirm_fixed_when_otherwise_and_pairs_in_the_guide(taught_kb):
    kb = load_kb(taught_kb)
    guide = render_guide(consult_facts(kb, nan_with("pytorch")), Lang.EN)
    assert "**Check that this is it:** Print the global gradient norm." in guide
    assert "It is, if: It grows tenfold before the NaN." in guide
    assert "grep -n -m1 nan train.log" in guide and "clip_grad_norm_" in guide
    assert "debug_info" not in guide  # Caffe's version of the check
    assert labels(guide) == {"PyTorch", "Shell", "PyTorch (wrong)", "PyTorch (right)"}
    assert guide.index("lr=0.1)") < guide.index("lr=0.01)")
    assert "**Fixed when:** The loss stays finite." in guide
    assert "**If that did not help:** CTC without blank (`ctc`)" in guide
    see_also = next(line for line in guide.splitlines() if line.startswith("**See also:**"))
    assert "`ctc`" not in see_also and "`small-bn`" in see_also  # named once, above
    chinese = render_guide(consult_facts(kb, nan_with("pytorch")), Lang.ZH)
    assert "**确认是不是这个原因:** 打印全局梯度范数。" in chinese
    assert "PyTorch (错误写法)" in chinese and "**修好的标志:** loss 保持有限。" in chinese
    assert "**如果没有用:** CTC 缺少 blank (`ctc`)" in chinese


def test_confirm_fixed_when_otherwise_and_pairs_in_json_and_report(taught_kb, tmp_path):
    report = tmp_path / "report.html"
    args = ["-s", "loss-nan", "-s", "loss-diverging", "-c", "framework=caffe", "--kb"]
    done = run_cli("diagnose", *args, str(taught_kb), "-f", "json", "--report", str(report))
    assert done.returncode == 0, done.stderr
    top = json.loads(done.stdout)["diagnoses"][0]
    assert top["id"] == "exploding"
    assert top["confirm"]["shows"] == "It grows tenfold before the NaN."
    assert set(top["confirm"]["code"]) == {"caffe", "shell"}  # fitted: no PyTorch
    assert top["fixed_when"] == "The loss stays finite."
    assert top["otherwise"] == [{"id": "ctc", "title": "CTC without blank"}]
    assert top["steps"][0]["code"] == {"caffe": "base_lr: 0.001"} and top["steps"][0]["wrong"] == {}
    page = report.read_text(encoding="utf-8")
    assert "It grows tenfold before the NaN." in page and "The loss stays finite." in page
    assert "Test mechanism." in page  # the report is the full guide
    pair = run_cli(
        "diagnose", *args[:-2], "framework=pytorch", "--kb", str(taught_kb), "-f", "json"
    )
    step = json.loads(pair.stdout)["diagnoses"][0]["steps"][0]
    assert step["wrong"] == {"pytorch": "optimizer = torch.optim.SGD(params, lr=0.1)"}


def test_the_lesson_page_shows_the_check_and_what_next(taught_kb):
    kb = load_kb(taught_kb)
    page = lesson_page(kb, kb.lessons["exploding"], Lang.EN)
    assert "## Check that this is it" in page and "debug_info: true" in page
    assert "**Fixed when:** The loss stays finite." in page
    assert "**If that did not help:** CTC without blank (`ctc`)" in page


# ---------------------------------------------------------------- short


def cause_sections(guide: str) -> dict[str, str]:
    """Each detailed cause's text, by lesson id."""
    out = {}
    for part in re.split(r"^#+ \d+\. ", guide, flags=re.M)[1:]:
        part = re.split(r"^#+ (Also considered|Sources|Checklist)", part, flags=re.M)[0]
        out[re.search(r"^`([a-z0-9.-]+)` ·", part, re.M).group(1)] = part
    return out


@pytest.mark.parametrize("framework", [None, "pytorch", "caffe"])
def test_a_default_cause_fits_the_word_budget(framework):
    """Every cause of every symptom given alone: within the budget, unless its first step
    alone is over it (the guide always shows one)."""
    context = [f"framework={framework}"] if framework else []
    checked = 0
    for symptom in KB.symptoms:
        consultation = consult(KB, Request(symptoms=[symptom], context=context))
        guide = render_guide(consultation, Lang.EN)
        for lesson_id, text in cause_sections(guide).items():
            if steps_shown(KB, KB.lessons[lesson_id], framework) > 1:
                assert words(text) <= WORD_BUDGET, (symptom, lesson_id, words(text))
                checked += 1
    assert checked > 10


def test_the_full_guide_has_the_mechanism_caveats_and_every_step():
    consultation = consult(KB, Request(symptoms=["loss-nan"], context=["framework=pytorch"]))
    short, full = (render_guide(consultation, Lang.EN, full=f) for f in (False, True))
    assert "What is going on" not in short and "Caveats" not in short
    assert "What is going on" in full and "Caveats" in full
    lesson = consultation.result.diagnoses[0].lesson
    assert len(re.findall(r"^\d+\. ", cause_sections(full)[lesson.id], re.M)) == len(lesson.steps)
    assert words(short) < words(full) * 0.7
    assert "Further steps (" in short and "Further steps (" not in full


def test_the_budget_cuts_steps_cheapest_first():
    lesson = KB.lessons["nan-exploding-gradient"]
    assert 1 <= steps_shown(KB, lesson, "pytorch") <= len(lesson.steps)
    # every framework's code takes more room than one framework's
    assert steps_shown(KB, lesson, None) <= steps_shown(KB, lesson, "pytorch")


# ---------------------------------------------------------------- see also


def test_see_also_is_short_unique_and_names_no_cause_shown():
    for symptom in KB.symptoms:
        guide = render_guide(consult(KB, Request(symptoms=[symptom])), Lang.EN)
        shown = set(cause_sections(guide))
        for line in guide.splitlines():
            if line.startswith("**See also:**"):
                ids = re.findall(r"\(`([a-z0-9.-]+)`\)", line)
                assert len(ids) == len(set(ids)) <= 5, (symptom, ids)
                assert not set(ids) & shown, (symptom, ids)


def test_kb_show_names_each_related_lesson_once():
    done = run_cli("kb", "show", "lr-too-large")
    related = done.stdout.split("## Related")[1].split("## ")[0]
    ids = re.findall(r"\(`([a-z0-9.-]+)`\)", related)
    assert ids.count("lr-step-decay") == 1 and len(ids) == len(set(ids))


# ---------------------------------------------------------------- likelihood in words


def test_bands_cover_every_score_once_highest_first():
    lows = [low for low, _ in BANDS]
    assert lows == sorted(lows, reverse=True) and lows[-1] == 0
    assert [likelihood(s) for s in (1.0, 0.6, 0.59, 0.35, 0.3, 0.01)] == [
        "likely",
        "likely",
        "possible",
        "possible",
        "worth-a-check",
        "worth-a-check",
    ]


def test_pages_say_the_likelihood_in_words_and_json_keeps_the_score():
    done = run_cli("diagnose", "-s", "loss-nan", "-f", "json")
    out = json.loads(done.stdout)
    for entry in out["diagnoses"]:
        assert entry["likelihood"] == likelihood(entry["score"])
    weak = next(e for e in out["diagnoses"] if e["likelihood"] == "worth-a-check")
    assert f"`{weak['id']}` · **worth a check**" in out["guide"]
    assert "confidence" not in out["guide"]
    shown = re.findall(r"^`[a-z0-9.-]+` · \*\*(.+?)\*\* ·", out["guide"], re.M)
    assert shown and set(shown) <= {"likely", "possible", "worth a check"}
    chinese = render_guide(consult(KB, Request(symptoms=["loss-nan"])), Lang.ZH)
    assert f"`{weak['id']}` · **值得一查**" in chinese


def test_keras_and_tensorflow_stand_in_for_each_other():
    from troubleshoot.knowledge.schema import Step
    from troubleshoot.render.templating import fitted_keys

    step = Step.model_validate(
        {
            "text": {"en": "a", "zh": "甲"},
            "beyond_sources": True,
            "code": {"keras": "k", "caffe": "c"},
        }
    )
    assert fitted_keys(step, "tensorflow") == fitted_keys(step, "keras") == ["keras"]
    assert fitted_keys(step, "pytorch") == []


def test_the_calibration_labels_name_real_runs_and_diagnoses():
    from conftest import REPO
    from test_detect_corpus import manifest
    from test_detect_real import REALLOG_SYMPTOMS

    labels = yaml.safe_load((REPO / "benchmarks" / "fitting_lessons.yaml").read_text("utf-8"))
    assert set(labels["corpus"]) == set(manifest())
    assert set(labels["reallogs"]) <= set(REALLOG_SYMPTOMS)
    for fitting in [*labels["corpus"].values(), *labels["reallogs"].values()]:
        assert all(KB.lessons[i].kind.value == "diagnosis" for i in fitting)
    for name, run in manifest().items():  # a healthy run has no fitting lesson
        assert not labels["corpus"][name] or not run["healthy"]


def test_the_terminal_summary_says_the_likelihood_in_words():
    from conftest import REPO

    done = run_cli("diagnose", str(REPO / "examples" / "caffe-87.log"))
    assert done.returncode == 0, done.stderr
    assert "likelihood" in done.stderr and "likely" in done.stderr
    assert "confidence" not in done.stderr and not re.search(r"\b0\.\d\d\b", done.stderr)


def test_the_interviews_guide_is_fitted_too(taught_kb, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("loss-nan-sudden: no\nloss-nan: yes\nloss-diverging: yes\n", "utf-8")
    args = ["--answers", str(answers), "--skip-missing", "-c", "framework=caffe"]
    done = run_cli("interview", "--kb", str(taught_kb), *args)
    assert done.returncode == 0, done.stderr
    assert "### 1. Exploding gradients" in done.stdout
    assert labels(done.stdout) == {"Caffe", "Shell"}


def test_sources_name_the_article_id_the_text_uses_and_no_private_file():
    guide = render_guide(consult(KB, Request(symptoms=["loss-87-3365"])), Lang.EN)
    listed = guide.split("## Sources", 1)[1]
    assert "1. `000` " in listed and "`002` " in listed  # "article 002" in a lesson's text
    assert ".txt" not in listed  # the articles are not redistributed


def test_nothing_found_says_what_could_not_be_judged(tmp_path):
    short = tmp_path / "short.log"
    short.write_text("".join(f"epoch {e} train loss {2.5 - 0.01 * e:.3f}\n" for e in range(6)))
    done = run_cli("diagnose", str(short))
    assert "No problem symptoms were found" in done.stdout
    assert "What could not be judged" in done.stdout and "loss-shape checks need" in done.stdout
