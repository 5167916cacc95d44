"""The common Chinese text layout, from txt or docx.

    一、单选题
    1. 题干（ ）
    A. 选项  B、选项
    答案：A
    解析：……

Labels are recognised on the NFKC-folded text, so full-width ``１．`` and ``Ａ．``
read as ``1.`` and ``A.``; the question's own words keep their Chinese
punctuation (the fold maps one character to one, so positions carry over). In docx, Word's automatic numbering leaves no label in the
text: unlabelled paragraphs after a stem are its options, in order.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from ...tabular import TableError, check_zip
from ..types import OPTION_KEYS, has_options
from .common import (BLANK_MARK, InvalidQuestion, ParseResult, build_question, citation_of, difficulty_of, fold,
                     infer_type, letters_of, make_options, type_code)

STEM = re.compile(r"^\s*(?:第\s*)?(\d{1,5})\s*(?:[.、:)\]]|题)\s*(.*)$")
OPTION = re.compile(r"^\s*[(\[]?([A-Ha-h])\s*(?:[.、:)\]])\s*(.*)$")
INLINE_OPTION = re.compile(r"(?:(?<=\s)|^)[(\[]?([A-H])\s*[.、:)\]]\s*")
FIELD = re.compile(r"^\s*[【\[]?(答案|正确答案|参考答案|标准答案|解析|答案解析|试题解析|章节|难度|标签|来源|出处|题型)[】\]]?\s*[:：]?\s*(.*)$")
SECTION = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.]\s*(.*)$")
CHAPTER = re.compile(r"^\s*(第[一二三四五六七八九十百零\d]+[章节编篇部分].*)$")
FIELD_NAMES = {"答案": "answer", "正确答案": "answer", "参考答案": "answer", "标准答案": "answer", "解析": "explanation",
               "答案解析": "explanation", "试题解析": "explanation", "章节": "chapter", "难度": "difficulty",
               "标签": "tags", "来源": "source", "出处": "source", "题型": "type"}
TYPE_TAG = re.compile(r"^[【\[(（]\s*(单选题|多选题|判断题|填空题|单选|多选|判断|填空|单项选择题|多项选择题)\s*[】\])）]\s*")
SECTION_TYPES = ("单选", "单项选择", "多选", "多项选择", "不定项", "判断", "填空", "选择题")


@dataclass
class Line:
    """One line (txt) or paragraph (docx), folded; auto marks Word's list numbering."""

    number: int
    raw: str
    auto: bool = False

    def __post_init__(self):
        self.raw = self.raw.strip()
        self.text = fold_line(self.raw)

    def part(self, match: re.Match, group: int) -> str:
        """The original text of a match group found in the folded text."""
        return self.raw[match.start(group):match.end(group)].strip()


@dataclass
class Block:
    """The lines of one question being collected."""

    line: int
    stem: list[str]
    options: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    last: str = "stem"
    chapter: str = ""


def parse_text(filename: str, data: bytes) -> ParseResult:
    """A txt file in the common layout (UTF-8, UTF-8-BOM or GB18030)."""
    result = ParseResult("txt")
    text = decode(data, result)
    if text is None:
        return result
    lines = [Line(n, t) for n, t in enumerate(text.splitlines(), start=1)]
    parse_lines(lines, result, docx=False)
    return result


def parse_docx(filename: str, data: bytes) -> ParseResult:
    """A Word document in the common layout; paragraph numbers stand in for lines."""
    result = ParseResult("docx")
    try:
        check_zip(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TableError("文件不是有效的Word（docx）文档。")
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = []
        number = 0
        for paragraph in _paragraphs(document):
            number += 1
            numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            for part in paragraph.text.split("\n"):
                lines.append(Line(number, part, numbered or "List" in style))
    except TableError as error:
        result.fail(None, "", str(error).replace("Excel", "Word"))
        return result
    except Exception:  # python-docx/lxml raise many kinds of errors on damaged files
        result.fail(None, "", "Word文档已损坏或格式不受支持，无法读取（请另存为docx）。")
        return result
    parse_lines(lines, result, docx=True)
    return result


def _paragraphs(document):
    """Paragraphs in reading order, those inside tables included (some banks are laid out in tables)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document)
        elif tag == "tbl":
            seen = set()
            for row in Table(child, document).rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # merged cells repeat across a row
                        seen.add(id(cell._tc))
                        yield from cell.paragraphs


def decode(data: bytes, result: ParseResult) -> str | None:
    """UTF-8 (with or without BOM) or GB18030; binary is an error."""
    if b"\x00" in data[:8192]:
        result.fail(None, "", "文件不是文本文件（含有二进制内容）。")
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    result.fail(None, "", "无法识别文件编码，请另存为UTF-8或GB18030编码的文本。")
    return None


def fold_line(text: str) -> str:
    """NFKC per character where it keeps one character (full-width → half-width), tabs as spaces."""
    folded = []
    for ch in text:
        nfkc = unicodedata.normalize("NFKC", ch)
        folded.append(nfkc if len(nfkc) == 1 else ch)
    return "".join(folded).replace("\t", " ")


def split_inline_options(line: Line, first: int) -> list[str] | None:
    """'A.甲 B.乙 C.丙' → ['甲', '乙', '丙'] when the labels run on in order from OPTION_KEYS[first]."""
    text = line.text
    wanted, picked = first, []
    for match in INLINE_OPTION.finditer(text):
        if wanted < len(OPTION_KEYS) and match.group(1) == OPTION_KEYS[wanted]:
            picked.append(match)
            wanted += 1
    if not picked or picked[0].start() != 0:
        return None
    texts = []
    for index, match in enumerate(picked):
        end = picked[index + 1].start() if index + 1 < len(picked) else len(text)
        texts.append(line.raw[match.end():end].strip())
    return texts


def parse_lines(lines: list[Line], result: ParseResult, docx: bool) -> None:
    """The layout's state machine: stems, options, answer/explanation lines, sections."""
    block: Block | None = None
    chapter = ""

    def finish():
        if block is not None:
            _finish(block, result)

    for line in lines:
        text = line.text
        if not text:
            continue
        section = SECTION.match(text)
        if section and not (block and block.last == "stem" and not block.options and not block.fields):
            heading = line.part(section, 1)
            is_type_heading = any(word in heading for word in SECTION_TYPES)
            if is_type_heading or len(heading) <= 30:
                finish()
                block = None
                if not is_type_heading:
                    chapter = heading.strip()
                continue
        chapter_match = CHAPTER.match(text)
        if chapter_match and (block is None or "answer" in block.fields):
            finish()
            block = None
            chapter = line.part(chapter_match, 1)
            continue
        stem = STEM.match(text)
        if stem:
            finish()
            block = Block(line.number, [line.part(stem, 2)], chapter=chapter)
            continue
        field_match = FIELD.match(text)
        if field_match and block is not None:
            name = FIELD_NAMES[field_match.group(1)]
            block.fields[name] = line.part(field_match, 2)
            block.last = name
            continue
        if block is None or block.last not in ("stem", "option"):
            if docx and line.auto:  # a Word-numbered paragraph after a finished question: the next stem
                finish()
                block = Block(line.number, [line.raw], chapter=chapter)
            elif block is not None and block.last == "explanation":
                block.fields["explanation"] += "\n" + line.raw
            else:
                result.fail(line.number, "", f"无法识别的内容：“{line.raw[:30]}”（题目应以“1.”这样的题号开头）。")
            continue
        inline = split_inline_options(line, len(block.options)) if len(block.options) < len(OPTION_KEYS) else None
        if inline is not None:
            block.options.extend(inline)
            block.last = "option"
        elif docx:
            block.options.append(line.raw)  # Word's automatic list numbering: options in order
            block.last = "option"
        elif block.last == "stem":
            block.stem.append(line.raw)
        else:
            block.options[-1] += " " + line.raw
    finish()
    if not result.questions and not result.errors:
        result.fail(None, "", "文件中没有找到题目（题目应以“1.”这样的题号开头，后接选项和“答案：”行）。")


def _finish(block: Block, result: ParseResult) -> None:
    """Turn a collected block into a question, or an error at its first line."""
    stem = " ".join(part for part in block.stem if part).strip()
    tag = TYPE_TAG.match(stem)
    if tag and "type" not in block.fields:  # "1.【单选题】……": the question's own type label
        block.fields["type"] = tag.group(1)
        stem = stem[tag.end():].strip()
    answer = block.fields.get("answer", "")
    if "answer" not in block.fields or not answer:
        stem_answer = _answer_in_stem(stem) if block.options else _judge_in_stem(stem)
        if stem_answer is None:
            result.fail(block.line, "答案", "缺少“答案：”行。")
            return
        stem, answer = stem_answer
    try:
        options = make_options(block.options)
        if "type" in block.fields:
            type_ = type_code(block.fields["type"])
            if type_ is None:
                raise InvalidQuestion("题型", f"题型“{block.fields['type']}”无效。")
        else:
            # The answer's shape decides; a section heading (一、单选题) is often wrong or missing.
            type_ = infer_type(answer, options, stem)
        if has_options(type_):
            answer = "".join(letters_of(answer) or []) or answer
        if type_ == "fill":
            answer = _fill_answer(answer)
        question = build_question(
            type_=type_, stem=stem, options=options, answer=answer,
            explanation=block.fields.get("explanation", ""), chapter=block.fields.get("chapter") or block.chapter,
            difficulty=difficulty_of(block.fields.get("difficulty", "")), tags=block.fields.get("tags", ""),
            source=citation_of(block.fields.get("source", "")), line=block.line,
        )
    except InvalidQuestion as error:
        result.fail(block.line, error.column, error.message)
        return
    result.questions.append(question)


def _answer_in_stem(stem: str) -> tuple[str, str] | None:
    """'……是（ AB ）。' → ('……是（ ）。', 'AB'): the answer written into the stem's brackets."""
    match = re.search(r"([(（])\s*([A-Ha-hＡ-Ｈａ-ｈ]{1,8})\s*([)）])", stem)
    if not match:
        return None
    blank = match.group(1) + " " + match.group(3)
    return stem[:match.start()] + blank + stem[match.end():], fold(match.group(2)).upper()


def _judge_in_stem(stem: str) -> tuple[str, str] | None:
    """'……。（√）' → ('……。', '√'): a judge question's answer written after its stem."""
    match = re.search(r"[(（]\s*(√|×|✓|✗|对|错|正确|错误)\s*[)）]\s*$", stem)
    if not match:
        return None
    return stem[:match.start()].rstrip(), match.group(1)


def _fill_answer(answer: str) -> str:
    """Blanks separated by | or ；, alternatives by /."""
    if "|" in answer:
        return answer
    return "|".join(part.strip() for part in re.split(r"[;；]", answer) if part.strip())


__all__ = ["parse_text", "parse_docx", "BLANK_MARK"]
