"""Spreadsheet banks as people keep them (issue 11): the 考试宝 template and other real layouts.

Our own minimal workbooks, built to reproduce what real public files do.
"""
import io

import openpyxl
import pytest

from quizapp.banks.formats import parse_file

KSB_HEADER = ["题干（必填）", "题型 （必填）", "选项 A", "选项 B", "选项 C", "选项 D", "选项E&#10;(勿删)",
              "选项F&#10;(勿删)", "选项G\n(勿删)", "选项H&#10;(勿删)", "正确答案&#10;（必填）", "解析&#10;（勿删）",
              "章节&#10;（勿删）", "难度"]


def workbook(rows, title="题库", extra_sheet=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet(extra_sheet[0]).append(extra_sheet[1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ksb_row(stem, type_, options=(), answer="", explanation="", chapter="", difficulty=""):
    options = list(options) + [""] * (8 - len(options))
    return [stem, type_, *options, answer, explanation, chapter, difficulty]


KSB_ROWS = [
    KSB_HEADER,
    ksb_row("醋是什么味道？", "单选题", ["酸", "甜", "苦", "辣 "], "A", chapter="第一单元", difficulty="易"),
    ksb_row("一年有哪些季节？", "多选题", ["春", "夏", "秋", "冬"], "ABCD", chapter="第一单元/第一节", difficulty="偏易"),
    ksb_row("哪些是水果？", "不定项选择题", ["苹果   ", "  香蕉 ", "梨", "桃"], "ABCD", difficulty="适中"),
    ksb_row("哪个是饮料？", "不定项选择题", ["茶 ", "石头", "木头"], "A", difficulty="偏难"),
    ksb_row("冰是冷的？", "判断题", ["对", "错"], "A", difficulty="难"),
    ksb_row("石头能吃？", "判断题", ["√", "×"], "B", explanation="石头不能吃。"),
    ksb_row("三根半绳子有(     )个头？", "填空题", ["8"]),
    ksb_row("四季是?", "填空题", ["春", "夏", "秋", "冬"]),
    ksb_row("本系统怎么样？____、____、____。", "填空题", ["好用|稳定|快"]),
    ksb_row("一年有_____个月，有_____天？", "填空题", ["12", "365"]),
    ksb_row("中秋是哪天？", "简答题", answer="八月十五"),
    ksb_row("按先后排序", "排序题", ["中秋", "端午", "重阳", "元宵"], "DBAC"),
    ksb_row("计算一下", "计算题", answer="答案"),
    ksb_row("论述一下", "论述题", answer="答案"),
]


@pytest.fixture(scope="module")
def ksb():
    return parse_file("kaoshibaoExcel20221101.xlsx", workbook(KSB_ROWS, "试题案例，直接导入试试", ("版本号", [1.0])))


def test_kaoshibao_template_imports_its_ten_objective_questions(ksb):
    assert [(q.type, q.answer) for q in ksb.questions] == [
        ("single", "A"), ("multiple", ["A", "B", "C", "D"]), ("multiple", ["A", "B", "C", "D"]), ("multiple", ["A"]),
        ("judge", True), ("judge", False), ("fill", [["8"]]), ("fill", [["春"], ["夏"], ["秋"], ["冬"]]),
        ("fill", [["好用"], ["稳定"], ["快"]]), ("fill", [["12"], ["365"]])]
    assert [o["text"] for o in ksb.questions[0].options] == ["酸", "甜", "苦", "辣"]
    assert [q.difficulty for q in ksb.questions[:6]] == [1, 1, 2, 3, 3, 2]
    assert ksb.questions[1].chapter == "第一单元/第一节" and ksb.questions[5].explanation == "石头不能吃。"


def test_kaoshibao_unsupported_types_are_reported_by_row(ksb):
    assert [(e.row, e.cell, e.unsupported) for e in ksb.errors] == [(12, "B", True), (13, "B", True), (14, "B", True),
                                                                    (15, "B", True)]
    assert "简答题" in ksb.errors[0].message and ksb.errors[0].where == "第12行 第B列"


def test_kaoshibao_header_after_an_instructions_row_is_found_too():
    result = parse_file("k.xlsx", workbook([["导入须知：题干和题型必填"]] + KSB_ROWS[:3]))
    assert [q.type for q in result.questions] == ["single", "multiple"] and not result.errors


def test_all_options_in_one_cell_with_the_safety_bank_header():
    header = ["序号", "一级纲要", "二级纲要", "题目分类", "题型", "题干", "选项", "答案", "题目依据", "试题分数"]
    rows = [header,
            [1, "安全生产重要论述", "\\", "通用题库", "单选题", "把（ ）落到实处。", "A-安全生产|B-生命至上|C-奖惩机制|D-责任制",
             "D", "\\", 1],
            [2, "安全生产重要论述", "\\", "通用题库", "多选题", "坚持（ ）。", "A.党政同责 B.一岗双责 C.齐抓共管", "ABC", "\\", 2],
            [3, "安全生产重要论述", "\\", "通用题库", "单选题", "以（ ）为宗旨。", "A、人民安全；B、政治安全", "A", "第十三条", 1],
            [4, "安全生产重要论述", "\\", "通用题库", "判断题", "安全第一。", "", "正确", "\\", 1]]
    result = parse_file("bank.xlsx", workbook(rows))
    assert not result.errors
    assert [[o["text"] for o in q.options] for q in result.questions[:3]] == [
        ["安全生产", "生命至上", "奖惩机制", "责任制"], ["党政同责", "一岗双责", "齐抓共管"], ["人民安全", "政治安全"]]
    assert [q.chapter for q in result.questions] == ["安全生产重要论述"] * 4
    # "\" means nothing here; the 依据 column's free text is kept with the explanation.
    assert [q.explanation for q in result.questions] == ["", "", "依据：第十三条", ""]


def test_an_option_cell_that_cannot_be_split_names_the_cell():
    rows = [["题型", "题干", "选项", "答案"], ["单选题", "甲？", "安全生产 生命至上", "A"]]
    (error,) = parse_file("bank.xlsx", workbook(rows)).errors
    assert error.where == "第2行 第C列" and "无法分成" in error.message


def test_an_xlsx_named_xls_with_a_formula_in_the_number_column():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "题型", "题干", "选项A", "选项B", "答案"])
    sheet.append(["=ROW()-1", "单选题", "甲？", "一", "二", "B"])
    sheet.append(["=ROW()-1", "判断题", "乙。", "", "", "错"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_file("题库.xls", buffer.getvalue())
    assert result.format == "xlsx" and not result.errors
    assert [(q.type, q.answer) for q in result.questions] == [("single", "B"), ("judge", False)]


def test_numbered_stems_and_labelled_option_cells_below_a_late_header():
    rows = [[], [], ["问题", "选项A", "选项B", "选项C", "选项D", "提示", "答案"],
            ["1、第29届奥运会在哪个城市举办？", "A、北京", "B、雅典", "C、悉尼", "C、伦敦", "（A，北京）", "A"],
            ["2、2022年冬奥会在哪里举办？", "A、北京", "B、东京", "C、巴黎", "D、伦敦", "", "A"]]
    result = parse_file("bank.xlsx", workbook(rows))
    first = result.questions[0]
    assert first.stem == "第29届奥运会在哪个城市举办？" and first.explanation == "（A，北京）"
    assert [o["text"] for o in first.options] == ["北京", "雅典", "悉尼", "伦敦"]


def test_answer_cell_with_explanation_and_page_text():
    rows = [["题型", "题干", "答案"], ["判断题", "** 甲。", "错\n答案解析：\n因为乙。"],
            ["判断题", "** 乙。", "对\n章节测验\n已完成"], ["判断题", "** 丙。", "对"],
            ["填空题", "丁是____", "第一空： 1919-1949"]]
    result = parse_file("bank.csv", "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode())
    assert [(q.stem, q.answer, q.explanation) for q in result.questions] == [
        ("甲。", False, "因为乙。"), ("乙。", True, ""), ("丙。", True, ""), ("丁是____", [["1919-1949"]], "")]
    assert "章节测验 已完成" in result.warnings[0].message and result.warnings[0].where == "第3行 第C列"


def test_a_second_table_below_the_first_is_read_by_its_own_header():
    rows = [["题目", "A", "B", "答案"], ["春秋始霸是", "齐桓公", "晋文公", "A"],
            ["问题", "答案", "难度"], ["除了英国，香港还被哪个国家占领过", "日本", 1]]
    result = parse_file("bank.xlsx", workbook(rows))
    assert [(q.type, q.answer) for q in result.questions] == [("single", "A"), ("fill", [["日本"]])]
    assert result.warnings[0].row == 3


def test_a_csv_with_two_byte_order_marks_finds_its_header():
    data = "\ufeff\ufeff题型,题干,答案\n判断,甲。,对\n".encode()
    assert [q.answer for q in parse_file("bank.csv", data).questions] == [True]
