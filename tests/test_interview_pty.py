"""The real ``troubleshoot interview`` in a pseudo-terminal, driven as a person would."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from conftest import MINI_KB, spawn_interview

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 60  # generous: a slow machine must not fail the test (nothing here is timed)


def spawn(tmp_path: Path, *args: str, kb: Path = MINI_KB, rows: int = 40, columns: int = 200):
    return spawn_interview(tmp_path, *args, kb=kb, rows=rows, columns=columns, timeout=TIMEOUT)


def number_of(child, label: str) -> str:
    """The number shown before an option, read off the screen as a person would."""
    child.expect(rf"(\d+)  {label}")
    number = child.match.group(1)
    child.expect("> ")
    return number


def state_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "troubleshoot" / "interview.json"


def test_a_person_answers_asks_why_goes_back_interrupts_and_resumes(tmp_path):
    child = spawn(tmp_path, "--output", "guide.md")
    child.expect("What do you see")
    child.sendline(number_of(child, "Loss is NaN"))

    child.expect("Sudden NaN")
    child.expect("> ")
    child.sendline("why")
    child.expect("Why I ask this")
    child.expect("BatchNorm with a tiny batch")
    child.expect("Sudden NaN")  # the question again, below the answer
    child.expect("> ")
    child.sendline("how")
    child.expect(r"small-bn/tiny-batch \(weight 0\.70\)")
    child.expect("> ")
    child.sendline("maybe")
    child.expect("Please answer 1 \\(yes\\), 2 \\(no\\) or 0 \\(not sure\\)")
    child.sendline("1")

    seen_batchnorm = False
    while True:
        index = child.expect(["loss function", "use BatchNorm", "batch size per device"])
        child.expect("> ")
        if index == 0:
            child.sendline("0")  # not sure
        elif index == 1:
            child.sendline("yes")
            seen_batchnorm = True
        else:
            break
    assert seen_batchnorm

    # Change the previous answer: the BatchNorm question comes back.
    child.sendline("back")
    child.expect("Going back to: Does the network use BatchNorm layers")
    child.expect("> ")
    child.sendline("y")
    child.expect("batch size per device")
    child.expect("> ")
    child.sendline("eight")
    child.expect("could not read a number in 'eight'")
    child.expect("> ")

    child.sendintr()  # Ctrl-C
    child.expect("Interrupted")
    child.expect("saved in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = json.loads(state_file(tmp_path).read_text(encoding="utf-8"))
    assert [a["name"] for a in saved["answers"]][-1] == "uses_batchnorm"

    child = spawn(tmp_path, "--resume", "--output", "guide.md")
    child.expect("Resuming the interview")
    child.expect("batch size per device")
    child.expect("> ")
    child.sendline("8 per GPU")
    if child.expect(["Which framework", "Conclusion after"]) == 0:
        child.expect("> ")
        child.sendline("0")
        child.expect("Conclusion after")
    child.expect(r"1\. BatchNorm with a tiny batch \(small-bn\): likely")
    child.expect("press Enter for the guide")
    child.expect("> ")
    child.sendline("how")
    child.expect("How the ranking is reached")
    child.expect(r"rule small-bn/tiny-batch, weight 0\.70")
    child.expect(r"batch_size = 8 \[answered\]")
    child.expect("> ")
    child.sendline("")
    child.expect("Wrote guide.md")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    guide = (tmp_path / "guide.md").read_text(encoding="utf-8")
    assert "### 1. BatchNorm with a tiny batch" in guide
    assert json.loads(state_file(tmp_path).read_text(encoding="utf-8"))["finished"] is True


def test_a_closed_terminal_keeps_the_answers(tmp_path):
    child = spawn(tmp_path)
    child.expect("What do you see")
    child.sendline(number_of(child, "Loss is NaN"))
    child.expect("Sudden NaN")
    child.expect("> ")
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 129
    saved = json.loads(state_file(tmp_path).read_text(encoding="utf-8"))
    assert saved["answers"][0]["value"] == ["loss-nan"]


def test_the_whole_interview_speaks_chinese(tmp_path):
    child = spawn(tmp_path, "--lang", "zh")
    child.expect("你观察到了哪些现象")
    choice = number_of(child, "loss 为 NaN")
    assert "都没有/不确定" in child.before  # the options shown before the prompt
    child.sendline(choice)
    child.expect("第 2 题")
    child.expect("突然出现 NaN")
    child.expect("> ")
    child.sendline("为什么")
    child.expect("为什么问这个问题")
    child.expect("自己检查的方法")
    child.expect("> ")
    child.sendline("怎么")
    child.expect("规则 small-bn/tiny-batch")
    child.expect("> ")
    child.sendline("帮助")
    child.expect("修改上一个回答")
    child.expect("> ")
    child.sendline("退出")
    child.expect("目前的回答已保存")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def _screen(child, text: str) -> list[str]:
    """What a person sees after typing ``text``: the lines up to the next prompt."""
    child.sendline(text)
    child.expect("\r\n> ")
    return child.before.split("\r\n")


@pytest.mark.parametrize(("lang", "why_word"), [("en", "why"), ("zh", "为什么")], ids=["en", "zh"])
def test_the_opening_and_a_why_answer_fit_80_by_24(tmp_path, lang, why_word):
    """With the bundled knowledge base, in a terminal of 80 columns and 24 rows: the whole
    first screen (title to prompt) and a ``why`` answer with its question shown again fit,
    with no line wider than the terminal."""
    from rich.cells import cell_len

    bundled = Path(__file__).parents[1] / "kb"
    child = spawn(tmp_path, "--lang", lang, kb=bundled, rows=24, columns=80)
    child.expect("\r\n> ")
    opening = child.before.split("\r\n")
    picked = _screen(child, "1")  # loss becomes NaN
    why = _screen(child, why_word)
    child.sendline("quit")
    child.expect(pexpect.EOF)
    for screen in (opening, why):
        plain = [_plain(line) for line in screen]
        assert len(plain) + 1 <= 24, "\n".join(plain)  # + the prompt line
        assert max(cell_len(line) for line in plain) <= 80, "\n".join(plain)
    assert any("2" in line for line in picked)  # the second question came
    assert len(why) > 4  # the answer and the question again


def _plain(line: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip()
