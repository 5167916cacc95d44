"""Moodle GIFT: single choice, multiple answers, true/false and short answer.

Questions are separated by blank lines; ``//`` lines are comments; ``::name::``
is dropped; ``$CATEGORY:`` sets the chapter of the questions after it; ``\\``
escapes ``~ = # { } :``. Matching, numerical and essay questions (and text
without an answer block) are reported by line, not imported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..types import OPTION_KEYS
from .common import InvalidQuestion, ParseResult, build_question
from .text import decode

ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005", ":": "\ue006",
           "n": "\ue007"}
RESTORE = {v: ("\n" if k == "n" else k) for k, v in ESCAPES.items()}
FORMAT_PREFIX = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]\s*", re.IGNORECASE)
# Only tags a question editor writes count as HTML: "a<b and c>d" in a plain question stays as it is.
HTML_TAG = re.compile(r"<(?:/?(?:a|b|i|u|p|br|hr|em|strong|span|div|font|sub|sup|img|ul|ol|li|table|tr|td|th|h[1-6]"
                      r"|pre|code|blockquote|script|style)\b[^<>]*/?|!--.*?--)>", re.IGNORECASE | re.DOTALL)
# Without an [html] tag, only text with a closing tag or a <br> is HTML.
HTML_CLOSED = re.compile(r"</(?:a|b|i|u|p|em|strong|span|div|font|sub|sup|li|td|h[1-6])\s*>|<br\s*/?>", re.IGNORECASE)
BLOCK_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TRUE_WORDS, FALSE_WORDS = {"t", "true"}, {"f", "false"}
BLANK = "____"


@dataclass
class Choice:
    """One answer inside the braces."""

    mark: str  # "=" or "~"
    weight: float | None
    text: str
    feedback: str


def protect(text: str) -> str:
    """Escaped control characters → placeholders the parser does not see."""
    return re.sub(r"\\([\\~=#{}:n])", lambda m: ESCAPES[m.group(1)], text)


def restore(text: str) -> str:
    """Placeholders back to the literal characters."""
    return "".join(RESTORE.get(ch, ch) for ch in text)


class _TextOfHtml(HTMLParser):
    """The text a browser would show for a piece of HTML: tags dropped, entities decoded, scripts skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1
        elif tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(text: str) -> str:
    """HTML as the plain text it shows: our pages render stems as text, never as markup."""
    if not HTML_TAG.search(text) and "&" not in text:
        return text
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def clean(text: str, markup: bool = False) -> str:
    """Restored text with its format tag ([html], [plain]…) gone, HTML made text, whitespace collapsed."""
    text = restore(text)
    tag = FORMAT_PREFIX.match(text)
    if tag:
        markup = tag.group(1).lower() in ("html", "moodle") or markup
        text = text[tag.end():]
    if markup or HTML_CLOSED.search(text):
        text = html_text(text)
    return re.sub(r"\s+", " ", text).strip()


def parse_gift(filename: str, data: bytes) -> ParseResult:
    """A GIFT file → questions; unsupported kinds are errors at their first line."""
    result = ParseResult("gift")
    text = decode(data, result)
    if text is None:
        return result
    chapter = ""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines() + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped:
            block.append((number, line))
            continue
        if block:
            chapter = _parse_block(block, chapter, result)
            block = []
    if not result.questions and not result.errors:
        result.fail(None, "", "文件中没有找到GIFT格式的题目。")
    return result


def _parse_block(block: list[tuple[int, str]], chapter: str, result: ParseResult) -> str:
    """Parse one question (or a $CATEGORY line); returns the chapter now in force."""
    line = block[0][0]
    text = protect("\n".join(content for _, content in block)).strip()
    if text.startswith("$CATEGORY:"):
        first, _, rest = text.partition("\n")
        path = restore(first[len("$CATEGORY:"):]).strip()
        parts = [p for p in path.split("/") if p and p not in {"$course$", "$system$", "$module$", "$cat1$", "top"}]
        chapter = parts[-1].strip() if parts else ""
        rest_lines = block[1:]
        if not rest.strip() or not rest_lines:
            return chapter
        # A question written right under its $CATEGORY line, no blank line between.
        return _parse_block(rest_lines, chapter, result)
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            result.fail(line, "题目名称", "题目名称缺少结尾的“::”。")
            return chapter
        text = text[end + 2:]
    markup = bool(FORMAT_PREFIX.match(text)) and FORMAT_PREFIX.match(text).group(1).lower() in ("html", "moodle")
    text = FORMAT_PREFIX.sub("", text, count=1)
    start = text.find("{")
    if start < 0:
        result.fail(line, "答案", "没有答案部分“{…}”（说明文字不是题目），未导入。")
        return chapter
    finish = text.find("}", start)
    if finish < 0:
        result.fail(line, "答案", "答案部分缺少结尾的“}”。")
        return chapter
    before, inside, after = text[:start], text[start + 1:finish].strip(), text[finish + 1:]
    if re.fullmatch(r"\s*[\"';]+\s*", after):
        after = ""  # a stray `";` after the braces (as in Moodle's own fixture) is no part of the question
    try:
        question = _question(before, inside, after, chapter, line, markup)
    except InvalidQuestion as error:
        result.fail(line, error.column, error.message, unsupported=error.unsupported)
        return chapter
    result.questions.append(question)
    return chapter


def _stem(before: str, after: str, blank: bool, markup: bool = False) -> str:
    """The question text; an answer block standing mid-sentence becomes a blank."""
    if blank and not after.strip() and not re.search(r"[?.!:。？！：]\s*$", clean(before, markup)):
        after = "\ue008"  # an unfinished sentence ends in its blank: "Jesus was from ____"
    if blank and after.strip():
        return clean(before + " " + BLANK + " " + after.replace("\ue008", ""), markup).replace(
            f" {BLANK} .", f" {BLANK}.").replace(f" {BLANK} ,", f" {BLANK},")
    return clean(before + " " + after, markup)


def _question(before: str, inside: str, after: str, chapter: str, line: int, markup: bool = False):
    general = ""
    if "####" in inside:
        inside, general = inside.split("####", 1)
        inside = inside.strip()
    if not inside:
        raise InvalidQuestion("题型", "不支持问答题（essay），未导入。", unsupported=True)
    if inside.startswith("#"):
        raise InvalidQuestion("题型", "不支持数值题（numerical），未导入。", unsupported=True)
    if inside.startswith("=") and "->" in inside:
        raise InvalidQuestion("题型", "不支持匹配题（matching），未导入。", unsupported=True)
    head, _, feedback = inside.partition("#")
    if head.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        feedbacks = [clean(f) for f in feedback.split("#")] if feedback else []
        explanation = clean(general) or (feedbacks[1] if len(feedbacks) > 1 and feedbacks[1] else
                                         feedbacks[0] if feedbacks else "")
        return build_question(type_="judge", stem=_stem(before, after, blank=False, markup=markup), options=[],
                              answer=head.strip().lower() in TRUE_WORDS, explanation=explanation,
                              chapter=chapter, line=line)
    choices = _choices(inside)
    if not choices:
        raise InvalidQuestion("答案", "答案部分应以“=”或“~”开头。")
    if all(c.mark == "=" for c in choices):
        accepted = [c.text for c in choices if c.weight in (None, 100)]
        if not accepted:
            raise InvalidQuestion("答案", "简答题没有满分答案。")
        explanation = clean(general) or next(
            (c.feedback for c in choices if c.weight in (None, 100) and c.feedback), "")
        return build_question(type_="fill", stem=_stem(before, after, blank=True, markup=markup), options=[],
                              answer=[accepted], explanation=explanation, chapter=chapter, line=line)
    if len(choices) > len(OPTION_KEYS):
        raise InvalidQuestion("选项", f"选项超过{len(OPTION_KEYS)}个。")
    options = [{"key": key, "text": c.text} for key, c in zip(OPTION_KEYS, choices)]
    if any(c.mark == "=" for c in choices):
        correct = [key for key, c in zip(OPTION_KEYS, choices) if c.mark == "="]
    else:
        correct = [key for key, c in zip(OPTION_KEYS, choices) if c.weight is not None and c.weight > 0]
    if not correct:
        raise InvalidQuestion("答案", "没有正确选项（单选用“=”标出，多选用正的“%权重%”标出）。")
    type_ = "single" if len(correct) == 1 else "multiple"
    explanation = clean(general) or " ".join(
        c.feedback for key, c in zip(OPTION_KEYS, choices) if key in correct and c.feedback)
    return build_question(type_=type_, stem=_stem(before, after, blank=True, markup=markup), options=options,
                          answer=correct[0] if type_ == "single" else correct, explanation=explanation,
                          chapter=chapter, line=line)


def _choices(inside: str) -> list[Choice]:
    """Split the braces' content on unescaped = and ~ into answers with weight and feedback."""
    parts = re.split(r"([=~])", inside)
    if parts[0].strip():
        raise InvalidQuestion("答案", f"无法识别的答案内容：“{clean(parts[0])[:30]}”。")
    choices = []
    for mark, body in zip(parts[1::2], parts[2::2]):
        weight = None
        body = body.strip()
        match = WEIGHT.match(body)
        if match:
            weight = float(match.group(1))
            body = body[match.end():]
        text, _, feedback = body.partition("#")
        text = clean(text)
        if not text:
            raise InvalidQuestion("答案", "有一个空答案（“=”或“~”后没有内容）。")
        choices.append(Choice(mark, weight, text, clean(feedback)))
    return choices
