"""The xlsx import template and the xlsx export (the same columns)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .formats import TEMPLATE_HEADER
from .types import OPTION_KEYS, QUESTION_TYPES

EXAMPLES = [
    {"type": "single", "stem": "中国共产党的最高领导机关是（ ）。",
     "options": ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会"], "answer": "A",
     "explanation": "党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。", "chapter": "第二章 党的组织制度",
     "difficulty": 1, "source": "《中国共产党章程》第十条"},
    {"type": "multiple", "stem": "下列属于党员义务的有（ ）。",
     "options": ["认真学习马克思列宁主义", "贯彻执行党的基本路线", "坚持党和人民的利益高于一切", "享受特殊待遇"],
     "answer": "ABC", "explanation": "党员必须履行的义务包括前三项；党员没有任何特殊待遇。", "chapter": "第一章 党员",
     "difficulty": 2, "source": "《中国共产党章程》第三条"},
    {"type": "judge", "stem": "人民警察必须以宪法和法律为活动准则。", "options": [], "answer": "正确",
     "explanation": "人民警察必须以宪法和法律为活动准则，忠于职守，清正廉洁，纪律严明，服从命令，严格执法。",
     "chapter": "第一章 总则", "difficulty": 1, "source": "《中华人民共和国人民警察法》第四条"},
    {"type": "fill", "stem": "人民警察的任务是维护（ ）安全，维护社会治安秩序。", "options": [], "answer": "国家",
     "explanation": "多个空用“|”分隔，同一空的多个答案用“/”分隔。",
     "chapter": "第一章 总则", "difficulty": 2, "source": "《中华人民共和国人民警察法》第二条"},
]


def answer_text(type_: str, answer) -> str:
    """A canonical key as typed in the template: B, ABD, 正确/错误, a/b|c."""
    if type_ == "multiple":
        return "".join(answer)
    if type_ == "judge":
        return "正确" if answer else "错误"
    if type_ == "fill":
        return "|".join("/".join(blank) for blank in answer)
    return str(answer)


def _literal(sheet, value):
    """Text that starts with '=' stays text: never a formula (data loss, and formula injection)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def _sheet(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("题库")
    sheet.append(TEMPLATE_HEADER)
    for row in rows:
        sheet.append([_literal(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(type_, stem, options, answer, explanation, chapter, difficulty, tags="", source=""):
    options = (list(options) + [""] * len(OPTION_KEYS))[:len(OPTION_KEYS)]
    return [QUESTION_TYPES[type_].label, stem, *options, answer, explanation, chapter, difficulty, tags, source]


def questions_xlsx(questions) -> bytes:
    """Questions in the template's columns (the export that imports back)."""
    return _sheet(
        _row(q.type, q.stem, [o["text"] for o in q.options], answer_text(q.type, q.answer), q.explanation,
             q.chapter, q.difficulty, ",".join(q.tags), q.citation)
        for q in questions
    )


def template_xlsx() -> bytes:
    """The empty template with one example row of each type, header in bold."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    sheet.append(TEMPLATE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in EXAMPLES:
        sheet.append(_row(example["type"], example["stem"], example["options"], example["answer"],
                          example["explanation"], example["chapter"], example["difficulty"], "", example["source"]))
    sheet.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
