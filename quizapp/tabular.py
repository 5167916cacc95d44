"""Reading spreadsheets safely: xlsx, legacy xls and csv (UTF-8, UTF-8-BOM, GB18030).

Shared by the roster and question-bank importers. Returns rows of strings and
never raises anything but ``TableError`` with a Chinese message.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date, datetime

SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".csv"}
# A real roster or bank is a few MB unpacked; anything far past this is a bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 200_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file cannot be read as a table; the message is for people, in Chinese."""


def extension_of(filename: str) -> str:
    """Lower-case extension with its dot, '' when there is none."""
    match = re.search(r"(\.[A-Za-z0-9]+)$", filename or "")
    return match.group(1).lower() if match else ""


def sniff_kind(filename: str, data: bytes) -> str:
    """'xlsx', 'xls' or 'csv' by content first, extension second."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    ext = extension_of(filename)
    if ext in {".xlsx", ".xlsm", ".xls"}:
        raise TableError("文件扩展名是Excel，但内容不是有效的Excel文件（可能已损坏或被改了扩展名）。")
    return "csv"


# What the zipfile module raises for a damaged or exotic archive: a central directory
# naming a newer zip version raises NotImplementedError, a truncated one EOFError.
ZIP_DAMAGE = (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError)


def check_zip(data: bytes) -> None:
    """Refuse zip archives that unpack to far more than any real spreadsheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except ZIP_DAMAGE as exc:
        raise TableError("Excel文件已损坏，无法打开。") from exc
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO and unpacked > 10 * 1024 * 1024:
        raise TableError("Excel文件解压后过大，疑似恶意文件，已拒绝。")


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030 text."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.lstrip("\ufeff")  # some editors write the byte-order mark twice
    raise TableError("无法识别文件编码，请另存为UTF-8或GB18030编码的CSV文件。")


def cell_text(value) -> str:
    """A cell as trimmed text: whole floats lose their '.0', dates their time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != datetime.min.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """All rows of the first sheet (or the csv) as lists of strings."""
    if not data:
        raise TableError("文件是空的。")
    kind = sniff_kind(filename, data)
    if kind == "csv":
        text = decode_text(data)
        if any(ch in text[:4096] for ch in "\x00\x01\x02\x03\x04\x05\x06\x07\x08"):
            raise TableError("文件内容不是文本表格，请上传xlsx、xls或csv文件。")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            rows = [[cell.strip() for cell in row] for row in reader]
        except csv.Error as exc:
            # csv's own message is English ("field larger than field limit"): say it in Chinese.
            raise TableError(f"CSV格式有误（第{reader.line_num}行附近）：引号不成对或单元格过长。"
                             "可用Excel打开后另存为xlsx再上传。") from exc
    else:
        if kind == "xlsx":
            check_zip(data)
            rows = _read_workbook(data)
        else:
            rows = _read_legacy_workbook(data)
    if len(rows) > MAX_ROWS:
        raise TableError(f"文件行数超过{MAX_ROWS}行，请分批导入。")
    return rows


def _read_workbook(data: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise TableError("Excel文件中没有工作表。")
        sheet = workbook.get_sheet_by_index(0)
        return [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
    except (TableError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        # calamine raises its own errors for most damage, and a Rust panic (pyo3's
        # PanicException, a BaseException that would escape every handler) for some.
        raise TableError("Excel文件已损坏或格式不受支持，无法读取。") from exc


def _read_legacy_workbook(data: bytes) -> list[list[str]]:
    """Legacy .xls through xlrd, pure Python: calamine, given some damaged xls files,
    tried to allocate without bound until the kernel killed the worker."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        if book.nsheets == 0:
            raise TableError("Excel文件中没有工作表。")
        sheet = book.sheet_by_index(0)
        return [[_xls_cell(cell, book.datemode) for cell in sheet.row(index)] for index in range(sheet.nrows)]
    except TableError:
        raise
    except Exception as exc:  # xlrd reports damage with a dozen exception types
        raise TableError("Excel文件已损坏或格式不受支持，无法读取。") from exc


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate_as_datetime(cell.value, datemode))
        except (ValueError, OverflowError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    return cell_text(cell.value)


def normalise_header(text: str) -> str:
    """A header cell without notes like （必填） or (勿删), spaces or case."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"&#(?:10|13|x0?[aAdD]);|\ufeff", "", text)  # a line break written as an HTML entity (考试宝)
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"\s+", "", text).lower()


def find_header(rows: list[list[str]], aliases: dict[str, set[str]], required: set[str],
                search_rows: int = 10) -> tuple[int, dict[str, int]] | None:
    """Find the header row among the first rows: (row index, field → column index)."""
    for index, row in enumerate(rows[:search_rows]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            name = normalise_header(cell)
            for field, names in aliases.items():
                if name in names and field not in columns:
                    columns[field] = col
        if required <= columns.keys():
            return index, columns
    return None


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 → A)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
