"""Reading what people type: numbers with units, choices, yes/no, commands, in both
languages; anything unreadable is re-asked with a message that says what to type."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from troubleshoot.consult.questions import Kind, Question, opening
from troubleshoot.frontends.interview.answers import (
    Browse,
    Command,
    Invalid,
    Reply,
    from_file,
    parse,
    parse_number,
)

LR = Question(Kind.CONTEXT, "learning_rate")
BATCH = Question(Kind.CONTEXT, "batch_size")
FRAMEWORK = Question(Kind.CONTEXT, "framework")
BATCHNORM = Question(Kind.CONTEXT, "uses_batchnorm")
NAN = Question(Kind.SYMPTOM, "loss-nan")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e-3", 0.001),
        ("0.001", 0.001),
        ("1E-3", 0.001),
        ("3e-4", 0.0003),
        ("lr = 0.01", 0.01),
        (".5", 0.5),
        ("0.1 (base)", 0.1),
    ],
)
def test_learning_rates_as_people_write_them(mini_kb, text, value):
    assert parse(mini_kb, LR, text, "en") == Reply(pytest.approx(value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8 per GPU", 8),
        ("8", 8),
        ("64 (per device)", 64),
        ("1,024", 1024),
        ("10k", 10_000),
        ("1.2M", 1_200_000),
        ("1.1k", 1100),
        ("5万", 50_000),
        ("每张卡 16", 16),
    ],
)
def test_counts_as_people_write_them(mini_kb, text, value):
    parsed = parse(mini_kb, BATCH, text, "en")
    assert parsed == Reply(value) and isinstance(parsed.value, int)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("eight", "could not read a number in 'eight'"),
        ("32 x 4", "more than one number in '32 x 4' (32, 4)"),
        ("0.5", "'0.5' is not a whole number"),
        ("-8", "'-8' must be above zero"),
        ("", "could not read a number"),
    ],
)
def test_unreadable_numbers_are_reasked_with_a_reason(mini_kb, text, message):
    parsed = parse(mini_kb, BATCH, text, "en")
    assert isinstance(parsed, Invalid) and message in parsed.message


def test_number_messages_in_chinese():
    parsed = parse_number("很多", integer=True, lang="zh")
    assert isinstance(parsed, Invalid) and "无法从“很多”中读出数字" in parsed.message


@pytest.mark.parametrize(
    ("text", "number"), [("八", 8), ("三十二", 32), ("两百五十六", 256), ("批大小 一百二十八", 128)]
)
def test_chinese_numerals_are_numbers(text, number):
    assert parse_number(text, integer=True, lang="zh") == number


def test_a_small_chinese_rate():
    assert parse_number("零点零一", integer=False, lang="zh") == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", "pytorch"),
        ("pytorch", "pytorch"),
        ("Torch", "pytorch"),
        ("lightning", "pytorch"),
        ("TensorFlow", "tensorflow"),
        ("其他", "other"),
        ("something else", "other"),
    ],
)
def test_choices_by_number_value_synonym_or_label(mini_kb, text, value):
    assert parse(mini_kb, FRAMEWORK, text, "en") == Reply(value)


def test_a_wrong_choice_says_which_numbers_are_valid(mini_kb):
    for text in ("9", "theano"):
        parsed = parse(mini_kb, FRAMEWORK, text, "en")
        assert parsed == Invalid("Please type a number from 1 to 5, or 0 if you are not sure.")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("1", True), ("yes", True), ("Y", True), ("是", True), ("有", True)],
        *[("2", False), ("no", False), ("n", False), ("否", False), ("没有", False)],
        *[("0", None), ("skip", None), ("not sure", None), ("不确定", None), ("跳过", None)],
    ],
)
def test_yes_no_and_not_sure_in_both_languages(mini_kb, text, value):
    assert parse(mini_kb, NAN, text, "en") == Reply(value)
    assert parse(mini_kb, BATCHNORM, text, "zh") == Reply(value)


def test_anything_else_is_reasked(mini_kb):
    assert parse(mini_kb, NAN, "maybe", "en") == Invalid(
        "Please answer 1 (yes), 2 (no) or 0 (not sure)."
    )
    assert parse(mini_kb, NAN, "也许", "zh") == Invalid("请回答 1(是)、2(否)或 0(不确定)。")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("why", Command.WHY),
        ("Why", Command.WHY),
        ("为什么", Command.WHY),
        ("how", Command.HOW),
        ("怎么", Command.HOW),
        ("back", Command.BACK),
        ("返回", Command.BACK),
        ("上一步", Command.BACK),
        ("quit", Command.QUIT),
        ("退出", Command.QUIT),
        ("help", Command.HELP),
        ("帮助", Command.HELP),
    ],
)
def test_commands_work_at_every_question(mini_kb, text, expected):
    for question in (NAN, FRAMEWORK, BATCH, opening(mini_kb, {"loss-nan": 1})):
        assert parse(mini_kb, question, text, "en") is expected


def test_the_opening_takes_several_numbers_or_ids(mini_kb):
    question = opening(mini_kb, dict.fromkeys(["loss-nan", "loss-diverging", "overfitting"], 1))
    first, second, third = question.options
    assert parse(mini_kb, question, "1 3", "en") == Reply((first, third))
    assert parse(mini_kb, question, "3,1,3", "en") == Reply((third, first))
    assert parse(mini_kb, question, "2、overfitting", "zh") == Reply((second, "overfitting"))
    assert parse(mini_kb, question, "0", "en") == Reply(())
    parsed = parse(mini_kb, question, "1 7", "en")
    assert parsed == Invalid("'7' is not one of the numbers 1 to 3.")
    assert isinstance(parse(mini_kb, question, "", "en"), Invalid)


def test_answers_file_values(mini_kb):
    assert from_file(mini_kb, NAN, True, "en") == Reply(True)
    assert from_file(mini_kb, NAN, "skip", "en") == Reply(None)
    assert from_file(mini_kb, NAN, None, "en") == Reply(None)
    assert from_file(mini_kb, LR, 0.001, "en") == Reply(0.001)
    assert from_file(mini_kb, LR, "1e-3", "en") == Reply(0.001)
    assert from_file(mini_kb, BATCH, "8 per GPU", "en") == Reply(8)
    assert from_file(mini_kb, BATCHNORM, False, "en") == Reply(False)
    assert isinstance(from_file(mini_kb, NAN, "why", "en"), Invalid)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_read_or_reasked_never_a_crash(mini_kb, text):
    for question in (LR, BATCH, FRAMEWORK, BATCHNORM, NAN, opening(mini_kb, {"loss-nan": 1})):
        parsed = parse(mini_kb, question, text, "en")
        assert isinstance(parsed, Reply | Invalid | Command | Browse)  # "more" browses


def test_the_opening_takes_87_as_the_symptom_its_prompt_names():
    """The prompt offers "87" as a word; beyond the options' numbers it names the loss stuck
    at 87.3365 (it was refused as an option number out of range)."""
    from troubleshoot.consult.belief import model_for
    from troubleshoot.consult.select import situation
    from troubleshoot.consult.session import Session
    from troubleshoot.facts import FactSet
    from troubleshoot.knowledge.load import cached_kb

    kb = cached_kb()
    question = situation(model_for(kb), Session(kb, FactSet())).step.question
    assert question.kind is Kind.OPENING and len(question.options) < 87
    stuck = next(s for s in question.options if "87" in s)
    assert parse(kb, question, "87", "zh") == Reply((stuck,))
    assert parse(kb, question, "87 1", "en") == Reply((stuck, question.options[0]))
    assert parse(kb, question, "99", "zh") == Invalid(
        f"“99”不是 1 到 {len(question.options)} 之间的编号。"
    )


def test_lists_are_joined_as_each_language_writes_them(mini_kb):
    """Chinese lists take the enumeration comma, not an ASCII one."""
    from troubleshoot.frontends.interview.explain import answer_text

    question = opening(mini_kb, dict.fromkeys(["loss-nan", "overfitting"], 1))
    both = ("loss-nan", "overfitting")
    assert answer_text(mini_kb, question, both, "en") == "Loss is NaN, Overfitting"
    assert answer_text(mini_kb, question, both, "zh") == "loss 为 NaN、过拟合"
    assert parse_number("32 x 4", True, "zh") == Invalid(
        "“32 x 4”中有不止一个数字(32、4)。请只输入一个数字。"
    )
