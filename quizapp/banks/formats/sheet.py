"""Spreadsheets (xlsx, xls, csv): our template, the 考试宝 batch template and the layouts people keep.

Columns are matched by name (notes such as （必填）, ``&#10;`` and line breaks in
header cells ignored); options come one per column (``选项A``, ``A选项``, ``A``, with
or without an ``A、`` label in the cell) or all in one ``选项`` cell (``A-甲|B-乙``).
What a cell says is read with the same ``layout`` knowledge as the text formats.
Errors carry the row and the column letter: 第R行 第C列.
"""
from __future__ import annotations

import re
from collections import Counter

from ...tabular import TableError, column_letter, find_header, normalise_header, read_rows
from ..types import OPTION_KEYS
from . import layout
from .common import InvalidQuestion, ParseResult, build_question, citation_of, difficulty_of, make_options
from .inference import resolve

HEADER_ALIASES = {
    "type": {"题型", "类型", "试题类型", "题目类型", "type", "questiontype"},
    "stem": {"题干", "题目", "试题", "问题", "题目内容", "试题内容", "stem", "question", "title"},
    "answer": {"答案", "正确答案", "标准答案", "参考答案", "answer", "key"},
    "explanation": {"解析", "答案解析", "试题解析", "提示", "explanation", "analysis"},
    "judge_explanation": {"判断题解析"},
    "chapter": {"章节", "章", "分类", "知识点", "一级纲要", "chapter"},
    "difficulty": {"难度", "难易程度", "difficulty"},
    "tags": {"标签", "tags", "tag"},
    "source": {"来源", "出处", "source"},
    # Free text ("国家电网企管〔2023〕55号", "第十三条"), rarely a citation: kept with the explanation.
    "basis": {"题目依据", "依据", "出题依据"},
    "options": {"选项", "options", "备选项", "选项内容"},
}
for _key in OPTION_KEYS:
    _k = _key.lower()
    HEADER_ALIASES[f"option_{_key}"] = {f"选项{_k}", _k, f"option{_k}", f"{_k}选项", f"选项{_k}内容"}
REQUIRED = {"stem", "answer"}
COLUMN_FIELDS = {"题型": "type", "题干": "stem", "答案": "answer", "解析": "explanation", "章节": "chapter",
                 "难度": "difficulty", "标签": "tags", "来源": "source", "出处": "source"}
# Cells that mean "nothing here" in banks people keep.
EMPTY_MARKS = {"\\", "/", "无", "—", "-", "——"}
# A row that may be a header again: a short cell naming the stem column.
HEADER_HINT = re.compile(r"题干|题目|问题|试题|stem|question|title", re.IGNORECASE)
# The export/template column order.
TEMPLATE_HEADER = ["题型", "题干"] + [f"选项{k}" for k in OPTION_KEYS] + ["答案", "解析", "章节", "难度", "标签", "出处"]


class Sheet:
    """The header found in a sheet and how to read a row by it."""

    def __init__(self, columns: dict[str, int], rows: list[list[str]] = ()):
        self.columns = columns
        self.option_columns = [columns.get(f"option_{k}") for k in OPTION_KEYS]
        # "\" or "无" used over and over in a column means "nothing here"; once, it may be content.
        counts = Counter((c, row[c].strip()) for row in rows for c in columns.values()
                         if c < len(row) and row[c].strip() in EMPTY_MARKS)
        self.placeholders = {cell for cell, count in counts.items() if count >= 3}
        # Stems copied with their numbers ("1、题干"): only when most stems are, so a stem that
        # merely starts with a number ("1、2、3中…" aside) keeps it.
        stems = [self.cell(row, "stem") for row in rows]
        stems = [stem for stem in stems if stem]
        self.numbered = len(stems) >= 2 and sum(map(layout.numbered_stem, stems)) * 2 >= len(stems)
        # Export marks ("** 题干") likewise only where they recur.
        marked = sum(map(layout.decorated, stems))
        self.decorated = marked >= 3 and marked * 10 >= len(stems)

    def cell(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        value = row[index].strip() if index is not None and index < len(row) else ""
        return "" if (index, value) in self.placeholders else value

    def letter(self, column: str) -> str:
        """The column letter an error names (选项C → the 选项C column, or the one 选项 column)."""
        if column.startswith("选项"):
            key = column[2:3]
            index = self.columns.get(f"option_{key}") if key else None
            index = index if index is not None else self.columns.get("options", self.option_columns[0])
            if index is None:  # no option columns at all: the answer is what shows the question wanted some
                index = self.columns.get("answer")
        else:
            index = self.columns.get(COLUMN_FIELDS.get(column, ""))
        return column_letter(index) if index is not None else ""

    def option_texts(self, row: list[str]) -> list[str]:
        """The option texts of a row, labels such as ``A、`` taken off."""
        texts = [layout.strip_option_label(row[c], key) if c is not None and c < len(row) else ""
                 for key, c in zip(OPTION_KEYS, self.option_columns)]
        while texts and not texts[-1]:
            texts.pop()
        if texts or "options" not in self.columns:
            return texts
        cell = self.cell(row, "options")
        if not cell:
            return []
        split = layout.split_option_cell(cell)
        if split is None:
            raise InvalidQuestion("选项", f"选项“{cell[:30]}”无法分成A、B、C…各个选项（应写成“A-甲|B-乙”或“A.甲 B.乙”）。")
        return split


def _header_cell(text: str) -> str:
    return normalise_header(text)


def parse_sheet(filename: str, data: bytes) -> ParseResult:
    """Rows of a spreadsheet → questions; errors carry the spreadsheet row and column letter."""
    result = ParseResult("xlsx" if not filename.lower().endswith(".csv") else "csv")
    try:
        rows = read_rows(filename, data)
    except TableError as error:
        result.fail(None, "", str(error), kind="row")
        return result
    found = find_header(rows, HEADER_ALIASES, REQUIRED)
    if found is None:
        result.fail(1, "", "找不到表头：前10行中应有一行包含“题干”和“答案”（可选 题型、选项A–H、解析、章节、难度）。",
                    kind="row")
        return result
    header_index, columns = found
    sheet = Sheet(columns, rows[header_index + 1:])
    header = [_header_cell(c) for c in rows[header_index]]
    declared_heading = None
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        filled = [c.strip() for c in row if c.strip()]
        if not filled:
            continue
        number = index + 1
        if any(len(c) <= 20 and HEADER_HINT.search(c) for c in filled):
            if [_header_cell(c) for c in row] == header:
                result.warn(number, "已跳过重复的表头行。", kind="row")
                continue
            again = find_header([row], HEADER_ALIASES, REQUIRED, search_rows=1)
            if again is not None:  # a second table below the first, with its own header
                sheet, header = Sheet(again[1], rows[index + 1:]), [_header_cell(c) for c in row]
                result.warn(number, "这一行是新的表头，下面的行按它读取。", kind="row")
                continue
        if len(filled) == 1 and layout.heading_type(layout.fold_line(filled[0])):
            declared_heading = layout.heading_type(layout.fold_line(filled[0]))
            continue
        try:
            question = _row_question(sheet, row, number, declared_heading, result)
        except InvalidQuestion as error:
            result.fail(number, error.column, error.message, kind="row", cell=sheet.letter(error.column),
                        unsupported=error.unsupported)
            continue
        result.questions.append(question)
    if not result.questions and not result.errors:
        result.fail(header_index + 1, "", "表头下面没有题目。", kind="row")
    return result


def _stem(cell: str, number: int, result: ParseResult, sheet: Sheet) -> str:
    """The stem cell without its number, export marks or a heading glued on a line of its own."""
    lines = cell.splitlines() or [""]
    kept = [lines[0]]
    for line in lines[1:]:
        if layout.heading_type(layout.fold_line(line.strip())):
            result.warn(number, f"已删除题干中的标题行“{line.strip()[:20]}”。", kind="row")
        else:
            kept.append(line)
    stem = "\n".join(kept).strip()
    stem = layout.strip_stem_number(stem) if sheet.numbered else stem
    return layout.strip_decoration(stem) if sheet.decorated else stem


def _row_question(sheet: Sheet, row: list[str], number: int, declared_heading: str | None, result: ParseResult):
    raw_type = sheet.cell(row, "type")
    declared = layout.declared_type(raw_type) if raw_type else declared_heading
    if raw_type and declared is None:
        raise InvalidQuestion("题型", f"题型“{raw_type}”无效，应为单选、多选、不定项、判断或填空。")
    if declared == "unsupported":
        raise InvalidQuestion("题型", f"不支持{raw_type or '这种题型'}（只支持单选、多选、判断、填空），未导入。",
                              unsupported=True)
    stem = _stem(sheet.cell(row, "stem"), number, result, sheet)
    texts = sheet.option_texts(row)
    answer, cell_explanation, ignored = layout.split_answer_cell(sheet.cell(row, "answer"))
    if ignored:
        result.warn(number, f"答案格中答案后面的文字“{ignored[:20]}”已忽略。", kind="row",
                    cell=sheet.letter("答案"))
    if declared == "fill" and not answer and texts:
        # 考试宝: a fill question's blanks stand in the 选项 columns, one per blank (or "|" in one cell).
        answer, texts = "|".join(t for t in texts if t), []
    options = make_options(texts)
    resolved = resolve(declared, answer, options)
    explanation = sheet.cell(row, "explanation") or cell_explanation or sheet.cell(row, "judge_explanation")
    basis = sheet.cell(row, "basis")
    if basis:
        explanation = f"{explanation}\n依据：{basis}" if explanation else f"依据：{basis}"
    return build_question(
        type_=resolved.type, stem=stem, options=resolved.options, answer=resolved.answer,
        explanation=explanation, chapter=sheet.cell(row, "chapter"),
        difficulty=difficulty_of(sheet.cell(row, "difficulty")), tags=sheet.cell(row, "tags"),
        source=citation_of(sheet.cell(row, "source")), line=number, any_order=resolved.any_order,
    )
