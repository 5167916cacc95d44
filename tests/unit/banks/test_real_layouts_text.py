"""Text and docx banks as people publish them (issue 11): each reproduction imports as stated.

The fixtures are our own minimal copies of quirks found in real public banks
(bench/README.md lists the files): nothing here is third-party text.
"""
import io

import docx
import pytest

from quizapp.banks.formats import parse_file


def parse(text: str, name: str = "bank.txt", encoding: str = "utf-8"):
    return parse_file(name, text.encode(encoding))


def only(result):
    assert not result.errors, [str(e) for e in result.errors]
    (question,) = result.questions
    return question


# ---------------------------------------------------------------- wrong type, no error

def test_options_on_the_stem_line_make_a_single_choice_not_a_fill():
    question = only(parse("1、下列属于治安管理处罚种类的是（ ）A、警告 B、罚款 C、行政拘留 D、记过\n答案：B\n"))
    assert question.type == "single" and question.answer == "B"
    assert question.stem == "下列属于治安管理处罚种类的是（ ）"
    assert [o["text"] for o in question.options] == ["警告", "罚款", "行政拘留", "记过"]


def test_a_letter_answer_without_options_is_an_error_never_a_fill_question():
    result = parse_file("bank.csv", "题干,答案\n绝缘电阻的单位是（ ）,B\n".encode())
    assert not result.questions
    (error,) = result.errors
    assert "单选题没有选项" in error.message and error.where == "第2行 第B列"


@pytest.mark.parametrize("written, value", [
    ("❌", False), ("✔", True), ("✔️", True), ("✘", False), ("√", True), ("×", False), ("对", True), ("错", False),
    ("正确。", True), ("错误。", False), ("T", True), ("F", False), ("true", True), ("false", False), ("是", True),
    ("否", False), ("正确！", True), ("错；", False),
])
def test_judge_answers_in_every_spelling_are_judge_questions(written, value):
    question = only(parse(f"1. 人民警察必须以宪法和法律为活动准则。\n答案：{written}\n"))
    assert (question.type, question.answer) == ("judge", value)


# ---------------------------------------------------------------- silently lost

def test_two_byte_order_marks_do_not_lose_the_first_question():
    result = parse_file("bank.txt", "\ufeff\ufeff1. 第一题？\n答案：对\n2. 第二题？\n答案：错\n".encode())
    assert [(q.stem, q.answer) for q in result.questions] == [("第一题？", True), ("第二题？", False)]


# ---------------------------------------------------------------- silently corrupted

def test_a_running_page_header_is_dropped_and_reported():
    header = "某某省某某考核第六批题库"
    lines = []
    for n in range(1, 6):
        lines += [f"{n}. 第{n}题的题干，", header, "接着写完（ ）。", "A. 甲", header, "B. 乙", f"答案：A"]
    result = parse("\n".join(lines))
    assert not result.errors and len(result.questions) == 5
    assert all(header not in q.stem and all(header not in o["text"] for o in q.options) for q in result.questions)
    assert result.questions[0].stem == "第1题的题干，接着写完（ ）。"
    (warning,) = result.warnings
    assert header in warning.message and "10次" in warning.message and warning.row == 2


def test_true_false_option_lines_of_a_judge_question_stay_out_of_the_stem():
    question = only(parse("1. 工程伦理只关心结果。( )\n   true. 正确\n   false. 错误\n参考答案：❌\n"))
    assert (question.type, question.stem, question.answer) == ("judge", "工程伦理只关心结果。( )", False)


def test_number_space_stem_starting_with_ti_keeps_its_first_character():
    question = only(parse("3 题库中哪项正确（ ）\nA. 甲\nB. 乙\n答案：A\n"))
    assert question.stem == "题库中哪项正确（ ）"


def test_wrapped_chinese_lines_join_without_a_space():
    question = only(parse("1. 维护全\n国人民的利益，\nand keep it\nsimple（ ）\nA. 甲\nB. 乙\n答案：A\n"))
    assert question.stem == "维护全国人民的利益，and keep it simple（ ）"


def test_a_stray_copy_of_an_option_between_stem_and_options_is_dropped_with_a_warning():
    text = "26.主要目标之一是（B）\n全面建成小康社会\nA. 全面建成小康社会\nB.高质量发展取得显著成效\n"
    question = only(parse(text))
    assert question.stem == "主要目标之一是（ ）" and question.answer == "B"
    assert "全面建成小康社会" in question.options[0]["text"] and "与选项重复" in parse(text).warnings[0].message


# ---------------------------------------------------------------- real layouts

def _docx(paragraphs) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_numbering_typed_as_text_with_bare_section_headings():
    data = _docx(["--- 《党章》党员义务权利相关部分 ---", "单选题", "1\t对党员的纪律处分中最高一级是（ ）。", " \t",
                  "A、警告", "B、严重警告", "C、留党察看", "D、开除党籍", "正确答案：D", " ",
                  "多选题", "1\t入党誓词包括（ ）。", "A、对党忠诚", "B、求真务实", "C、积极工作", "正确答案：AC",
                  "判断题", "1\t党员可以不参加党的组织生活。", " \t", "正确答案：错",
                  "57\t2017年（ ），十九大通过了党章修正案。", "正确答案：对"])
    result = parse_file("党章.docx", data)
    assert not result.errors and not result.warnings
    assert [(q.type, q.answer) for q in result.questions] == [
        ("single", "D"), ("multiple", ["A", "C"]), ("judge", False), ("judge", True)]
    assert {q.chapter for q in result.questions} == {"《党章》党员义务权利相关部分"}
    assert result.questions[3].stem.startswith("2017年（ ）")


def test_headings_set_the_type_and_a_contradiction_names_both():
    text = "一、单项选择题（每题1分）\n1. 甲？\nA. 一\nB. 二\n答案：AB\n二、多选题\n1. 乙？\nA. 一\nB. 二\n答案：A\n"
    result = parse(text)
    assert not result.questions
    assert ["单选题" in e.message and "AB" in e.message for e in result.errors] == [True, False]
    assert "多选题" in result.errors[1].message and "只有一个" in result.errors[1].message
    assert [e.where for e in result.errors] == ["第1题（第2行）", "第1题（第7行）"]


def test_an_answer_letter_that_names_no_option_is_an_error():
    result = parse("1. 甲？\nA. 一\nB. 二\n答案：E\n")
    assert "E" in result.errors[0].message and "A/B" in result.errors[0].message


def test_indefinite_choice_heading_allows_a_single_right_option():
    question = only(parse("不定项选择题\n1. 甲？\nA. 一\nB. 二\n答案：B\n"))
    assert (question.type, question.answer) == ("multiple", ["B"])


# ---------------------------------------------------------------- noise

def test_titles_headings_separators_and_export_noise_import_with_warnings():
    text = ("治安管理处罚法学习题库（2026年12月）\n第01讲 工程伦理概论\n一、单项选择题\n1. 甲？\nA. 一\nB. 二\n答案：A\n"
            "我的答案: B\n分值: 0.4分\n得分：\n命题单位：某司\n-----\n单选题\n2. 乙？\nA. 一\nB. 二\n答案：B\n我的答案: A\n")
    result = parse(text)
    assert not result.errors
    assert [(q.type, q.chapter) for q in result.questions] == [("single", "第01讲 工程伦理概论")] * 2
    messages = " ".join(w.message for w in result.warnings)
    assert "治安管理处罚法学习题库" in messages and "我的答案”行2处" in messages and "命题单位" in messages


def test_a_line_that_belongs_nowhere_is_an_error_located_by_question_and_line():
    text = "1. 甲？\nA. 一\nB. 二\n答案：A\n这一行很长很长，不是标题也不是题目，而是一段放错地方的说明文字，应该被当作错误指出来。\n"
    result = parse(text)
    (error,) = result.errors
    assert error.where == "第1题（第5行）" and "无法识别" in error.message


# ---------------------------------------------------------------- messages that say what was found

def test_prose_after_the_answer_letter_is_named():
    result = parse("1. 甲？\nA. 一\nB. 二\nC. 三\n答案：C根据新法第十条的规定\n")
    message = result.errors[0].message
    assert "C根据新法" in message and "多余的文字" in message and "填空" not in message


def test_options_glued_together_are_named_not_reported_as_too_few():
    result = parse("1. 甲？\nA、甲B、乙 C、丙\n答案：A\n")
    message = result.errors[0].message
    assert "选项B" in message and "甲B、乙" in message and "至少需要两个选项" not in message


# ---------------------------------------------------------------- the shared layout knowledge

@pytest.mark.parametrize("marker", ["答案：", "答案:", "答案；", "答案 ", "正确答案：", "参考答案：", "标准答案：", "【答案】", "[答案]"])
def test_answer_markers(marker):
    assert only(parse(f"1. 甲？\nA. 一\nB. 二\n{marker}B\n")).answer == "B"


@pytest.mark.parametrize("labels", [("Ａ．", "Ｂ．"), ("(A)", "(B)"), ("（A）", "（B）"), ("A)", "B)"), ("A:", "B:")])
def test_option_labels(labels):
    question = only(parse(f"1. 甲？\n{labels[0]}一\n{labels[1]}二\n答案：B\n"))
    assert [o["text"] for o in question.options] == ["一", "二"]


def test_answer_glued_to_the_last_option():
    question = only(parse("1. 甲？\nA、一\nB、二\nC、三\nD、四答案：B\n"))
    assert question.answer == "B" and question.options[3]["text"] == "四"


def test_answer_on_the_stem_line_after_two_spaces():
    result = parse("题目：进行电气维修必须先关掉电源。  答案：正确\n题目：诱发安全事故的原因是：  答案：D. 以上都是\n")
    assert [(q.type, q.answer) for q in result.questions] == [("judge", True)]
    assert "没有选项" in result.errors[0].message


def test_fill_blanks_in_brackets_with_any_order_marker():
    question = only(parse("1. 四大名著是____、____、____、____。\n【答案】(三国演义)(西游记)(红楼梦)(水浒传/水浒) 乱序匹配\n"))
    assert question.type == "fill" and question.any_order
    assert question.answer == [["三国演义"], ["西游记"], ["红楼梦"], ["水浒传", "水浒"]]


def test_difficulty_words():
    result = parse("1. 甲？\n答案：对\n难度：偏易\n2. 乙？\n答案：错\n难度：偏难\n3. 丙？\n答案：对\n难度：适中\n")
    assert [q.difficulty for q in result.questions] == [1, 3, 2]
