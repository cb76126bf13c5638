"""``troubleshoot interview`` in scripts: an answers file or lines on stdin, never a hang."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import MINI_KB, TESTS, run_cli

NAN_SUDDEN_LOG = TESTS / "fixtures" / "corpus" / "nan-sample-sudden-lightning.csv"


def interview(*args: str, input: str = ""):
    return run_cli("interview", "--kb", str(MINI_KB), *args, input=input)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_answers_file_runs_the_interview_to_the_guide(tmp_path):
    answers = write(
        tmp_path / "answers.yaml",
        "loss-nan-sudden: yes\nuses_batchnorm: yes\nbatch_size: 8 per GPU\n"
        "framework: torch\nloss: not sure\n",
    )
    done = interview("--answers", str(answers))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Troubleshooting guide")
    assert "### 1. BatchNorm with a tiny batch" in done.stdout
    assert "What do you see?" in done.stderr and "→ Loss is NaN" in done.stderr
    assert "1. BatchNorm with a tiny batch (small-bn): likely" in done.stderr
    assert not (tmp_path / "state").exists()


def test_a_missing_answer_names_the_question_instead_of_hanging(tmp_path):
    answers = write(tmp_path / "answers.yaml", "loss-nan: yes\n")
    done = interview("--answers", str(answers))
    assert done.returncode == 2
    assert "no answer for question loss-nan-sudden (Sudden NaN?)" in done.stderr
    assert "loss-nan-sudden: skip" in done.stderr and "Traceback" not in done.stderr
    done = interview("--answers", str(answers), "--skip-missing")
    assert done.returncode == 0, done.stderr
    assert "### 1. Exploding gradients" in done.stdout


def test_answers_file_mistakes_fail_before_the_first_question(tmp_path):
    answers = write(tmp_path / "answers.yaml", "los-nan: yes\n")
    done = interview("--answers", str(answers))
    assert done.returncode == 2
    assert "'los-nan' is neither a symptom id nor a context key" in done.stderr
    assert "Did you mean: loss-nan" in done.stderr
    assert "`troubleshoot kb symptoms` and `troubleshoot kb context` list them" in done.stderr
    answers = write(tmp_path / "answers.yaml", "batch_size: eight\n")
    done = interview("--answers", str(answers))
    assert done.returncode == 2 and "batch_size: I could not read a number" in done.stderr


def test_lines_on_stdin_answer_in_order_and_end_of_input_is_an_error():
    done = interview(input="loss-nan\nwhy\nmaybe\n1\n0\nyes\n8\ntorch\n")
    assert done.returncode == 0, done.stderr
    assert "Why I ask this" in done.stderr and "Please answer 1 (yes)" in done.stderr
    assert "### 1. BatchNorm with a tiny batch" in done.stdout
    assert "```python" in done.stdout and "```prototxt" not in done.stdout  # fitted to torch
    done = interview(input="loss-nan\n")
    assert done.returncode == 2
    assert "the input ended before question loss-nan-sudden (Sudden NaN?)" in done.stderr


def test_known_facts_are_not_asked(tmp_path):
    facts = write(tmp_path / "facts.yaml", "symptoms: [loss-nan-sudden]\n")
    answers = write(tmp_path / "answers.yaml", "batch_size: 16\n")
    done = interview(
        "--facts",
        str(facts),
        "-c",
        "uses_batchnorm=true",
        "--answers",
        str(answers),
        "--skip-missing",
    )
    assert done.returncode == 0, done.stderr
    assert "Already known:" in done.stderr and "[given; from facts.yaml]" in done.stderr
    assert "Besides what is already known, do you see any of these?" in done.stderr
    assert "Sudden NaN?" not in done.stderr and "BatchNorm layers?" not in done.stderr
    assert "Loss is NaN" not in done.stderr  # implied by a sudden NaN


def test_from_reads_files_and_asks_only_what_remains(tmp_path):
    done = interview("--from", str(NAN_SUDDEN_LOG), input="0\n0\nyes\n8\n")
    assert done.returncode == 0, done.stderr
    assert "Sudden NaN (loss-nan-sudden) [detected" in done.stderr
    assert "Sudden NaN?" not in done.stderr and "Which framework" not in done.stderr
    assert "### 1. BatchNorm with a tiny batch" in done.stdout


def test_guide_saved_as_html_and_chinese_throughout(tmp_path):
    answers = write(
        tmp_path / "a.yaml", "loss-nan: yes\nloss-nan-sudden: no\nloss: ctc\nframework: pytorch\n"
    )
    out = tmp_path / "guide.html"
    done = interview("--answers", str(answers), "--lang", "zh", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "你观察到了哪些现象" in done.stderr and "→ 否" in done.stderr
    assert "个问题之后的结论" in done.stderr and "CTC 缺少 blank(ctc):很可能" in done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lower().startswith("<!doctype html>") and "故障排查指南" in html


def test_resume_without_a_saved_interview_is_a_clear_error(tmp_path):
    done = interview("--resume", "--state", str(tmp_path / "none.json"))
    assert done.returncode == 2 and "no saved interview at" in done.stderr


def test_a_scripted_interview_can_be_saved_and_resumed(tmp_path):
    saved = tmp_path / "s.json"
    done = interview("--state", str(saved), input="loss-nan\n1\n")
    assert done.returncode == 2  # input ended: the answers so far are kept
    assert len(json.loads(saved.read_text(encoding="utf-8"))["answers"]) == 2
    done = interview("--resume", "--state", str(saved), input="0\nyes\n8\n0\n")
    assert done.returncode == 0, done.stderr
    assert "Resuming the interview" in done.stderr
    assert "### 1. BatchNorm with a tiny batch" in done.stdout
    done = interview("--resume", "--state", str(saved), "-s", "loss-nan")
    assert done.returncode == 2 and "takes no new facts" in done.stderr


def test_a_new_interview_moves_an_unfinished_one_aside(tmp_path):
    saved = tmp_path / "s.json"
    interview("--state", str(saved), input="loss-nan\n")
    done = interview("--state", str(saved), input="loss-nan\n")
    assert f"An unfinished interview in {saved} was moved to" in done.stderr
    previous = tmp_path / "s.previous.json"
    assert json.loads(previous.read_text(encoding="utf-8"))["answers"][0]["value"] == ["loss-nan"]


def test_quit_and_end_of_input_say_so():
    """Every exit says something, even with nothing saved."""
    done = interview(input="quit\n")
    assert done.returncode == 0
    assert "Stopped." in done.stderr and "Nothing was saved" in done.stderr
    done = interview("--lang", "zh", input="")
    assert done.returncode == 2 and "错误:输入在问题" in done.stderr and "error:" not in done.stderr


def test_typed_words_and_full_width_numbers_answer_the_opening():
    """With the bundled knowledge base: words are matched to its symptoms' phrasings."""
    done = run_cli("interview", input="oom\nquit\n")
    assert "→ GPU out of memory" in done.stderr and "Question 2" in done.stderr
    done = run_cli("interview", "--lang", "zh", input="过拟合\nquit\n")
    assert "→ 过拟合" in done.stderr and "第 2 题" in done.stderr
    done = run_cli("interview", "--lang", "zh", input="１\nquit\n")
    assert "第 2 题" in done.stderr and "不是 1 到" not in done.stderr
    done = run_cli("interview", input="the weather is nice\nquit\n")
    assert "I did not recognise a symptom in 'the weather is nice'" in done.stderr


def conclusion_of(tmp_path: Path, answers: str) -> str:
    """What the interview concludes from ``answers``, every other question skipped."""
    book = write(tmp_path / "answers.yaml", answers)
    done = run_cli(
        "interview", "--answers", str(book), "--skip-missing", "-o", str(tmp_path / "g.md")
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.split("Conclusion after", 1)[1]


def test_not_sure_leaves_causes_open_and_the_conclusion_names_them(tmp_path):
    # Every question but the symptom skipped: no rule of a too large rate can fire (each
    # needs the rate or a shape of the loss), yet "not sure" rules nothing out, so the
    # conclusion still names it as possible.
    unsure = conclusion_of(tmp_path, "loss-nan: yes\n")
    assert "(lr-too-large): possible, not yet supported by your answers" in unsure
    # A clear leader: the conclusion names only causes whose rules fired.
    clear = conclusion_of(tmp_path, "loss-87-3365: yes\nframework: caffe\n")
    assert "(softmax-overflow-87): likely" in clear
    assert "possible, not yet supported" not in clear
