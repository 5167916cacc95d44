"""Spreadsheets (our template, 考试宝) and our JSON export."""
import io
import json

import openpyxl

from quizapp.banks.formats import parse_file


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


KAOSHIBAO_HEADER = ["题干（必填）", "题型 （必填）", "选项 A", "选项 B", "选项C", "选项D", "选项E(勿删)", "选项F(勿删)",
                    "选项G(勿删)", "选项H(勿删)", "正确答案（必填）", "解析（勿删）", "章节（勿删）", "难度"]


def kaoshibao_row(stem, type_, options, answer, explanation="", chapter="", difficulty=""):
    return [stem, type_] + (options + [""] * 8)[:8] + [answer, explanation, chapter, difficulty]


def test_kaoshibao_template_imports_as_it_is():
    data = xlsx([
        ["说明：题型请填写单选题、多选题、判断题、填空题；判断题的选项请填对、错"],
        KAOSHIBAO_HEADER,
        kaoshibao_row("党的最高领导机关是", "单选题", ["全国代表大会", "中央委员会"], "A", "党章第十条", "第二章", "简单"),
        kaoshibao_row("人民警察是武装性质的治安行政力量", "判断题", ["对", "错"], "A"),
        kaoshibao_row("人民警察是军队", "判断题", ["对", "错"], "B"),
        kaoshibao_row("下列属于……", "多选题", ["a", "b", "c"], "A,C", difficulty="3"),
        kaoshibao_row("（ ）和（ ）", "填空题", [], "甲/乙|丙"),
    ])
    result = parse_file("kaoshibaoExcel模板.xlsx", data)
    assert not result.errors
    assert [q.line for q in result.questions] == [3, 4, 5, 6, 7]
    single, true_, false_, multiple, fill = result.questions
    assert (single.type, single.answer, single.explanation, single.chapter, single.difficulty) == (
        "single", "A", "党章第十条", "第二章", 1)
    assert (true_.type, true_.answer, true_.options) == ("judge", True, [])
    assert false_.answer is False
    assert (multiple.answer, multiple.difficulty) == (["A", "C"], 3)
    assert fill.answer == [["甲", "乙"], ["丙"]]


def test_bad_rows_are_reported_with_row_and_column():
    data = xlsx([
        ["题型", "题干", "选项A", "选项B", "选项C", "答案", "难度"],
        ["单选", "缺选项B", "a", "", "c", "A", ""],
        ["问答", "题型不对", "a", "b", "", "A", ""],
        ["单选", "", "a", "b", "", "A", ""],
        ["多选", "只有一个答案", "a", "b", "", "A", ""],
        ["单选", "答案不在选项中", "a", "b", "", "D", ""],
        ["判断", "难度不对", "", "", "", "对", "9"],
        ["判断", "好题", "", "", "", "×", ""],
    ])
    result = parse_file("bank.xlsx", data)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "选项B"), (3, "题型"), (4, "题干"), (5, "答案"), (6, "答案"), (7, "难度")]
    assert all(e.message for e in result.errors)
    assert [q.stem for q in result.questions] == ["好题"]


def test_csv_in_gb18030_with_english_headers():
    text = "type,stem,option a,option b,answer,chapter\nsingle,题目,甲,乙,b,第一章\n"
    result = parse_file("bank.csv", text.encode("gb18030"))
    assert result.format == "csv"
    assert [(q.type, q.answer, q.chapter) for q in result.questions] == [("single", "B", "第一章")]


def test_missing_type_is_inferred_from_the_answer():
    text = "题干,选项A,选项B,选项C,答案\n单选,甲,乙,丙,B\n多选,甲,乙,丙,AC\n判断,,,,错误\n填空（ ）,,,,答案\n"
    result = parse_file("bank.csv", text.encode("utf-8-sig"))
    assert [q.type for q in result.questions] == ["single", "multiple", "judge", "fill"]


def test_sheet_without_header_is_a_clear_error():
    result = parse_file("bank.xlsx", xlsx([["a", "b"], ["c", "d"]]))
    assert not result.questions and "表头" in result.errors[0].message


def export_document():
    return {
        "bank": {"name": "测试题库", "category": "regulations"},
        "questions": [
            {"type": "single", "stem": "S", "options": [{"key": "A", "text": "a"}, {"key": "B", "text": "b"}],
             "answer": "B", "explanation": "e", "chapter": "c", "difficulty": 1, "tags": ["t"],
             "source": {"document": "中国共产党章程", "article": "第三条"}},
            {"type": "multiple", "stem": "M", "options": [{"key": "A", "text": "a"}, {"key": "B", "text": "b"},
                                                          {"key": "C", "text": "c"}],
             "answer": ["A", "C"], "explanation": "", "chapter": "", "difficulty": 2, "tags": [],
             "source": {"document": "中华人民共和国人民警察法", "article": ""}},
            {"type": "judge", "stem": "J", "options": [], "answer": False, "explanation": "", "chapter": "",
             "difficulty": 3, "tags": []},
            {"type": "fill", "stem": "F（ ）", "options": [], "answer": [["four", "4"]], "explanation": "",
             "chapter": "", "difficulty": 2, "tags": []},
        ],
    }


def test_json_export_round_trips_exactly():
    document = export_document()
    result = parse_file("bank.json", json.dumps(document, ensure_ascii=False).encode())
    assert not result.errors
    assert result.bank == {"name": "测试题库", "category": "regulations", "description": ""}
    assert [q.as_export() for q in result.questions] == document["questions"]


def test_json_errors_name_the_question_and_field():
    document = export_document()
    document["questions"][0]["answer"] = "Z"
    document["questions"][2]["answer"] = "yes"
    document["questions"][3]["difficulty"] = 7
    result = parse_file("bank.json", json.dumps(document).encode())
    assert [(e.row, e.column) for e in result.errors] == [(1, "答案"), (3, "answer"), (4, "difficulty")]


def test_json_that_is_not_an_export_is_an_error():
    for data in (b"{", b"[1, 2]", b'{"questions": 3}', b"[" * 100000):
        result = parse_file("bank.json", data)
        assert result.errors and not result.questions


def test_json_source_is_a_document_and_an_article():
    document = export_document()
    document["questions"][1]["source"] = "《中国共产党章程》第四十条"  # an older export's free text
    document["questions"][2]["source"] = {"document": "《中国共产党章程》", "article": " 总纲 "}
    result = parse_file("bank.json", json.dumps(document, ensure_ascii=False).encode())
    assert not result.errors
    assert [(q.source_document, q.source_article) for q in result.questions] == [
        ("中国共产党章程", "第三条"), ("中国共产党章程", "第四十条"), ("中国共产党章程", "总纲"), ("", "")]
    assert result.questions[1].as_export()["source"] == {"document": "中国共产党章程", "article": "第四十条"}
    assert "source" not in result.questions[3].as_export()


def test_json_source_of_the_wrong_shape_is_refused_with_its_question():
    document = export_document()
    document["questions"][0]["source"] = {"document": "中国共产党章程", "articles": ["第三条"]}
    document["questions"][1]["source"] = {"article": "第三条"}
    document["questions"][2]["source"] = "《甲》第一条，《乙》第二条"
    document["questions"][3]["source"] = ["中国共产党章程"]
    result = parse_file("bank.json", json.dumps(document, ensure_ascii=False).encode())
    assert not result.questions
    assert [(e.row, e.column) for e in result.errors] == [(1, "source"), (2, "出处"), (3, "source"), (4, "source")]
    assert "只能写一个文件" in result.errors[2].message


def test_sheet_source_column_reads_document_and_article():
    data = xlsx([
        ["题型", "题干", "选项A", "选项B", "答案", "出处"],
        ["单选", "甲", "a", "b", "A", "《中国共产党章程》第三条"],
        ["判断", "乙", "", "", "对", "中华人民共和国人民警察法第二十二条"],
        ["判断", "丙", "", "", "错", ""],
        ["判断", "丁", "", "", "错", "第三条"],
    ])
    result = parse_file("bank.xlsx", data)
    assert [(q.source_document, q.source_article) for q in result.questions] == [
        ("中国共产党章程", "第三条"), ("中华人民共和国人民警察法", "第二十二条"), ("", "")]
    assert [(e.row, e.column) for e in result.errors] == [(5, "出处")]
    assert "缺少文件名称" in result.errors[0].message


def test_text_layout_reads_a_source_line():
    text = "1. 党的最高理想和最终目标是（ ）。\nA. 实现共产主义\nB. 消除城乡差别\n答案：A\n出处：《中国共产党章程》总纲\n"
    result = parse_file("bank.txt", text.encode())
    assert not result.errors
    assert (result.questions[0].source_document, result.questions[0].source_article) == ("中国共产党章程", "总纲")
