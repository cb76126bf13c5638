"""``troubleshoot interview --lang zh`` says nothing in English but ids, paths and code: every
error of reading, of the vocabulary, of an answers or state file and of the output, and
every question, ``why``, ``how`` and exit in an 80x24 terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TESTS, run_cli, spawn_interview

from troubleshoot.consult.questions import OPENING
from troubleshoot.knowledge.load import cached_kb

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 120  # generous: a slow machine must not fail the test (nothing here is timed)
REAL = TESTS / "fixtures" / "reallogs"

# Names that stay as they are in Chinese: frameworks, file formats and tools, the commands a
# person types, and the terms the Chinese texts keep on purpose (loss, NaN, logits).
_NAMES = """
Caffe Keras PyTorch Lightning Hugging Face CSV TSV CSVLogger metrics.csv Ultralytics results.csv
W&B JSON Lines detectron2 metrics.json mmengine scalars.json trainer_state.json TensorBoard
MLflow mlruns mlflow.db gzip Python UTF-8 YAML PNG JPEG PDF HDF5 NumPy pickle zip caffe-glog
TensorFlow
troubleshoot kb symptoms context interview key=value resume state
true false yes no help why how back quit skip
loss NaN nan logits oom BatchNorm BN GPU ReLU ln Softmax softmax CTC KL Infogain L2 sigmoid
SGD Adam lr FLT_MIN num_output InnerProduct val_acc step epoch tau train blank log out of memory
"""
NAMES = set(_NAMES.split())
_WORD = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9_.&=+-]*")


def english_words(text: str, *paths: Path | str) -> list[str]:
    """The ASCII words of ``text`` that are not an id of the knowledge base, a name of
    :data:`NAMES`, a path given, code (between backquotes), what the person typed (quoted
    “so”) or a letter (the keys of the opening's lists)."""
    kb = cached_kb()
    ids = {*kb.symptoms, *kb.lessons, *kb.context, *kb.errors}
    ids |= {str(c.value) for key in kb.context.values() for c in key.choices}
    ids |= {word for key in kb.context.values() for word in key.amounts or {}}
    ids |= {rule.id for lesson in kb.lessons.values() for rule in lesson.rules} | {OPENING}
    text = text.replace("\r", "")
    for path in sorted(map(str, paths), key=len, reverse=True):  # wrapped, maybe
        text = re.sub(r"(?:\n\s*)?".join(map(re.escape, path)), " ", text)
    text = re.sub(r"`[^`]*`|“[^”]*”", " ", text)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # the terminal's colours
    found = []
    for word in _WORD.findall(text):
        word = word.rstrip(".-/")
        if len(word) > 1 and word not in NAMES | ids and word.lower() not in NAMES:
            found.append(word)
    return found


def interview(*args: str, input: str = "quit\n"):
    return run_cli("interview", "--lang", "zh", *args, input=input)


def test_the_check_sees_english():
    """The check can fail: an English reason is caught, a path or an id is not."""
    path = Path("/tmp/x.log")
    found = english_words(f"错误:{path}: no such file or folder", path)
    assert found == ["such", "file", "or", "folder"]  # "no" is a reply people type
    assert english_words(f"错误:{path}:没有这个文件 loss-nan `troubleshoot kb`", path) == []


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zh")
    made = {
        "garbage": (folder / "garbage.bin", bytes(range(256)) * 8),
        "png": (folder / "picture.png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        "gbk": (folder / "notes.log", "训练日志\n损失变成了 nan\n".encode("gbk")),
        "yaml": (folder / "broken.yaml", b"loss-nan: [yes\n"),
        "typo": (folder / "typo.yaml", b"loss-nann: yes\n"),
        "value": (folder / "value.yaml", b"learning_rate: fast\n"),
        "state": (folder / "state.json", b'{"version": 99}'),
        "facts": (folder / "facts.yaml", b"\xff\xfe garbage: ["),
    }
    for path, data in made.values():
        path.write_bytes(data)
    return {name: path for name, (path, _) in made.items()} | {"missing": folder / "gone.log"}


CASES = {
    "garbage file": ["--from", "{garbage}"],
    "a PNG": ["--from", "{png}"],
    "GBK notes": ["--from", "{gbk}"],
    "missing file": ["--from", "{missing}"],
    "several unreadable": ["--from", "{missing}", "--from", "{garbage}"],
    "bad number": ["-c", "learning_rate=fast"],
    "not whole": ["-c", "batch_size=1.5"],
    "unknown key": ["-c", "frameworkk=torch"],
    "unknown value": ["-c", "framework=mxnett"],
    "bad boolean": ["-c", "uses_batchnorm=maybe"],
    "no equals": ["-c", "framework"],
    "unknown symptom": ["-s", "loss-nann"],
    "answers not YAML": ["--answers", "{yaml}"],
    "answers typo": ["--answers", "{typo}"],
    "answers value": ["--answers", "{value}"],
    "answers missing": ["--answers", "{missing}"],
    "facts not UTF-8": ["--facts", "{facts}"],
    "state of another version": ["--resume", "--state", "{state}"],
    "output folder missing": ["--output", "{missing}/guide.md"],
    "output is a folder": ["--output", "{folder}"],
}


@pytest.mark.parametrize("case", CASES)
def test_errors_in_chinese_say_nothing_in_english(files, case):
    """Each was English under ``--lang zh`` (reader, vocabulary, YAML, state and output
    errors were worded where they were raised)."""
    names = {**files, "folder": files["garbage"].parent}
    args = [arg.format(**names) for arg in CASES[case]]
    done = interview(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("错误:") and "Traceback" not in done.stderr
    paths = [*names.values(), *(arg for arg in args if "/" in arg)]
    assert english_words(done.stderr, *paths) == [], done.stderr


def test_a_reading_error_in_english_is_unchanged(files):
    """English keeps its wording (the JSON contract and scripts read it)."""
    done = run_cli("interview", "--from", str(files["garbage"]), input="quit\n")
    assert done.returncode == 2
    assert f"error: {files['garbage']}: this is binary data (first bytes 00 01 02 03" in (
        done.stderr
    )
    assert "accepted: Caffe logs" in done.stderr


def spawn(tmp_path: Path, *args: str):
    """The Chinese interview on the bundled knowledge base, in an 80x24 terminal."""
    return spawn_interview(
        tmp_path, "--lang", "zh", *args, kb=None, rows=24, columns=80, timeout=TIMEOUT
    )


def screens(text: str) -> list[list[str]]:
    """The dialog cut into what each prompt shows: the lines since the previous prompt."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")
    return [part.split("\n") for part in text.split("> ")]


def test_a_person_in_chinese_at_80_by_24_meets_no_english(tmp_path):
    """Typed words, commands, a full-width number, a wrong answer, back and Ctrl-C: all in
    Chinese; no line is wider than 80 columns, and each question, the first screen and the
    answer to why (with the question below it) fit 24 lines."""
    child = spawn(tmp_path, "--from", str(REAL / "caffe-nan-01.log"))
    shown = []
    child.logfile_read = _Keep(shown)
    child.expect("你还观察到下面哪些现象")
    for typed, reply in [
        ("why", "可以解释已知信息"),
        ("帮助", "显示本列表"),
        ("how", "排名是怎么得出的"),
        ("87", "87.3365"),
        ("back", "回到问题"),
        ("０", "第 2 题"),
    ]:
        child.expect("> ")
        child.sendline(typed)
        child.expect(reply)
    child.expect("> ")
    child.sendline("why")
    child.expect("为什么问这个问题")
    child.expect("> ")
    child.sendline("也许吧")
    child.expect("请输入 1 到 10 之间的编号")
    child.expect("> ")
    child.send("x")  # echoed once the line editor reads, so that Ctrl-C reaches it there
    child.expect("x")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    text = "".join(shown)
    assert "已中断。" in text and "--resume" in text
    saved = tmp_path / "state" / "troubleshoot" / "interview.json"
    found = english_words(text, REAL / "caffe-nan-01.log", saved)
    assert found == [], " ".join(found)
    for screen in screens(text):
        assert all(_cells(line) <= 80 for line in screen), screen
        asked = [i for i, line in enumerate(screen) if re.fullmatch(r"第 \d+ 题", line)]
        assert not asked or len(screen) - asked[0] <= 24, screen  # each question fits
        if screen[0] in ("why", "") or "troubleshoot 问答诊断" in screen[0]:
            assert len(screen) <= 24, screen  # so do the first screen and why's answer


class _Keep:
    """Keeps what the child printed (pexpect's logfile)."""

    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> None:
        self.into.append(text)

    def flush(self) -> None:
        pass


def _cells(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("quit\n", 0, "已停止。"),  # echo quit | troubleshoot interview --lang zh
        ("", 2, "输入在问题 what-do-you-see"),  # the input ends before an answer
        ("1\n2\n", 2, "得到回答之前就结束了"),
    ],
)
def test_every_end_of_piped_input_says_so_in_chinese(tmp_path, typed, code, says):
    state = tmp_path / "answers.json"
    done = interview("--state", str(state), input=typed)
    assert done.returncode == code, done.stderr
    assert says in done.stderr
    assert english_words(done.stderr, state) == [], done.stderr


def test_why_the_system_refused_a_file_is_worded_in_each_language():
    import errno

    from troubleshoot.consult.errors import os_problem
    from troubleshoot.lang import Lang
    from troubleshoot.render.i18n import say

    denied = os_problem(PermissionError(errno.EACCES, "Permission denied"))
    assert (say(denied, Lang.EN), say(denied, Lang.ZH)) == ("permission denied", "没有权限")
    assert say(os_problem(OSError(errno.ENOSPC, "No space left on device")), Lang.ZH) == (
        "磁盘空间不足"
    )
    assert os_problem(OSError(errno.EIO, "Input/output error")) == "Input/output error"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_that_fails_at_the_end_says_why_in_chinese(tmp_path):
    """/proc takes no new file, whoever asks: the guide cannot be written after the last
    answer, and the reason was the system's English words."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("loss-nan: yes\n", encoding="utf-8")
    output = Path("/proc") / "guide.md"
    done = interview("--answers", str(answers), "--skip-missing", "--output", str(output))
    assert done.returncode == 2, done.stderr
    error = done.stderr[done.stderr.index("错误:") :]
    assert error.startswith(f"错误:无法写入 {output}:")
    assert english_words(error, output) == [], error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_question_with_its_why_fits_80_by_24(lang):
    """Each symptom and context question, shown again below the answer to ``why`` (its
    heading, the causes it tells apart, with the two longest titles, and why it matters or
    how to check it), fits a 24-line terminal at 80 columns with its prompt."""
    from troubleshoot.consult.questions import Kind, Question
    from troubleshoot.frontends.i18n import t
    from troubleshoot.frontends.interview.explain import show
    from troubleshoot.render.cjk import wrap_cells

    kb = cached_kb()

    def lines(text: str) -> int:
        return len(wrap_cells(text, 80))

    first, second = sorted((x.title.get(lang) for x in kb.lessons.values()), key=len)[-2:]
    apart = lines(t(lang, "why_between", first=first, second=second, more=t(lang, "why_more", n=9)))
    questions = [Question(Kind.SYMPTOM, s) for s in kb.symptoms]
    questions += [Question(Kind.CONTEXT, k) for k in kb.context]
    for question in questions:
        if question.kind is Kind.SYMPTOM:
            reason = t(lang, "why_check", text=kb.symptoms[question.name].check.get(lang))
        else:
            reason = t(lang, "why_matters", text=kb.context[question.name].why.get(lang))
        shown = show(kb, question, lang)
        asked = 2 + lines(shown.text) + (lines(shown.hint) if shown.hint else 0)
        asked += sum(lines(f"  {number:>3}  {label}") for number, label in shown.options)
        answer = 1 + 1 + apart + lines(reason)  # a blank line, the heading
        assert answer + asked + 1 <= 24, question.name  # + the prompt
