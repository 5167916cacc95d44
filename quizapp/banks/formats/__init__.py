"""Import formats: one parser per format to plain data, and the detector that picks one.

``parse_file(filename, data)`` never raises: anything wrong with the file, however
hostile, comes back as errors in the ParseResult.
"""
from __future__ import annotations

import io
import re
import zipfile

from ...tabular import OLE_MAGIC, ZIP_DAMAGE, ZIP_MAGIC, extension_of
from .aiken import parse_aiken
from .common import (MAX_FILE_BYTES, MAX_QUESTIONS, ParsedQuestion, ParseError, ParseFailure, ParseResult,
                     build_question)
from .gift import parse_gift
from .jsonfmt import parse_json
from .sheet import TEMPLATE_HEADER, parse_sheet
from .text import parse_docx, parse_text

PARSERS = {
    "xlsx": parse_sheet, "xls": parse_sheet, "csv": parse_sheet, "docx": parse_docx, "txt": parse_text,
    "gift": parse_gift, "aiken": parse_aiken, "json": parse_json,
}
FORMAT_LABELS = {"xlsx": "Excel表格", "xls": "Excel表格（旧版xls）", "csv": "逗号分隔表格（csv）", "docx": "Word文档",
                 "txt": "纯文本", "gift": "Moodle题目（GIFT）", "aiken": "Moodle题目（Aiken）", "json": "本平台导出的题库（JSON）"}
ACCEPTED_EXTENSIONS = (".xlsx", ".xls", ".csv", ".docx", ".txt", ".gift", ".json")
AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Za-z]\s*$", re.MULTILINE)
GIFT_MARKS = re.compile(r"\{\s*(?:[=~]|T\b|F\b|TRUE\b|FALSE\b|#)|^\s*::|^\s*\$CATEGORY:", re.MULTILINE | re.IGNORECASE)

__all__ = ["parse_file", "detect_format", "ParsedQuestion", "ParseError", "ParseResult", "ParseFailure",
           "build_question", "TEMPLATE_HEADER", "MAX_FILE_BYTES", "ACCEPTED_EXTENSIONS", "FORMAT_LABELS"]


class UnknownFormat(ValueError):
    """The file is none of the formats we read; the message is Chinese."""


def detect_format(filename: str, data: bytes) -> str:
    """The format by content first (zip, OLE, JSON, GIFT, Aiken marks), extension second."""
    ext = extension_of(filename)
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except ZIP_DAMAGE:
            raise UnknownFormat("文件已损坏：看起来是压缩格式（xlsx/docx），但无法打开。") from None
        if "word/document.xml" in names:
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        raise UnknownFormat("这是一个压缩包，不是Excel或Word文件。")
    if data.startswith(OLE_MAGIC):
        if ext == ".doc":
            raise UnknownFormat("不支持旧版Word（.doc）文件，请在Word中另存为docx后上传。")
        return "xls"
    if ext in {".xlsx", ".xlsm", ".xls", ".docx"}:
        raise UnknownFormat(f"文件扩展名是{ext}，但内容不是有效的{'Word' if ext == '.docx' else 'Excel'}文件"
                            "（可能已损坏或被改了扩展名）。")
    head = data[:8192]
    if b"\x00" in head or _binary(head):
        raise UnknownFormat("文件不是可识别的题库格式（二进制内容）。支持xlsx、xls、csv、docx、txt、GIFT、Aiken和JSON。")
    if ext == ".csv":
        return "csv"
    if ext == ".json" or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    if ext == ".gift":
        return "gift"
    text = data[:200_000].decode("utf-8", errors="ignore")
    if AIKEN_ANSWER.search(text):
        return "aiken"
    if GIFT_MARKS.search(text) and not re.search(r"^\s*[【\[]?答案", text, re.MULTILINE):
        return "gift"
    if ext in {".txt", ".text", ""}:
        return "txt"
    raise UnknownFormat(f"不支持的文件类型“{ext}”。支持xlsx、xls、csv、docx、txt、GIFT、Aiken和JSON。")


def _binary(head: bytes) -> bool:
    """Control characters (other than whitespace) mean this is not text."""
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(2, len(head) // 100)


def parse_file(filename: str, data: bytes, fmt: str | None = None) -> ParseResult:
    """Detect the format and parse; every failure is reported as an error, never raised."""
    if not data:
        return _failed("unknown", "文件是空的。")
    if len(data) > MAX_FILE_BYTES:
        return _failed("unknown", f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，请拆分后分批导入。")
    try:
        fmt = fmt or detect_format(filename, data)
    except UnknownFormat as error:
        return _failed("unknown", str(error))
    try:
        result = PARSERS[fmt](filename, data)
    except RecursionError:
        return _failed(fmt, "文件嵌套过深，无法解析。")
    except MemoryError:
        return _failed(fmt, "文件过大，无法解析。")
    except Exception:  # a parser bug must not become a 500 or a half-import
        import logging

        logging.getLogger(__name__).exception("bank parser %s failed on %s", fmt, filename)
        return _failed(fmt, "文件内容无法解析，请检查格式后重试。")
    result.format = fmt
    if len(result.questions) > MAX_QUESTIONS:
        return _failed(fmt, f"一次最多导入{MAX_QUESTIONS}道题，请拆分后分批导入。")
    return result


def _failed(fmt: str, message: str) -> ParseResult:
    result = ParseResult(fmt)
    result.fail(None, "", message)
    return result
