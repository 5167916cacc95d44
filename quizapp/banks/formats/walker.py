"""Walking the lines of a text or docx bank: one question at a time.

Headings set the type (and chapter) of the questions that follow; export noise and
running page headers are dropped with a warning; a line that belongs nowhere is an
error located as 第N题（第L行）. What each line looks like is ``layout``'s business.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..types import OPTION_KEYS
from . import layout
from .common import (BLANK_MARK, InvalidQuestion, ParseResult, build_question, citation_of, difficulty_of,
                     make_options)
from .inference import resolve
from .text import Line

RUNNING_HEADER_REPEATS = 4
RUNNING_HEADER_LENGTH = 60
TITLE_LENGTH = 40


@dataclass
class Block:
    """The lines of one question being collected."""

    line: int
    number: int
    stem: list[str]
    declared: str | None = None
    chapter: str = ""
    options: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    last: str = "stem"
    error: InvalidQuestion | None = None

    @property
    def complete(self) -> bool:
        return "answer" in self.fields


def _structural(line: Line) -> bool:
    """Whether a line has a question-bank role (and so is never a running header)."""
    text = line.text
    return bool(line.auto or layout.stem_start(text) or layout.option_start(text)
                or layout.answer_line(text) is not None or layout.FIELD_LINE.match(text) or layout.heading_type(text) or layout.SEPARATOR.match(text)
                or layout.JUDGE_OPTION_LINE.match(text) or layout.noise_kind(text))


def running_headers(lines: list[Line]) -> dict[str, list[int]]:
    """Lines repeated many times across a file that have no role: page headers and footers of PDF text.

    A page break falls anywhere, so a header follows stems, options and answers alike;
    a wrapped stem line that many questions share ("的说法正确的是（ ）") always follows a
    stem's first line, and it has a blank to fill: neither is taken for a header.
    """
    counts = Counter(line.text for line in lines if line.text and len(line.text) <= RUNNING_HEADER_LENGTH)
    repeated = {text for text, count in counts.items()
                if count >= RUNNING_HEADER_REPEATS and not BLANK_MARK.search(text)}
    found: dict[str, list[int]] = {}
    after_stem: dict[str, bool] = {}
    previous = None
    for line in lines:
        if not line.text:
            continue
        if line.text in repeated and not _structural(line):
            found.setdefault(line.text, []).append(line.number)
            follows_stem = previous is not None and layout.stem_start(previous.text) is not None
            after_stem[line.text] = after_stem.get(line.text, True) and follows_stem
        previous = line
    return {text: numbers for text, numbers in found.items() if not after_stem[text]}


class Walker:
    """The layout's state machine over the lines of one file."""

    def __init__(self, result: ParseResult, docx: bool):
        self.result = result
        self.docx = docx
        self.block: Block | None = None
        self.declared: str | None = None
        self.chapter = ""
        self.count = 0
        self.noise: dict[str, list[int]] = {}

    def walk(self, lines: list[Line]) -> None:
        headers = running_headers(lines)
        for text, numbers in headers.items():
            self.result.warn(numbers[0], f"已删除重复出现{len(numbers)}次的页眉或页脚“{text[:30]}”。")
        dropped = {n for numbers in headers.values() for n in numbers}
        for line in lines:
            if line.text and not (line.number in dropped and line.text in headers):
                self.take(line)
        self.finish()
        for kind, numbers in self.noise.items():
            self.result.warn(numbers[0], f"已跳过“{kind}”行{len(numbers)}处（答题记录等，不是题目内容）。")
        if not self.result.questions and not self.result.errors:
            self.result.fail(None, "", "文件中没有找到题目（题目应以“1.”这样的题号开头，后接选项和“答案：”行）。")

    # -------------------------------------------------------------- one line

    def take(self, line: Line) -> None:
        text, block = line.text, self.block
        if layout.SEPARATOR.match(text):
            if block is not None and block.last == "explanation":
                block.last = "closed"
            return
        kind = layout.noise_kind(text)
        if kind:
            self.noise.setdefault(kind, []).append(line.number)
            return
        declared = layout.heading_type(text)
        if declared:
            self.finish()
            self.declared = declared
            return
        if block is None or block.complete:
            title = layout.section_title(text)
            if title:
                self.finish()
                self.chapter = title
                return
        if self.start(line):
            return
        if self.answer(line) or self.field(line):
            return
        if block is not None and block.last in ("stem", "option") and layout.JUDGE_OPTION_LINE.match(text):
            block.fields["judge_options"] = "yes"  # "true. 正确" / "false. 错误": the judge's two choices
            return
        if self.option(line):
            return
        self.loose(line)

    def start(self, line: Line) -> bool:
        found = layout.stem_start(line.text)
        if found is None:
            return False
        begin, printed = found
        self.finish()
        self.count += 1
        number = int(printed) if printed else self.count
        self.block = Block(line.number, number, [], declared=self.declared, chapter=self.chapter)
        self.stem_text(line, begin)
        return True

    def stem_text(self, line: Line, begin: int = 0) -> None:
        """Text of the stem on this line: options and an answer may follow it on the same line."""
        block = self.block
        folded, raw = line.text[begin:], line.raw[begin:]
        glued = layout.answer_after(folded)
        if glued:
            block.fields["answer"] = raw[glued[1]:].strip()
            folded, raw = folded[:glued[0]], raw[:glued[0]]
        inline = layout.split_labelled(folded, raw, anywhere=True) if not block.options else None
        if inline and inline[0] > 0:
            start, texts = inline
            folded, raw = folded[:start], raw[:start]
            self.add_options(texts, line)
        block.stem.append(raw.strip())
        if "answer" in block.fields:
            block.last = "answer"
        elif not block.options:
            block.last = "stem"

    def answer(self, line: Line) -> bool:
        begin = layout.answer_line(line.text)
        if begin is None:
            return False
        if self.block is None:
            self.result.fail(line.number, "答案", f"答案行“{line.raw[:20]}”前面没有题目。")
            return True
        self.block.fields["answer"] = line.raw[begin:].strip()
        self.block.last = "answer"
        return True

    def field(self, line: Line) -> bool:
        match = layout.FIELD_LINE.match(line.text)
        if not match or self.block is None:
            return False
        name = layout.FIELD_NAMES[match.group(1)]
        value = line.raw[match.start(2):].strip()
        self.block.fields[name] = value if name not in self.block.fields else self.block.fields[name] + "\n" + value
        self.block.last = name
        return True

    def option(self, line: Line) -> bool:
        found = layout.option_start(line.text)
        block = self.block
        if found is None or block is None or block.last not in ("stem", "option"):
            return False
        letter = found[0]
        index = len(block.options)
        if index >= len(OPTION_KEYS) or letter != OPTION_KEYS[index]:
            expected = OPTION_KEYS[index] if index < len(OPTION_KEYS) else "（没有更多选项）"
            block.error = block.error or InvalidQuestion(
                "选项", f"选项顺序不对：第{line.number}行是选项{letter}，这里应是选项{expected}。")
            return True
        texts = layout.split_labelled(line.text, line.raw, first=index) or (0, [line.raw[found[1]:].strip()])
        self.add_options(texts[1], line)
        return True

    def add_options(self, texts: list[str], line: Line) -> None:
        block = self.block
        last = texts[-1]
        glued = layout.answer_after(layout.fold_line(last), after_space=False)
        if glued:  # "D、丁 答案：B"
            block.fields["answer"] = last[glued[1]:].strip()
            texts = texts[:-1] + [last[:glued[0]].strip()]
        next_key = OPTION_KEYS[len(block.options) + len(texts)] if len(block.options) + len(texts) < 8 else None
        around = layout.glued_label(texts[-1], next_key) if next_key else None
        if around and block.error is None:
            block.error = InvalidQuestion("选项", f"选项{next_key}紧跟在前一个选项后面（“{around}”），无法确定选项的分界："
                                                f"找到{len(block.options) + len(texts)}个选项；请在选项之间加空格或换行。")
        block.options.extend(texts)
        block.last = "answer" if glued else "option"

    def loose(self, line: Line) -> None:
        """A line with no label: a wrapped stem or option, an explanation, a title, or an error."""
        block = self.block
        if block is not None and block.last == "stem":
            glued = layout.answer_after(line.text)
            if glued:
                block.stem.append(line.raw[:glued[0]].strip())
                block.fields["answer"] = line.raw[glued[1]:].strip()
                block.last = "answer"
            elif self.docx and line.auto and block.stem:
                block.options.append(line.raw)
                block.last = "option"
            else:
                block.stem.append(line.raw)
            return
        if block is not None and block.last == "option":
            if self.docx and line.auto:
                block.options.append(line.raw)
            else:
                block.options[-1] = layout.join_wrapped(block.options[-1], line.raw)
            return
        if block is not None and block.last == "explanation":
            block.fields["explanation"] += "\n" + line.raw
            return
        if self.docx and line.auto and (block is None or block.complete):
            self.finish()  # a Word-numbered paragraph after a finished question: the next stem
            self.count += 1
            self.block = Block(line.number, self.count, [line.raw], declared=self.declared, chapter=self.chapter)
            return
        if block is None and not self.result.questions:
            self.result.warn(line.number, f"已跳过题目前的标题或说明“{line.raw[:30]}”。")
            return
        short = len(line.raw) <= TITLE_LENGTH and not line.raw.endswith(("）", ")", "？", "?"))
        if (block is None or block.complete) and short:
            self.result.warn(line.number, f"已跳过标题行“{line.raw[:30]}”。", question=block.number if block else None)
            return
        where = {"question": block.number} if block else {}
        self.result.fail(line.number, "", f"无法识别的内容“{line.raw[:30]}”：不是题干、选项、答案或解析"
                                          "（题目应以“1.”这样的题号开头）。", **where)

    # -------------------------------------------------------------- one question

    def finish(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        try:
            question = self.question(block)
        except InvalidQuestion as error:
            self.result.fail(block.line, error.column, error.message, question=block.number,
                             unsupported=error.unsupported)
            return
        self.result.questions.append(question)

    def question(self, block: Block):
        parts = [p for p in block.stem if p]
        option_texts = {layout.fold_line(t).strip() for t in block.options}
        kept = [parts[0]] if parts else []
        for part in parts[1:]:
            if layout.fold_line(part).strip() in option_texts:  # a stray copy of an option between stem and options
                self.result.warn(block.line, f"已删除题干中与选项重复的一行“{part[:20]}”。", question=block.number)
            else:
                kept.append(part)
        stem = ""
        for part in kept:
            stem = layout.join_wrapped(stem, part)
        stem = layout.strip_decoration(stem)
        declared = block.declared
        tag = layout.TYPE_TAG.match(layout.fold_line(stem))
        if tag:  # "1.【单选题】……": the question's own type label
            declared = layout.declared_type(tag.group(1)) or declared
            stem = stem[tag.end():].strip()
        if "type" in block.fields:
            declared = layout.declared_type(block.fields["type"]) or declared
        if declared == "unsupported":
            raise InvalidQuestion("题型", "不支持这种题型（只支持单选、多选、判断、填空），未导入。", unsupported=True)
        if block.error:
            raise block.error
        answer = block.fields.get("answer", "")
        if not answer:
            found = layout.answer_in_stem(stem) if block.options else layout.judge_in_stem(stem)
            if found is None:
                raise InvalidQuestion("答案", "缺少“答案：”行。")
            stem, answer = found
        options = make_options(list(block.options))
        resolved = resolve(declared, answer, options)
        return build_question(
            type_=resolved.type, stem=stem, options=resolved.options, answer=resolved.answer,
            explanation=block.fields.get("explanation", ""), chapter=block.fields.get("chapter") or block.chapter,
            difficulty=difficulty_of(block.fields.get("difficulty", "")), tags=block.fields.get("tags", ""),
            source=citation_of(block.fields.get("source", "")), line=block.line, any_order=resolved.any_order,
        )
