"""The guide where people read it: drawn on a terminal, Markdown in a pipe or a file."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import TESTS, run_cli
from rich.cells import cell_len

from troubleshoot.render.html import markdown_to_html
from troubleshoot.render.terminal import draw

pexpect = pytest.importorskip("pexpect")

WIDTH = 80
TIMEOUT = 120  # generous: a slow machine must not fail the test (nothing here is timed)
# Escape sequences a terminal does not show: SGR styles, OSC 8 hyperlinks.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b\x07]*(?:\x1b\\|\x07)")
_COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]")
ARGS = ("diagnose", "-s", "loss-nan", "-c", "framework=pytorch")


def on_terminal(tmp_path: Path, *args: str, no_color: bool = False) -> str:
    """What the real command prints to an 80-column pseudo-terminal."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color"}
    for name in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR"):
        env.pop(name, None)
    if no_color:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "troubleshoot", *args],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, WIDTH),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


def visible_lines(screen: str) -> list[str]:
    """The lines as shown, without escapes or the spaces rich pads lines with."""
    return [line.rstrip() for line in _ESCAPES.sub("", screen).replace("\r\n", "\n").splitlines()]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_guide_is_drawn_on_a_terminal_within_its_width(tmp_path, lang):
    screen = on_terminal(tmp_path, *ARGS, "--lang", lang)
    lines = visible_lines(screen)
    text = "\n".join(lines)
    assert "NaN" in text and "loss-nan" in text
    for marker in ("### ", "## ", "**", "```"):
        assert marker not in text, marker
    too_wide = [line for line in lines if cell_len(line) > WIDTH]
    assert too_wide == []
    assert _COLOUR.search(screen)  # code is highlighted where colour is allowed


def test_no_color_is_honoured(tmp_path):
    screen = on_terminal(tmp_path, *ARGS, no_color=True)
    assert "loss-nan" in screen
    assert not _COLOUR.search(screen)


def test_piped_output_is_still_markdown():
    done = run_cli(*ARGS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Troubleshooting guide\n")
    assert "\n### 1. " in done.stdout and "**" in done.stdout and "```python" in done.stdout
    assert "\x1b" not in done.stdout


def test_chinese_drawn_at_80_columns_never_passes_them():
    sentence = "梯度过大时,每次更新都会冲过头,loss 一次比一次高,最后变成 inf 或 NaN。"
    table = f"| 列 | 说明 |\n| --- | --- |\n| a | {sentence} |\n"
    markdown = f"# 标题\n\n{sentence * 4}\n\n- {sentence * 2}\n\n{table}"
    out = io.StringIO()
    draw(markdown, out, width=WIDTH)
    lines = visible_lines(out.getvalue())
    assert any("梯度" in line for line in lines)
    assert max(cell_len(line) for line in lines) <= WIDTH
    assert any(cell_len(line) > len(line) + 20 for line in lines)  # wide lines were measured


def test_a_line_break_inside_chinese_is_not_drawn_as_a_space():
    out = io.StringIO()
    draw("如果 loss 本来在正常下降,\n却在某一步突然变成 NaN\n\nfalls\nsteadily", out, width=WIDTH)
    text = visible_lines(out.getvalue())
    assert "如果 loss 本来在正常下降,却在某一步突然变成 NaN" in text[0]
    assert "falls steadily" in "\n".join(text)
    page = markdown_to_html("正常下降,\n却在某一步\n\nfalls\nsteadily")  # a browser too
    assert "正常下降,却在某一步" in page and "falls\nsteadily" in page


@pytest.mark.parametrize(
    "args",
    [
        ("kb", "symptoms", "--lang", "zh"),
        ("kb", "context", "--lang", "zh"),
        ("kb", "list", "--lang", "zh"),
        ("kb", "show", "nan-exploding-gradient", "--lang", "zh"),
        ("diagnose", str(TESTS / "fixtures" / "reallogs" / "caffe-87-01.log"), "--lang", "zh"),
    ],
    ids=["symptoms", "context", "list", "show", "diagnose"],
)
def test_chinese_tables_and_summaries_fit_80_columns(tmp_path, args):
    lines = visible_lines(on_terminal(tmp_path, *args))
    assert any(cell_len(line) > len(line) for line in lines)  # Chinese was shown
    assert [line for line in lines if cell_len(line) > WIDTH] == []


def test_the_chinese_interview_fits_80_columns(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color"}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    for name in ("COLUMNS", "LINES"):
        env.pop(name, None)
    command = ["-m", "troubleshoot", "interview", "--lang", "zh", "-s", "loss-nan"]
    child = pexpect.spawn(
        sys.executable,
        command,
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, WIDTH),
    )
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect("> ")
    child.sendline("why")
    child.expect("> ")
    child.sendline("quit")
    child.expect(pexpect.EOF)
    lines = visible_lines(screen.getvalue())
    assert any(cell_len(line) > len(line) + 10 for line in lines)  # Chinese was shown
    assert [line for line in lines if cell_len(line) > WIDTH] == []


def test_chinese_fills_its_lines_instead_of_breaking_at_english_words():
    """Chinese may break between any two characters: a paragraph mixing Chinese with English
    words fills each line to the width, where breaking only at spaces leaves lines half
    empty. English words are never split."""
    text = (
        "在训练日志里不区分大小写地搜索 nan 和 inf,例如 grep -inE loss train.log,"
        "记下第一次出现的迭代号。若是自己写的训练循环,每一步检查 torch.isfinite(loss),"
        "第一次不成立时就停下。"
    )
    out = io.StringIO()
    draw(text, out, width=40)
    lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) >= 4
    for line in lines[:-1]:
        assert 34 <= cell_len(line) <= 40, lines
    words = {w for line in lines for w in re.findall(r"[A-Za-z.()]+", line)}
    assert {"train.log", "torch.isfinite(loss)"} <= words


def test_a_line_never_breaks_inside_a_hyphenated_identifier():
    """Unicode allows a break after a hyphen; an id such as plateau-lr-drop split over two
    lines cannot be copied whole, so the break goes before it."""
    from troubleshoot.render.cjk import wrap_cells

    text = (
        "2. 验证 loss 趋于平稳:从平台期的快照继续训练,并把学习率降为十分之一"
        "(plateau-lr-drop):值得一查"
    )
    lines = wrap_cells(text, 78)
    assert any("plateau-lr-drop" in line for line in lines), lines
    assert all(cell_len(line) <= 78 for line in lines)


def test_english_breaks_only_at_spaces_so_paths_and_run_ids_stay_whole():
    """Text without Chinese is broken where rich breaks it, at spaces (uniseg, which cost
    half a minute on the guide to a log of 200 runs, also broke after each "/")."""
    runs = [f"/tmp/logs/train.log#run-{n}" for n in range(1, 30, 3)]
    out = io.StringIO()
    draw("Runs: " + ", ".join(runs), out, width=40)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) > 3
    assert all(cell_len(line) <= 40 for line in lines), lines
    whole = {word.rstrip(",") for line in lines for word in line.split()}
    assert set(runs) <= whole, lines


def test_the_reading_bar_shows_only_for_a_big_input_once_its_size_is_known():
    """A small input draws no bar, and a big one never an empty "0/?" bar before its size."""
    from rich.console import Console

    from troubleshoot.frontends.summary import BIG_INPUT, progress_bar

    drawn = {}
    for total in (1000, 2 * BIG_INPUT):
        out = io.StringIO()
        with progress_bar(Console(file=out, force_terminal=True, width=80)) as update:
            update(total // 2, total)
        drawn[total] = out.getvalue()
    assert "reading" not in drawn[1000]
    assert "reading" in drawn[2 * BIG_INPUT] and "67.1/134.2 MB" in drawn[2 * BIG_INPUT]
    assert "0/?" not in drawn[2 * BIG_INPUT]


def test_a_path_in_chinese_text_is_never_broken_at_a_slash():
    """Unicode allows a break after "/"; a path split over two lines cannot be copied."""
    from troubleshoot.render.cjk import wrap_cells

    path = "/work/runs/tests/fixtures/reallogs/caffe-oom-01.log"
    text = f"显存不足 out of memory ({path}, 行 16),先检查残留的进程。"
    for width in (60, 70, 78):
        lines = wrap_cells(text, width)
        assert any(path in line for line in lines), lines
        assert all(cell_len(line) <= width for line in lines)


def test_a_chinese_summary_cell_is_wrapped_not_cut_short(tmp_path):
    """Broken at spaces only, a Chinese evidence line could be wider than its column, and
    rich cut its end off with an ellipsis ("即 ln(10) = 2.30…"): the number was lost."""
    log = tmp_path / "train.log"
    lines = [
        f"[2024/05/01 12:00:00] ppcls INFO: [训练] 轮次: 1, 迭代: {20 * i}, "
        f"学习率: 0.0001, 损失: {2.303 - 0.00001 * i:.5f}, 准确率: 0.{10 + i % 3}"
        for i in range(101)
    ]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    screen = visible_lines(on_terminal(tmp_path, "diagnose", "--lang", "zh", str(log)))
    start = screen.index("发现的症状")
    summary = screen[start : screen.index(next(line for line in screen if "可能的原因" in line))]
    assert any("ln(10) = 2.303" in line for line in summary), summary
    assert not any("…" in line for line in summary), summary


def test_the_summary_shows_a_path_with_brackets_as_it_is(tmp_path):
    """Evidence and run ids are not rich markup: "[train]" in a path stayed hidden."""
    log = tmp_path / "exp[train]" / "run[bold].log"
    log.parent.mkdir()
    log.write_bytes((TESTS / "fixtures" / "reallogs" / "caffe-nan-01.log").read_bytes())
    done = run_cli("diagnose", str(log), "--output", str(tmp_path / "guide.md"))
    assert done.returncode == 0, done.stderr
    assert "exp[train]/run[bold].log" in done.stdout + done.stderr
