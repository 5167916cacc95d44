"""txt, docx and Aiken in the layouts people already have."""
import io

import docx

from quizapp.banks.formats import parse_file

CHINESE = """一、单项选择题
１．中国共产党的最高领导机关是（　）。
Ａ．党的全国代表大会和它所产生的中央委员会
B、中央政治局
C) 中央书记处    D. 中央军委
答案：A
解析：《中国共产党章程》第十条。
二、多项选择题
2、党的基本路线包括（ ）。
A.以经济建设为中心 B.坚持四项基本原则 C.坚持改革开放 D.其他
答案：A、B、C
三、判断题
3. 党员有权利参加党的有关会议。
答案：正确
四、填空题
4．人民警察法于（ ）年通过。
答案：1995
"""


def test_chinese_layout_reads_every_type_with_nfkc_labels():
    result = parse_file("bank.txt", CHINESE.encode("utf-8"))
    assert result.format == "txt" and not result.errors
    single, multiple, judge, fill = result.questions
    assert single.type == "single" and single.answer == "A" and single.line == 2
    assert [o["text"] for o in single.options] == ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军委"]
    assert single.explanation == "《中国共产党章程》第十条。"
    assert single.stem == "中国共产党的最高领导机关是（　）。"  # the stem keeps its Chinese punctuation
    assert multiple.type == "multiple" and multiple.answer == ["A", "B", "C"] and len(multiple.options) == 4
    assert judge.type == "judge" and judge.answer is True
    assert fill.type == "fill" and fill.answer == [["1995"]] and fill.line == 16


def test_gb18030_text_is_read():
    result = parse_file("bank.txt", CHINESE.encode("gb18030"))
    assert len(result.questions) == 4 and not result.errors


def test_missing_answer_and_stray_text_are_reported_by_question_and_line():
    text = "前言没有题号\n1. 题目一\nA. 甲\nB. 乙\n2. 题目二\nA. 甲\nB. 乙\n答案：C\n3. 好题\nA. 甲\nB. 乙\n答案：B\n"
    result = parse_file("bank.txt", text.encode())
    assert [(e.row, e.column) for e in result.errors] == [(2, "答案"), (5, "答案")]
    assert [e.where for e in result.errors] == ["第1题（第2行）", "第2题（第5行）"]
    assert "C" in result.errors[1].message and "A/B" in result.errors[1].message
    assert [(w.row, "前言没有题号" in w.message) for w in result.warnings] == [(1, True)]
    assert [q.stem for q in result.questions] == ["好题"]


def test_answer_written_into_the_stem_brackets():
    result = parse_file("bank.txt", "1. 党的最高领导机关是（ A ）。\nA. 全国代表大会\nB. 中央委员会\n".encode())
    assert result.questions[0].answer == "A"
    assert result.questions[0].stem == "党的最高领导机关是（ ）。"


def test_judge_given_as_options_with_letter_answer():
    result = parse_file("bank.txt", "1. 警察应当文明执勤。\nA. 正确\nB. 错误\n答案：B\n".encode())
    assert (result.questions[0].type, result.questions[0].answer, result.questions[0].options) == ("judge", False, [])


def test_fill_with_several_blanks_and_alternatives():
    result = parse_file("bank.txt", "1. 人民警察的宗旨是（ ），服务（ ）。\n答案：全心全意为人民服务/为人民服务；人民\n".encode())
    assert result.questions[0].answer == [["全心全意为人民服务", "为人民服务"], ["人民"]]


def test_chapter_headings_apply_to_following_questions():
    result = parse_file("bank.txt", "第一章 总则\n1. 题？\n答案：对\n第二章 职权\n2. 题二？\n答案：错\n".encode())
    assert [q.chapter for q in result.questions] == ["第一章 总则", "第二章 职权"]


def _docx(paragraphs) -> bytes:
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_word_numbered_options_are_taken_in_order():
    data = _docx([("第一章 总则", None), ("1．人民警察的任务包括（ ）", None), ("维护国家安全", "List Number"),
                  ("维护社会治安秩序", "List Number"), ("仅打击犯罪", "List Number"), ("答案：AB", None),
                  ("解析：人民警察法第二条。", None), ("2、人民警察必须以宪法和法律为活动准则。", None), ("答案：对", None)])
    result = parse_file("bank.docx", data)
    assert result.format == "docx" and not result.errors
    first, second = result.questions
    assert [o["text"] for o in first.options] == ["维护国家安全", "维护社会治安秩序", "仅打击犯罪"]
    assert first.answer == ["A", "B"] and first.chapter == "第一章 总则"
    assert first.explanation == "人民警察法第二条。"
    assert second.type == "judge" and second.answer is True


def test_docx_with_word_numbered_stems():
    data = _docx([("人民警察实行警衔制度。", "List Number"), ("答案：正确", None),
                  ("警衔分为几等？", "List Number"), ("A. 五等", None), ("B. 六等", None), ("答案：A", None)])
    result = parse_file("bank.docx", data)
    assert [(q.type, q.answer) for q in result.questions] == [("judge", True), ("single", "A")]


def test_docx_with_a_wrong_extension_still_reads_by_content():
    data = _docx([("1. 题？", None), ("答案：对", None)])
    assert parse_file("bank.bin", data).format == "docx"


AIKEN = """Is this a question?
A. Yes
B) No
ANSWER: A

What is 2+2?
A. 3
B. 4
C. 5
ANSWER: D

Only one option
A. x
ANSWER: A

Forgot the answer
A. x
B. y
Next stem
A. p
B. q
ANSWER: B
"""


def test_aiken_reads_questions_and_reports_errors_by_line():
    result = parse_file("moodle.txt", AIKEN.encode())
    assert result.format == "aiken"
    assert [(q.stem, q.answer, len(q.options)) for q in result.questions] == [
        ("Is this a question?", "A", 2), ("Next stem", "B", 2)]
    assert [e.row for e in result.errors] == [10, 12, 16]


def test_judge_answer_written_after_the_stem():
    result = parse_file("bank.txt", "1. 人民警察实行警衔制度。（√）\n2. 人民警察是军队。(×)\n".encode())
    assert [(q.type, q.stem, q.answer) for q in result.questions] == [
        ("judge", "人民警察实行警衔制度。", True), ("judge", "人民警察是军队。", False)]


def test_docx_questions_inside_a_table_are_read_in_order():
    document = docx.Document()
    document.add_paragraph("1. 表格前的题？")
    document.add_paragraph("答案：对")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "2. 表格里的题？"
    table.cell(1, 0).text = "答案：错"
    document.add_paragraph("3. 表格后的题？")
    document.add_paragraph("答案：正确")
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_file("bank.docx", buffer.getvalue())
    assert [(q.stem, q.answer) for q in result.questions] == [
        ("表格前的题？", True), ("表格里的题？", False), ("表格后的题？", True)]


def test_type_label_at_the_start_of_the_stem_sets_the_type():
    text = "1.【多选题】下列说法正确的是（ ）\nA. 甲\nB. 乙\n答案：A\n2.（判断题）警察应当文明执勤。\n答案：对\n"
    result = parse_file("bank.txt", text.encode())
    assert [(e.row, e.column) for e in result.errors] == [(1, "答案")]  # a 多选 with one answer is refused
    assert [(q.type, q.stem) for q in result.questions] == [("judge", "警察应当文明执勤。")]
