"""Our own JSON export (PRODUCT.md §4.2); it round-trips exactly."""
from __future__ import annotations

import json

from ..models import CATEGORIES
from ..types import OPTION_KEYS
from .common import InvalidQuestion, ParseResult, build_question, citation_of, safe
from .text import decode

FIELDS = {"type", "stem", "options", "answer", "explanation", "chapter", "difficulty", "tags", "source", "retired",
          "any_order"}


def parse_json(filename: str, data: bytes) -> ParseResult:
    """{"bank": {...}, "questions": [...]} → questions; errors name the question number and field."""
    result = ParseResult("json")
    text = decode(data, result)
    if text is None:
        return result
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        result.fail(getattr(error, "lineno", None), "", "JSON格式有误，无法解析。")
        return result
    if isinstance(document, list):
        document = {"questions": document}
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        result.fail(None, "", "JSON应为 {\"bank\": {...}, \"questions\": [...]}。")
        return result
    bank = document.get("bank")
    if isinstance(bank, dict):
        name = bank.get("name")
        category = bank.get("category")
        description = bank.get("description")
        result.bank = {
            "name": safe(name)[:100] if isinstance(name, str) else "",
            "category": category if category in CATEGORIES else "other",
            "description": safe(description)[:2000] if isinstance(description, str) else "",
        }
    for number, item in enumerate(document["questions"], start=1):
        try:
            question = _question(item, number)
        except InvalidQuestion as error:
            result.fail(number, error.column, error.message, kind="item")
            continue
        result.questions.append(question)
    if not result.questions and not result.errors:
        result.fail(None, "", "JSON中没有题目。")
    return result


def _text(item: dict, name: str, label: str) -> str:
    value = item.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidQuestion(label, f"{label}应为文本。")
    return value


def _source(item: dict) -> tuple[str, str]:
    """{"document", "article"} (or an older export's text, '《…》第三条') → (document, article)."""
    value = item.get("source")
    if value in (None, "", {}):
        return "", ""
    if isinstance(value, str):
        return citation_of(value, "source")
    if not isinstance(value, dict) or set(value) - {"document", "article"} or not all(
            isinstance(v, str) for v in value.values()):
        raise InvalidQuestion("source", "出处应为 {\"document\": \"中国共产党章程\", \"article\": \"第三条\"}。")
    return value.get("document", ""), value.get("article", "")


def _question(item, number: int):
    if not isinstance(item, dict):
        raise InvalidQuestion("", "每道题应为一个对象。")
    type_ = item.get("type")
    if not isinstance(type_, str):
        raise InvalidQuestion("type", "缺少题型（type）。")
    options = item.get("options") or []
    if not isinstance(options, list) or not all(
        isinstance(o, dict) and isinstance(o.get("key"), str) and isinstance(o.get("text"), str) for o in options
    ):
        raise InvalidQuestion("options", "选项应为 [{\"key\": \"A\", \"text\": \"…\"}] 的列表。")
    keys = [o["key"] for o in options]
    if keys != list(OPTION_KEYS[:len(keys)]):
        raise InvalidQuestion("options", "选项的key应从A起连续（A–H）。")
    if any(not o["text"].strip() for o in options):
        raise InvalidQuestion("options", "选项内容不能为空。")
    answer = item.get("answer")
    if type_ == "judge" and not isinstance(answer, bool):
        raise InvalidQuestion("answer", "判断题的answer应为true或false。")
    if type_ == "fill" and not isinstance(answer, list):
        raise InvalidQuestion("answer", "填空题的answer应为每空一个备选答案列表，如 [[\"四\", \"4\"]]。")
    if type_ == "multiple" and not isinstance(answer, list):
        raise InvalidQuestion("answer", "多选题的answer应为字母列表，如 [\"A\", \"D\"]。")
    difficulty = item.get("difficulty", 2)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 3:
        raise InvalidQuestion("difficulty", "难度应为1、2或3。")
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InvalidQuestion("tags", "标签应为文本列表。")
    stem = _text(item, "stem", "题干")
    return build_question(
        type_=type_, stem=stem, options=[{"key": o["key"], "text": o["text"].strip()} for o in options], answer=answer,
        explanation=_text(item, "explanation", "解析"), chapter=_text(item, "chapter", "章节"),
        difficulty=difficulty, tags=tags, source=_source(item),
        retired=item.get("retired") is True, line=number, any_order=item.get("any_order") is True,
    )
