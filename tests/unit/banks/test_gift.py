"""GIFT: Moodle's own examples file and the syntax corners."""
from pathlib import Path

import pytest

from quizapp.banks.formats import parse_file

# Moodle's own file, committed with its licence note (tests/data/README.md).
EXAMPLES = Path(__file__).parents[2] / "data" / "moodle-gift-examples.txt"


@pytest.fixture(scope="module")
def moodle():
    return parse_file(EXAMPLES.name, EXAMPLES.read_bytes())


def by_line(result):
    return {q.line: q for q in result.questions}


def test_moodle_examples_are_detected_as_gift(moodle):
    assert moodle.format == "gift"


def test_moodle_matching_and_numerical_questions_are_reported_by_line(moodle):
    reported = {e.row: e.message for e in moodle.errors}
    assert sorted(reported) == [16, 55, 61, 70, 72, 74, 76, 85, 175, 177, 202]
    assert all("匹配题" in reported[line] for line in (55, 61, 177))
    assert all("数值题" in reported[line] for line in (16, 70, 72, 74, 76, 85, 175, 202))


def test_moodle_every_supported_question_is_imported(moodle):
    assert len(moodle.questions) == 32
    assert {q.type for q in moodle.questions} == {"single", "multiple", "judge", "fill"}


def test_moodle_single_choice_with_blank_mid_sentence(moodle):
    questions = by_line(moodle)
    grant = questions[10]
    assert grant.type == "single"
    assert grant.stem == "Grant is ____ in Grant's tomb."
    assert [o["text"] for o in grant.options] == ["buried", "entombed", "living"]
    assert grant.answer == "B"
    thanksgiving = questions[29]
    assert thanksgiving.stem == "The American holiday of Thanksgiving is celebrated on the ____ Thursday of November."
    assert thanksgiving.answer == "C"
    assert questions[35].answer == "B" and len(questions[35].options) == 4


def test_moodle_true_false_and_feedback(moodle):
    questions = by_line(moodle)
    assert (questions[12].type, questions[12].answer) == ("judge", False)
    assert questions[49].answer is False and questions[51].answer is True
    assert questions[113].answer is False
    assert questions[113].explanation == "No one is buried in Grant's tomb."


def test_moodle_short_answers_become_fill_questions(moodle):
    questions = by_line(moodle)
    assert questions[14].type == "fill"
    assert questions[14].stem == "Who's buried in Grant's tomb?"
    assert questions[14].answer == [["no one", "nobody"]]
    assert questions[45].stem == "Two plus two equals ____."
    assert questions[45].answer == [["four", "4"]]
    # Only full-credit answers are accepted; the 75% misspelling and 25% answer are not.
    assert questions[195].stem == "Jesus Christ was from ____."
    assert questions[195].answer == [["Nazareth"]]
    assert questions[90].stem == "Japanese characters originally came from what country?"
    assert questions[90].answer == [["China"]]


def test_moodle_partial_credit_and_multiple_answers(moodle):
    questions = by_line(moodle)
    assert (questions[115].type, questions[115].answer) == ("single", "C")
    assert (questions[117].type, questions[117].answer) == ("single", "D")
    for line in (130, 136):
        assert questions[line].type == "multiple"
        assert questions[line].answer == ["B", "C"]


def test_moodle_names_formats_and_escapes(moodle):
    questions = by_line(moodle)
    assert questions[108].stem == "Who's buried in **Grant's tomb**?"
    assert [o["text"] for o in questions[143].options] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert questions[143].answer == "B"
    control = questions[148]
    assert control.stem.startswith("Which of the following is NOT a control character")
    assert [o["text"] for o in control.options] == ["~", "=", "#", "{", "}", "\\"]
    assert control.answer == "F"
    assert control.explanation.startswith("Correct! \\ (backslash)")
    assert questions[98].explanation == "Very good!"


def parse(text: str):
    return parse_file("q.gift", text.encode())


def test_category_sets_the_chapter_of_following_questions():
    result = parse("$CATEGORY: $course$/top/第一章 总则\n\n1+1=2.{T}\n\n$CATEGORY: 第二章\n\nQ?{=a ~b}\n")
    assert [(q.chapter, q.type) for q in result.questions] == [("第一章 总则", "judge"), ("第二章", "single")]


def test_essay_and_description_are_reported():
    result = parse("// header\nWrite an essay.{}\n\nJust a description.\n\nOK?{TRUE}\n")
    assert len(result.questions) == 1
    assert [(e.row, "问答题" in e.message or "说明" in e.message) for e in result.errors] == [(2, True), (4, True)]


def test_unclosed_brace_and_empty_answer_are_errors():
    result = parse("Broken {=a ~b\n\nEmpty {= ~b}\n")
    assert [e.row for e in result.errors] == [1, 3]
    assert not result.questions


def test_single_positive_weight_without_equals_is_single_choice():
    result = parse("Pick {~%100%yes ~no}\n")
    assert (result.questions[0].type, result.questions[0].answer) == ("single", "A")


def test_general_feedback_becomes_explanation():
    result = parse("Sky is blue?{T####Rayleigh scattering.}\n")
    assert result.questions[0].explanation == "Rayleigh scattering."


def test_category_line_directly_above_a_question_keeps_the_question():
    result = parse("$CATEGORY: 第一章\n::Q1:: 警察应当文明执勤吗？ {=对 ~错 ~不知道}\n")
    assert [(q.chapter, q.stem, q.answer) for q in result.questions] == [("第一章", "警察应当文明执勤吗？", "A")]


def test_per_answer_format_tags_are_stripped():
    result = parse("::Q2:: 橙和绿之间是什么颜色？{\n =[plain]黄 # [html]<b>对</b>\n ~[moodle]红\n ~[markdown]蓝\n}\n")
    (question,) = result.questions
    assert [o["text"] for o in question.options] == ["黄", "红", "蓝"] and question.explanation == "对"


def test_html_in_a_stem_becomes_text():
    result = parse('::g::[html]<a href\\="x">听一听\\:</a><br /><br />说的是<b>哪种</b>语言&amp;方言？<script>alert(1)</script>'
                   "{~英语 =法语}\n")
    assert result.questions[0].stem == "听一听: 说的是哪种语言&方言？"


def test_angle_brackets_in_a_plain_question_are_not_taken_for_html():
    assert parse("若 a<b and c>d，则？{T}\n").questions[0].stem == "若 a<b and c>d，则？"
