"""The free-text query path (`troubleshoot ask`): questions in English, Chinese or both, with
numbers, pasted log lines and tracebacks, become facts and a consultation; off-topic text is
declined; bad input gets a clear error."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, detected_facts, english, run_cli

from troubleshoot.consult.freetext import (
    MAX_CHARS,
    BadQuestion,
    consult_text,
    match_symptoms,
    text_of,
    understand,
)
from troubleshoot.consult.phrasing import compile_phrase, find, normalise
from troubleshoot.consult.retrieval import index_for
from troubleshoot.facts import Origin
from troubleshoot.knowledge.load import cached_kb
from troubleshoot.knowledge.schema import Phrases
from troubleshoot.lang import written_in
from troubleshoot.read import UnreadableInput

KB = cached_kb(REPO / "kb")

# Lines in the shape of a Caffe log that turns NaN (BVLC/caffe issue 361, numbers changed).
CAFFE_EXCERPT = """\
I0425 10:12:49.611122  9167 solver.cpp:65] Iteration 180, loss = 6.55607
I0425 10:13:04.672341  9167 solver.cpp:208] Iteration 200, lr = 0.01
I0425 10:13:04.672637  9167 solver.cpp:65] Iteration 200, loss = 6.55622
I0425 10:13:21.205826  9167 solver.cpp:208] Iteration 220, lr = 0.01
I0425 10:13:21.206111  9167 solver.cpp:65] Iteration 220, loss = nan
I0425 10:13:38.114020  9167 solver.cpp:65] Iteration 240, loss = nan
"""

TRACEBACK = """\
Traceback (most recent call last):
  File "train.py", line 221, in main
    outputs = model(images)
RuntimeError: CUDA out of memory. Tried to allocate 1006.00 MiB (GPU 0; 10.91 GiB total \
capacity; 9.18 GiB already allocated; 569.81 MiB free; 9.49 GiB reserved in total by PyTorch)
"""


def lessons(text: str) -> list[str]:
    _, consultation = consult_text(KB, text)
    return [c.lesson.id for c in consultation.checklist().candidates]


def test_english_question_gives_symptom_and_context_with_what_matched():
    found = understand(KB, "loss becomes nan after 2000 iterations, caffe, lr 0.1")
    facts = found.facts
    assert facts.present_symptoms() == ["loss-nan"]
    assert facts.context["framework"].value == "caffe"
    assert facts.context["learning_rate"].value == 0.1
    assert facts.context["when"].value == "after-a-while"
    assert facts.symptoms["loss-nan"].provenance.origin is Origin.CHAT
    by_key = {m.key or m.symptom: m for m in found.matches}
    assert by_key["learning_rate"].text == "lr 0.1"
    assert by_key["loss-nan"].phrase == "loss becomes nan"
    assert found.in_scope
    assert lessons("loss becomes nan after 2000 iterations, caffe, lr 0.1")[0] == "lr-too-large"


def test_chinese_question():
    found = understand(KB, "验证集loss一直上升怎么办")
    assert found.facts.present_symptoms() == ["overfitting"]
    assert found.matches[0].text == "验证集loss一直上升"
    assert lessons("验证集loss一直上升怎么办")[0] == "overfitting-toolbox"


def test_mixed_languages_and_chinese_numbers():
    found = understand(KB, "batch_size=1, 学习率0.01, 用的pytorch, 训练loss不下降")
    context = {key: fact.value for key, fact in found.facts.context.items()}
    assert context == {"batch_size": 1, "learning_rate": 0.01, "framework": "pytorch"}
    assert "loss-flat-from-start" in found.facts.present_symptoms()


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("learning rate 1e-3 and the loss diverges", "learning_rate", 0.001),
        ("batch size 2 with batchnorm, loss jumps around", "batch_size", 2),
        ("学习率设为0.01时loss变成nan", "learning_rate", 0.01),
        ("10 classes, accuracy stuck at chance", "num_classes", 10),
        ("loss not decreasing on a small dataset", "dataset_size", 1000),
        ("数据量很少,过拟合很严重", "dataset_size", 100),
        ("在很小的数据集上训练,loss不下降", "dataset_size", 1000),
    ],
)
def test_numbers_are_read_with_their_meaning(text, key, value):
    assert understand(KB, text).facts.context[key].value == value


def test_an_amount_word_inside_a_longer_word_is_not_an_amount():
    """ "数据集大小" is the dataset's size, not a big dataset; "big images" no dataset size."""
    for text in ("数据集大小不清楚,loss不下降", "the images are big and the loss is nan"):
        assert "dataset_size" not in understand(KB, text).facts.context


def test_a_number_next_to_the_wrong_name_is_not_taken():
    """ "lr" is followed by words, not a number: the batch size's 2 is not the rate."""
    context = understand(KB, "my lr is too big I think, batch size 2, loss is nan").facts.context
    assert "learning_rate" not in context
    assert context["batch_size"].value == 2


def test_short_words_do_not_match_inside_longer_ones():
    """ "sgd without momentum" is plain SGD, not "sgd with momentum"."""
    context = understand(KB, "training crawls with sgd without momentum").facts.context
    assert context["optimizer"].value == "sgd"


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (
            "the loss is not nan but the loss stays constant from the start",
            ["loss-flat-from-start"],
            ["loss-nan"],
        ),
        ("没有过拟合,但是loss不下降", ["loss-flat-from-start"], ["overfitting"]),
        ("no overfitting, the loss stuck at 2.30", ["loss-flat-from-start"], ["overfitting"]),
    ],
)
def test_denied_symptoms_are_known_absent(text, present, absent):
    symptoms = understand(KB, text).facts.symptoms
    assert sorted(s for s in symptoms if symptoms[s].present) == present
    assert sorted(s for s in symptoms if not symptoms[s].present) == absent


def test_a_negation_between_the_words_breaks_the_phrase():
    """ "训练loss不下降" is not the "训练loss下降" of overfitting; "loss is not nan" is no NaN."""
    assert "overfitting" not in understand(KB, "训练loss不下降,验证loss上升").facts.symptoms
    assert understand(KB, "my loss is not nan").facts.present_symptoms() == []


def test_denied_switches_are_false():
    context = understand(KB, "loss is nan, no batchnorm, without dropout").facts.context
    assert context["uses_batchnorm"].value is False
    assert context["uses_dropout"].value is False


def test_a_phrase_finds_other_forms_of_its_words():
    """The kb says "loss increasing"; people write "increases", "increased"."""
    for text in ("my loss increases every epoch", "the loss increased after epoch 3"):
        assert "loss-diverging" in understand(KB, text).facts.present_symptoms()


def test_a_verb_with_a_short_stem_or_a_doubled_consonant_finds_its_other_forms():
    """ "rising" finds "rises", "dropping" finds "drops", "falling" keeps its "ll"."""
    assert "overfitting" in understand(KB, "my validation loss rises after epoch 5").facts.symptoms
    assert find("loss dropping", "the loss drops fast") is not None
    assert find("loss falling", "the loss is false") is None


def test_a_decimal_point_is_not_the_end_of_a_sentence():
    """A gap between a phrase's words may hold "0.69" but not a full stop."""
    assert "loss-flat-from-start" in understand(KB, "训练loss一直在0.69左右不动").facts.symptoms
    assert find("validation loss rising", "validation went fine. loss rising") is None


def test_a_zero_in_a_phrase_is_zero_or_all_but_zero():
    """ "loss变成0" finds 0, 0.0000 and 0.003, not the 0.5 of a loss that merely fell."""
    for text in ("loss变成0", "loss变成0.0000了", "loss变成0.003"):
        assert find("loss变成0", text) is not None, text
    assert find("loss变成0", "loss从2变成0.5以后就不降了") is None
    assert "loss-near-zero" not in understand(KB, "loss从2变成0.5以后就不降了").facts.symptoms


def test_a_number_in_a_phrase_finds_it_written_with_fewer_decimals():
    """kb's "loss 0.0000" finds a loss of 0 and "loss stuck at 0.693" finds 0.69 or 0.7,
    as people round; never a number that differs at the precision written ("loss: 0.0350"
    is not 0.0000, "1" is not 0.693), and a zero found this way weighs as little as the "0"
    it may be ("loss是nan" still wins over "loss ... 0" in the same words)."""
    zero = understand(KB, "the printed loss is 0 from iteration 300 on")
    assert zero.facts.present_symptoms() == ["loss-near-zero"]
    flat = understand(KB, "my loss is stuck at 0.69 on a two-class problem")
    assert [m.phrase for m in flat.matches if m.symptom] == ["loss stuck at 0.693"]
    assert find("loss stuck at 0.693", "loss stuck at 0.7, help") is not None
    assert find("loss stuck at 0.693", "loss stuck at 1") is None
    assert find("loss stuck at 0.693", "loss stuck at 0.691") is None
    assert find("loss 0.0000", "train loss: 0.0350") is None
    assert find("loss 0.0000", "loss 0.00001") is not None
    found = understand(KB, "loss一开始就是nan,学习率改成0也一样")
    assert found.facts.present_symptoms() == ["loss-nan"]


def test_a_phrase_finds_the_words_kb_groups_with_its_own():
    """context.yaml's same_words: "验证loss上升" also finds "验证集损失升高"; without the
    groups it does not."""
    assert "overfitting" in understand(KB, "验证集损失升高,训练损失降低").facts.symptoms
    assert find("验证loss上升", "验证集损失升高") is None
    assert find("验证loss上升", "验证集损失升高", KB.same_words) is not None


def test_function_words_are_optional_and_contractions_written_out():
    """ "loss stuck at 0.693" finds "loss stuck near 0.693", "loss doesn't go down" finds
    "the loss did not go down" and "the loss doesn’t go down"; the phrase's other words are
    still needed, and a negation still breaks it."""
    assert find("loss stuck at 0.693", "val loss stuck near 0.693") is not None
    assert find("loss stuck at 0.693", "loss near 0.693") is None
    for text in ("the loss did not go down", "the loss doesn’t go down", "loss won't go down"):
        assert find("loss doesn't go down", normalise(text)) is not None, text
    assert find("loss doesn't go down", "loss does go down") is None
    assert find("loss doesn't go down", "the loss is not going down") is not None
    assert find("nan loss", "nans in the losses") is not None
    assert find("with dropout", "without dropout") is None
    assert normalise("It can't, it won't, it doesn't") == "it can not, it will not, it does not"


def test_a_number_in_a_phrase_is_never_a_digit_glued_to_a_word():
    """ "grad is 0" is not the 0 that ends "AddBackward0" in a printed tensor."""
    assert find("grad is 0", "loss是tensor(nan, grad_fn=<addbackward0>)") is None
    assert find("grad is 0", "the grad is 0 everywhere") is not None


def test_a_share_in_a_phrase_finds_itself_as_a_percentage_or_a_fraction():
    """kb's "accuracy stuck at 50%" finds 50% and 0.5000, "准确率一直是10%" finds 0.1, "accuracy
    stays at 0.5" finds 50 %; a number above 1 is no share ("87" is not 87%)."""
    assert find("accuracy stuck at 50%", "accuracy stuck at 50%") is not None
    assert find("accuracy stuck at 50%", "accuracy stuck at 0.5000") is not None
    assert find("accuracy stuck at 50%", "accuracy stuck at 5%") is None
    assert find("准确率一直是10%", "准确率一直是0.1") is not None
    assert find("accuracy stays at 0.5", "accuracy stays at 50 %") is not None
    assert find("loss stuck at 87", "loss stuck at 87%") is None
    found = understand(KB, "two classes and the accuracy is stuck at 50% for 30 epochs")
    assert "acc-at-chance" in found.facts.present_symptoms()


def test_a_phrase_in_its_own_words_wins_over_one_as_long_in_grouped_words():
    """With stuck, stays and always grouped, "loss stuck at 2.30" (loss-flat-from-start)
    and "loss stays at 2.30" (acc-at-chance) both find "the loss stuck at 2.30": the one the
    text says in its own words is kept; "always" finds a stuck metric."""
    found = understand(KB, "the loss stuck at 2.30 from the first epoch")
    assert [m.phrase for m in found.matches if m.symptom] == ["loss stuck at 2.30"]
    assert "acc-at-chance" in understand(KB, "why is val_accuracy always 0.5000?").facts.symptoms


def test_the_quick_check_before_a_phrase_never_passes_over_a_match():
    """``Pattern.may_occur_in`` skips a phrase's regular expression when one of its words is
    missing from the text; it must never skip a phrase the expression would find. Checked
    for every phrase of the kb over every question of the query set."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from ask import QUERIES

    texts = [normalise(q["q"]) for q in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))]
    patterns = [
        compile_phrase(phrase, KB.same_words, tuple(key.amounts) if key else ())
        for phrase, key in _every_phrase()
    ]
    found = 0
    for pattern in patterns:
        for text in texts:
            if pattern.regex.search(text):
                found += 1
                assert pattern.may_occur_in(text), (pattern.phrase, text)
    assert found > len(texts)  # the phrases do find things in these questions
    assert not compile_phrase("验证loss上升", KB.same_words).may_occur_in("训练集损失下降")


def _every_phrase():
    for symptom in KB.symptoms.values():
        for phrase in [*symptom.phrases.en, *symptom.phrases.zh]:
            yield phrase, None
    for key in KB.context.values():
        phrases = [*key.phrases.en, *key.phrases.zh]
        for choice in key.choices or ():
            phrases += [*choice.phrases.en, *choice.phrases.zh]
        for phrase in phrases:
            yield phrase, key


def test_87_3365_alone():
    assert match_symptoms(KB, "87.3365") == ["loss-87-3365"]
    assert lessons("87.3365")[0] == "softmax-overflow-87"


@pytest.mark.parametrize(
    ("typed", "symptom"),
    [
        ("nan", "loss-nan"),
        ("oom", "error-cuda-oom"),
        ("87", "loss-87-3365"),
        ("过拟合", "overfitting"),
        ("overfit", "overfitting"),
        ("loss stuck", "loss-flat-from-start"),
    ],
)
def test_match_symptoms_of_short_typed_words(typed, symptom):
    assert match_symptoms(KB, typed)[0] == symptom


def test_more_specific_phrase_wins_over_the_one_inside_it():
    """ "val loss上升但是val acc也在升" is the accuracy-up case, not plain overfitting."""
    found = understand(KB, "val loss上升但是val acc也在升")
    assert found.facts.present_symptoms() == ["val-acc-up-val-loss-up"]


@pytest.mark.parametrize(
    ("text", "symptom", "not_read"),
    [
        # "loss keeps going up" (the training loss diverging) sits inside "the validation
        # loss keeps going up", which says whose loss it is.
        (
            "the train loss goes down with every epoch, but the validation loss keeps going up",
            "overfitting",
            "loss-diverging",
        ),
        ("train loss都在正常下降,但val loss一直往上走", "overfitting", "loss-diverging"),
    ],
)
def test_a_phrase_read_inside_a_qualified_one_yields_to_it(text, symptom, not_read):
    present = understand(KB, text).facts.present_symptoms()
    assert symptom in present and not_read not in present


def test_a_symptom_is_not_outread_by_the_one_it_implies():
    # "loss ... nan" spans "suddenly turns into nan" but says less.
    found = understand(KB, "loss suddenly turns into NaN halfway through training")
    assert "loss-nan-sudden" in found.facts.present_symptoms()


def test_a_question_about_inference_speed_is_declined_and_says_why():
    found, consultation = consult_text(
        KB, "I converted the pytorch model to tensorrt, how do I get faster inference?"
    )
    assert not found.in_scope and consultation.result.diagnoses == []
    assert [(m.source, m.text) for m in found.matches if m.source == "off_topic"] == [
        ("off_topic", "faster inference")
    ]
    # Named in words, a symptom still counts: the off-topic words only stop the guess.
    found = understand(KB, "after converting to tensorrt inference is slow and the loss is nan")
    assert found.in_scope and "loss-nan" in found.facts.present_symptoms()


def test_a_short_checklist_is_filled_from_the_symptoms_the_words_resemble():
    """The words tie one cause; the next two come from symptoms the question resembles,
    marked as not observed, after the causes the facts tie, and give no fact."""
    found, consultation = consult_text(KB, "val loss上升但是val acc也在升")
    assert found.facts.present_symptoms() == ["val-acc-up-val-loss-up"]
    listed = consultation.checklist().candidates
    assert [(c.id, c.status.value) for c in listed[:1]] == [("confidence-vs-accuracy", "fired")]
    filled = listed[1:]
    assert [c.status.value for c in filled] == ["related", "related"]
    assert filled[0].id == "overfitting-toolbox" and filled[0].symptoms == ("overfitting",)
    assert {c.symptoms[0] for c in filled} <= set(found.resembled())
    assert not set(found.resembled()) & set(found.facts.symptoms)
    md = run_cli("ask", "val loss上升但是val acc也在升", "--lang", "zh").stdout
    assert "标注“并未观察到”的原因" in md and "*并未观察到:问题的措辞接近“过拟合" in md
    plain = run_cli("ask", "loss becomes nan after 2000 iterations").stdout
    assert "not observed" not in plain


def test_the_third_place_goes_to_a_resembled_cause_when_the_facts_do_not_support_its_own():
    """ "overfitting?" ties two fired causes and open ones; the words also say the model
    scores worse after reloading, which resembles another symptom: its cause takes the
    third place, the open cause moves down, and fired causes keep their places."""
    text = "after reloading the saved model it scores much worse on the test set, overfitting?"
    found, consultation = consult_text(KB, text)
    listed = consultation.checklist().candidates
    assert [c.status.value for c in listed[:3]] == ["fired", "fired", "related"]
    assert listed[2].symptoms[0] == found.resembled()[0]
    assert listed[3].status.value == "open"
    _, bare = consult_text(KB, "my model is overfitting")
    assert [c.status.value for c in bare.checklist().candidates[:3]] == ["fired", "fired", "open"]
    for fired in ("loss becomes nan and the validation accuracy is stuck at chance",):
        statuses = [c.status.value for c in consult_text(KB, fired)[1].checklist().candidates]
        assert statuses[:3] == ["fired"] * 3 and "related" not in statuses


def test_a_checklist_of_three_causes_or_an_off_topic_question_gets_no_fill():
    _, consultation = consult_text(KB, "loss becomes nan after 2000 iterations")
    assert len(consultation.checklist().candidates) >= 3
    assert "related" not in {c.status.value for c in consultation.checklist().candidates}
    found = understand(KB, "after converting to tensorrt inference is slow and the loss is nan")
    assert found.related == []


def test_pasted_log_lines_are_not_searched_for_resembled_symptoms():
    """The words of a log (iteration, loss, lr, net output) resemble many symptoms: a paste
    the detectors find too short to judge must not come back with three guesses."""
    log = (REPO / "tests/fixtures/reallogs/caffe-overfit-01.log").read_text(encoding="utf-8")
    excerpt = "\n".join(log.splitlines()[-12:])
    found, consultation = consult_text(KB, "why does my training do this?\n" + excerpt)
    assert found.runs == 1 and found.related == []
    assert "related" not in {c.status.value for c in consultation.checklist().candidates}


def test_a_symptom_answered_since_is_not_filled_in():
    """A chat's follow-up may settle a resembled symptom: it is then a fact, not a guess."""
    from troubleshoot.consult.consultation import consult_facts
    from troubleshoot.facts import Provenance, SymptomFact

    found = understand(KB, "val loss上升但是val acc也在升")
    found.facts.add(SymptomFact("overfitting", False, Provenance(Origin.ASKED)))
    consultation = consult_facts(KB, found.facts, related=found.resembled())
    assert "overfitting-toolbox" not in {c.id for c in consultation.checklist().candidates}


def test_pasted_caffe_excerpt_gives_the_facts_the_file_gives(tmp_path):
    log = tmp_path / "train.log"
    log.write_text(CAFFE_EXCERPT, encoding="utf-8")
    from_file = detected_facts([log])
    found = understand(KB, "my caffe run does this:\n" + CAFFE_EXCERPT + "what is wrong?")
    detected = {
        s.id for s in found.facts.symptoms.values() if s.provenance.origin is Origin.DETECTED
    }
    assert "loss-nan" in detected
    assert detected == set(from_file.present_symptoms())
    assert found.facts.context["framework"].value == from_file.context["framework"].value
    log_match = next(m for m in found.matches if m.source == "log" and m.symptom == "loss-nan")
    assert "loss = nan" in log_match.text


def test_pasted_traceback_goes_through_the_error_signatures():
    found = understand(KB, "help please\n" + TRACEBACK)
    oom = found.facts.symptoms["error-cuda-oom"]
    assert oom.provenance.origin is Origin.DETECTED
    assert oom.provenance.evidence[0].signature == "pytorch-cuda-oom"
    assert found.facts.context["framework"].value == "pytorch"
    assert lessons(TRACEBACK)[0] == "cuda-oom-stale-process"


def test_a_healthy_pasted_excerpt_is_on_topic_without_a_cause():
    healthy = "".join(
        f"I0425 10:12:{i:02d}.611122  9167 solver.cpp:65] Iteration {i * 20}, loss = "
        f"{2.3 / (1 + i):.4f}\n"
        for i in range(12)
    )
    found, consultation = consult_text(KB, healthy)
    assert found.runs == 1 and found.in_scope
    assert found.facts.context["framework"].value == "caffe"
    assert consultation.result.diagnoses == []


def test_retrieval_finds_what_no_phrase_says_and_is_cited_as_such():
    text = "kl散度算出来居然小于零"
    found = understand(KB, text)
    assert [m.source for m in found.matches if m.symptom] == ["retrieval"]
    assert found.facts.present_symptoms() == ["kl-negative"]
    assert found.facts.symptoms["kl-negative"].provenance.note.key == "note_retrieved"


def test_retrieval_scores_a_symptom_by_its_best_phrasing_as_well():
    """No phrase says it; the symptom's document alone scores too low, its phrasing "model
    not learning" lifts it."""
    found = understand(KB, "my model seems to learn nothing, the loss is the same as on day one")
    assert [m.source for m in found.matches if m.symptom] == ["retrieval"]
    assert found.facts.present_symptoms() == ["loss-flat-from-start"]


def test_retrieval_counts_the_words_kb_groups_as_one():
    """ "损失" is "loss" to the retrieval as to the phrasings; the words shown are the text's."""
    index = index_for(KB)
    assert index.said("验证集损失") == index.said("验证集loss")
    hits = index.search("验证集的损失值在训练后期越变越大")
    assert hits and "损失" in hits[0].shared


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("训练时损失函数的值变成了nan,一般有哪些原因", "loss-nan"),
        ("爆显存了怎么办", "error-cuda-oom"),
    ],
)
def test_retrieval_alone_finds_what_the_left_out_phrasings_said(text, symptom):
    """With every phrase that matches the question taken out of the kb (as if nobody had
    written one for it), retrieval still finds the symptom from the phrasings left."""
    symptoms = {
        sid: s.model_copy(
            update={
                "phrases": Phrases(
                    en=[p for p in s.phrases.en if not find(p, normalise(text), KB.same_words)],
                    zh=[p for p in s.phrases.zh if not find(p, normalise(text), KB.same_words)],
                )
            }
        )
        for sid, s in KB.symptoms.items()
    }
    blind = dataclasses.replace(KB, symptoms=symptoms)
    assert blind.symptoms != KB.symptoms
    found = understand(blind, text)
    assert [m.source for m in found.matches if m.symptom][:1] == ["retrieval"]
    assert found.facts.present_symptoms()[0] == symptom


@pytest.mark.parametrize(
    "text",
    ["what's the weather tomorrow", "write me a poem", "hello", "今天天气怎么样", "红烧肉怎么做"],
)
def test_off_topic_text_is_out_of_scope(text):
    found, consultation = consult_text(KB, text)
    assert not found.in_scope and found.runs == 0
    assert consultation.result.diagnoses == []
    assert index_for(KB).search(text) == []


def test_empty_and_huge_text_are_refused():
    with pytest.raises(BadQuestion) as empty:
        understand(KB, "  \n ")
    assert empty.value.problem == "empty"
    with pytest.raises(BadQuestion) as huge:
        understand(KB, "x" * (MAX_CHARS + 1))
    assert huge.value.problem == "too_long"


def test_bytes_in_gbk_utf8_and_binary():
    question = "验证集loss一直上升怎么办"
    assert text_of(question.encode("gbk")) == question
    assert text_of(b"\xef\xbb\xbf" + question.encode("utf-8")) == question
    with pytest.raises(UnreadableInput) as caught:
        text_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert english(caught.value.words) == [
        "pasted text: this is a PNG image, not a training log or metric file"
    ]


def test_query_set_is_labelled_sourced_and_split_by_its_rule():
    """benchmarks/queries.yaml: at least 150 questions, 50 in Chinese, 20 out of scope, each
    labelled with known lessons, with a source, in the half its text's hash gives."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from ask import QUERIES, split_of

    queries = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert len(queries) >= 150
    assert sum(q["lang"] == "zh" for q in queries) >= 50
    assert sum(not q["lessons"] for q in queries) >= 20
    for q in queries:
        assert q["split"] == split_of(q["q"]), q["q"]
        assert set(q["lessons"]) <= set(KB.lessons), q["q"]
        assert q["source"].startswith(("https://", "http://", "written for this set")), q["q"]
    assert {q["split"] for q in queries} == {"dev", "heldout"}


def test_cli_ask_markdown_and_json():
    md = run_cli("ask", "loss becomes nan after 2000 iterations, caffe, lr 0.1")
    assert md.returncode == 0, md.stderr
    assert "Learning rate too large" in md.stdout
    result = run_cli("ask", "验证集loss一直上升怎么办", "--format", "json", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1 and data["lang"] == "zh"
    assert data["diagnoses"][0]["id"] == "overfitting-toolbox"
    assert data["symptoms"][0]["provenance"]["origin"] == "chat"
    related = data["query"].pop("related")
    assert data["query"] == {
        "in_scope": True,
        "runs": 0,
        "matches": [
            {
                "source": "phrase",
                "text": "验证集loss一直上升",
                "symptom": "overfitting",
                "phrase": "验证集loss上升",
            }
        ],
    }
    # Symptoms the words resemble give no fact; the stated one is not among them.
    assert related and all(m["source"] == "related" for m in related)
    assert "overfitting" not in {m["symptom"] for m in related}


def test_cli_ask_answers_in_the_questions_language_unless_told():
    zh = run_cli("ask", "验证集loss一直上升怎么办")
    assert zh.returncode == 0 and "观察到的现象" in zh.stdout
    en = run_cli("ask", "验证集loss一直上升怎么办", "--lang", "en")
    assert "What was observed" in en.stdout


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("验证集loss一直上升怎么办", "zh"),
        ("batch size 设成 256 之后 loss 不降了, learning rate 是 0.1", "zh"),
        ("第3轮 损失: nan, 之前是 2.3, 怎么回事", "zh"),
        ("第5轮 验证损失: nan", "zh"),  # only a pasted line: its own language
        ("My run breaks after a few epochs, the log shows: 第5轮，训练损失：0.43，"
         "验证损失：nan -- what should I check?", "en"),
        ("val loss goes nan. log line: 第5轮 验证损失: nan", "en"),
    ],
)  # fmt: skip
def test_the_answer_is_in_the_questions_language_not_its_pasted_lines(question, lang):
    """Chinese characters in a pasted log line do not make an English question Chinese."""
    assert written_in(question) == lang


def test_a_phrase_is_compiled_only_when_its_words_occur():
    """Most of the knowledge base's phrases never meet a question's words: compiling all of
    them cost every `ask` about a second."""
    pattern = compile_phrase("loss of a phrase never asked {n}", (), ())  # as find asks
    assert find("loss of a phrase never asked {n}", "what is the weather") is None
    assert "regex" not in vars(pattern)
    assert find("loss of a phrase never asked {n}", "loss of a phrase never asked 3")
    assert "regex" in vars(pattern)


def test_cli_out_of_scope_says_what_it_helps_with_in_both_languages():
    en = run_cli("ask", "write me a poem")
    assert en.returncode == 0
    assert "nothing to diagnose" in en.stdout and "CUDA out of memory" in en.stdout
    zh = run_cli("ask", "今天天气怎么样", "--lang", "zh", "-f", "json")
    data = json.loads(zh.stdout)
    assert data["diagnoses"] == [] and data["query"]["in_scope"] is False
    assert "没有可诊断的内容" in data["guide"]


def test_cli_stdin_in_gbk_and_bad_input():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "troubleshoot", "ask", "-", "-f", "json"]
    gbk = subprocess.run(
        command, input="loss为nan怎么办".encode("gbk"), capture_output=True, env=env, timeout=300
    )
    assert gbk.returncode == 0, gbk.stderr
    assert json.loads(gbk.stdout)["symptoms"][0]["id"] == "loss-nan"
    empty = run_cli("ask", "-", input="")
    assert empty.returncode == 2
    assert "the question is empty" in empty.stderr and "Traceback" not in empty.stderr
    junk = run_cli("ask", "-", input="x" * (MAX_CHARS + 10))
    assert junk.returncode == 2 and "diagnose" in junk.stderr and "Traceback" not in junk.stderr


@pytest.mark.parametrize(
    ("question", "symptom", "present"),
    [
        ("是不是过拟合了", "overfitting", True),  # a yes-no question asks, it does not deny
        ("有没有可能是过拟合", "overfitting", True),
        ("到第4轮突然报显存不足OutOfMemoryError", "error-cuda-oom", True),  # 不足 describes
        ("没有过拟合", "overfitting", False),  # denied, and retrieval does not bring it back
    ],
)
def test_what_denies_a_symptom_in_chinese(question, symptom, present):
    assert understand(KB, question).facts.symptoms[symptom].present is present
