"""A question's type from what the file declares, its answer and its options.

The declared type (a 题型 column, a section heading, a ``【单选题】`` label) wins when
there is one; otherwise the answer's shape decides. A choice question never quietly
becomes a fill question: a letter answer without options, a 单选 with two letters or
a letter that names no option is an error that says what was found and what was
expected. Pure, shared by the text, docx and sheet parsers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import OPTION_KEYS, normalise_text
from .common import InvalidQuestion, judge_options
from .layout import DECLARED_LABELS, fill_blanks, judge_word, letters_of, looks_like_option


@dataclass
class Resolved:
    """The type and the answer in the form ``build_question`` takes."""

    type: str
    answer: object
    options: list[dict]
    any_order: bool = False


def _keys(options: list[dict]) -> str:
    return "/".join(o["key"] for o in options)


def _letters_with_text(text: str) -> bool:
    """``C根据新法……``: option letters followed by other words."""
    return bool(re.match(r"^[A-Ha-h]{1,8}[\s,，、.。:：]*[^\sA-Ha-h,，、.。:：]", text))


def _choice(declared: str | None, text: str, options: list[dict]) -> Resolved:
    label = DECLARED_LABELS.get(declared or "", "选择题")
    if not options:
        raise InvalidQuestion("选项", f"{label}没有选项：答案是“{text[:20]}”，但题目下没有A、B、C…选项。")
    letters = letters_of(text)
    if letters is None:
        by_text = [o["key"] for o in options if normalise_text(o["text"]) == normalise_text(text)]
        if len(by_text) == 1:
            letters = by_text
        elif _letters_with_text(text):
            raise InvalidQuestion("答案", f"答案“{text[:30]}”后面有多余的文字：答案应只写选项字母（{_keys(options)}），"
                                        "解析请写在“解析：”行。")
        else:
            raise InvalidQuestion("答案", f"答案“{text[:30]}”不是选项字母：{label}的答案应为{_keys(options)}中的字母。")
    unknown = [letter for letter in letters if letter not in _keys(options)]
    if unknown:
        raise InvalidQuestion("答案", f"答案“{text}”中的{'、'.join(unknown)}不是已有的选项（只有{_keys(options)}）。")
    if declared == "single" and len(letters) > 1:
        raise InvalidQuestion("答案", f"题型是单选题，但答案“{text}”有{len(letters)}个选项。")
    if declared == "multiple" and len(letters) == 1:
        raise InvalidQuestion("答案", f"题型是多选题，但答案“{text}”只有一个选项；只有一个正确选项的题请标为单选题"
                                    "（或不定项选择题）。")
    if declared in ("multiple", "indefinite") or (declared in (None, "choice") and len(letters) > 1):
        return Resolved("multiple", letters, options)
    return Resolved("single", letters[0], options)


def _judge(text: str, options: list[dict]) -> Resolved:
    value = judge_word(text)
    if value is None and options and judge_options(options):
        letters = letters_of(text)
        if letters and len(letters) == 1 and letters[0] in _keys(options):
            value = judge_word(next(o["text"] for o in options if o["key"] == letters[0]))
    elif value is None and not options and re.fullmatch(r"\s*[ABab]\s*", text):
        value = text.strip().upper() == "A"  # our template: A 正确, B 错误
    if value is None:
        raise InvalidQuestion("答案", f"题型是判断题，但答案“{text[:20]}”不是 对/错（正确/错误、√/×）。")
    if options and not judge_options(options):
        raise InvalidQuestion("选项", f"判断题只能有“对/错”（或“正确/错误”、“√/×”）两个选项，这里有{len(options)}个。")
    return Resolved("judge", value, [])


def resolve(declared: str | None, answer: str, options: list[dict]) -> Resolved:
    """The question's type and answer; InvalidQuestion when they cannot both be right."""
    text = (answer or "").strip()
    if declared == "unsupported":
        raise InvalidQuestion("题型", "不支持这种题型（只支持单选、多选、判断、填空），未导入。", unsupported=True)
    if not text:
        raise InvalidQuestion("答案", "缺少答案。")
    if declared in ("single", "multiple", "indefinite", "choice"):
        return _choice(declared, text, options)
    if declared == "judge":
        return _judge(text, options)
    if declared == "fill":
        if options:
            raise InvalidQuestion("选项", f"题型是填空题，但有{len(options)}个选项；选择题请标为单选或多选。")
        blanks, any_order = fill_blanks(text)
        return Resolved("fill", blanks, [], any_order)
    # No declared type: the answer's shape decides.
    if options and judge_options(options):
        return _judge(text, options)
    if options:
        return _choice(None, text, options)
    if judge_word(text) is not None:
        return Resolved("judge", judge_word(text), [])
    if looks_like_option(text):
        raise InvalidQuestion("选项", f"答案“{text[:20]}”是一个选项（字母加内容），但题目没有选项：选择题缺少A、B、C…选项。")
    letters = letters_of(text)
    if letters and len(letters) <= len(OPTION_KEYS):
        kind = "单选题" if len(letters) == 1 else "多选题"
        raise InvalidQuestion("选项", f"答案“{text}”是选项字母，但题目没有选项：{kind}没有选项。")
    blanks, any_order = fill_blanks(text)
    return Resolved("fill", blanks, [], any_order)
