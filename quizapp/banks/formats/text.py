"""The Chinese text layout of question banks, from txt or docx.

    一、单选题
    1. 题干（ ）
    A. 选项  B、选项
    答案：A
    解析：……

This module reads the file into lines; ``walker`` walks them and ``layout`` (shared
with the sheet parser) says what each line looks like. In docx, Word's automatic
numbering leaves no label in the text: such paragraphs are marked so that the
walker takes them, after a stem, as its options in order.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ...tabular import TableError, check_zip
from . import layout
from .common import ParseResult


@dataclass
class Line:
    """One line (txt) or paragraph (docx), folded; auto marks Word's list numbering."""

    number: int
    raw: str
    auto: bool = False

    def __post_init__(self):
        self.raw = layout.strip_invisible(self.raw).strip()
        self.text = layout.fold_line(self.raw)


def parse_text(filename: str, data: bytes) -> ParseResult:
    """A txt file in the common layout (UTF-8, UTF-8-BOM or GB18030)."""
    result = ParseResult("txt")
    text = decode(data, result)
    if text is None:
        return result
    lines = [Line(n, t) for n, t in enumerate(text.splitlines(), start=1)]
    from .walker import Walker

    Walker(result, docx=False).walk(lines)
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
    from .walker import Walker

    Walker(result, docx=True).walk(lines)
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
    """UTF-8 (with or without BOMs) or GB18030; binary is an error."""
    if b"\x00" in data[:8192]:
        result.fail(None, "", "文件不是文本文件（含有二进制内容）。")
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).lstrip("\ufeff")  # some editors write the BOM twice
        except UnicodeDecodeError:
            continue
    result.fail(None, "", "无法识别文件编码，请另存为UTF-8或GB18030编码的文本。")
    return None


__all__ = ["parse_text", "parse_docx", "decode"]
