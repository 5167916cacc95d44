"""Moodle Aiken: a stem, options ``A.`` or ``A)``, then ``ANSWER: X`` (single choice only)."""
from __future__ import annotations

import re

from ..types import OPTION_KEYS
from .common import InvalidQuestion, ParseResult, build_question
from .layout import fold_line
from .text import decode

OPTION = re.compile(r"^([A-Z])\s*[.)]\s*(.*)$")
ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


def parse_aiken(filename: str, data: bytes) -> ParseResult:
    """An Aiken file → single-choice questions; each malformed question is an error at its line."""
    result = ParseResult("aiken")
    text = decode(data, result)
    if text is None:
        return result
    stem: list[str] = []
    options: list[str] = []
    start = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = fold_line(raw).strip()
        if not line:
            continue
        answer = ANSWER.match(line)
        if answer:
            if start is None or not stem:
                result.fail(number, "答案", "“ANSWER:”之前没有题干。")
            else:
                _finish(result, start, stem, options, answer.group(1).strip(), number)
            stem, options, start = [], [], None
            continue
        option = OPTION.match(line)
        if option and stem and option.group(1) == OPTION_KEYS[min(len(options), len(OPTION_KEYS) - 1)] \
                and len(options) < len(OPTION_KEYS):
            options.append(raw.strip()[option.start(2):].strip())
            continue
        if options:
            result.fail(start, "答案", "选项之后缺少“ANSWER: 字母”行。")
            stem, options, start = [], [], None
        if start is None:
            start = number
        stem.append(raw.strip())
    if stem or options:
        result.fail(start, "答案", "选项之后缺少“ANSWER: 字母”行。")
    if not result.questions and not result.errors:
        result.fail(None, "", "文件中没有找到Aiken格式的题目。")
    return result


def _finish(result: ParseResult, start: int, stem: list[str], options: list[str], answer: str, line: int) -> None:
    if len(options) < 2:
        result.fail(start, "选项", "Aiken题至少需要两个选项（A. 或 A) 开头）。")
        return
    letter = answer.upper()
    if len(letter) != 1 or letter not in OPTION_KEYS[:len(options)]:
        result.fail(line, "答案", f"答案“{answer}”不是已有选项的字母（{'/'.join(OPTION_KEYS[:len(options)])}）。")
        return
    try:
        question = build_question(type_="single", stem=" ".join(stem), answer=letter, line=start,
                                  options=[{"key": k, "text": t} for k, t in zip(OPTION_KEYS, options)])
    except InvalidQuestion as error:
        result.fail(start, error.column, error.message)
        return
    result.questions.append(question)
