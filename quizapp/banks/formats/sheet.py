"""Spreadsheets (xlsx, xls, csv) in our template or the 考试宝 batch template."""
from __future__ import annotations

from ...tabular import TableError, find_header, read_rows
from ..types import OPTION_KEYS, has_options
from .common import (InvalidQuestion, ParseResult, build_question, citation_of, difficulty_of, fold, infer_type,
                     letters_of, make_options, type_code)

HEADER_ALIASES = {
    "type": {"题型", "类型", "试题类型", "题目类型", "type", "questiontype"},
    "stem": {"题干", "题目", "试题", "题目内容", "试题内容", "stem", "question"},
    "answer": {"答案", "正确答案", "标准答案", "参考答案", "answer", "key"},
    "explanation": {"解析", "答案解析", "试题解析", "explanation", "analysis"},
    "chapter": {"章节", "章", "分类", "知识点", "chapter"},
    "difficulty": {"难度", "难易程度", "difficulty"},
    "tags": {"标签", "tags", "tag"},
    "source": {"来源", "出处", "source"},
}
for _key in OPTION_KEYS:
    HEADER_ALIASES[f"option_{_key}"] = {f"选项{_key.lower()}", _key.lower(), f"option{_key.lower()}"}
REQUIRED = {"stem", "answer"}
COLUMN_LABELS = {"type": "题型", "stem": "题干", "answer": "答案", "explanation": "解析", "chapter": "章节",
                 "difficulty": "难度", "tags": "标签", "source": "出处"}
# The export/template column order.
TEMPLATE_HEADER = ["题型", "题干"] + [f"选项{k}" for k in OPTION_KEYS] + ["答案", "解析", "章节", "难度", "标签", "出处"]


def parse_sheet(filename: str, data: bytes) -> ParseResult:
    """Rows of a spreadsheet → questions; errors carry the spreadsheet row and column name."""
    result = ParseResult("xlsx" if not filename.lower().endswith(".csv") else "csv")
    try:
        rows = read_rows(filename, data)
    except TableError as error:
        result.fail(None, "", str(error))
        return result
    found = find_header(rows, HEADER_ALIASES, REQUIRED)
    if found is None:
        result.fail(1, "", "找不到表头：前10行中应有一行包含“题干”和“答案”（可选 题型、选项A–H、解析、章节、难度）。")
        return result
    header_index, columns = found
    option_columns = [columns.get(f"option_{k}") for k in OPTION_KEYS]

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(c.strip() for c in row):
            continue
        number = index + 1
        try:
            texts = [row[c].strip() if c is not None and c < len(row) else "" for c in option_columns]
            options = make_options(texts)
            answer = cell(row, "answer")
            raw_type = cell(row, "type")
            if raw_type:
                type_ = type_code(raw_type)
                if type_ is None:
                    raise InvalidQuestion("题型", f"题型“{raw_type}”无效，应为单选、多选、判断或填空。")
            else:
                type_ = infer_type(answer, options, cell(row, "stem"))
            if has_options(type_):
                answer = "".join(letters_of(answer) or []) or fold(answer)
            question = build_question(
                type_=type_, stem=cell(row, "stem"), options=options, answer=answer,
                explanation=cell(row, "explanation"), chapter=cell(row, "chapter"),
                difficulty=difficulty_of(cell(row, "difficulty")), tags=cell(row, "tags"),
                source=citation_of(cell(row, "source")), line=number,
            )
        except InvalidQuestion as error:
            result.fail(number, error.column, error.message)
            continue
        result.questions.append(question)
    if not result.questions and not result.errors:
        result.fail(header_index + 1, "", "表头下面没有题目。")
    return result
