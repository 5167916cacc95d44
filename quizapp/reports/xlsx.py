"""xlsx exports of reports (openpyxl): Chinese sheets and headers, formula-safe cells."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .. import timeutil
from ..labels import label
from ..scores import round_score
from .services import ExamReport
from .statistics import FLAG_LABELS

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe-like quote.

    Numbers stay numbers; a stem such as "=1+1" or "-某某" is written as text.
    """
    if isinstance(value, datetime):
        return timeutil.format_local(value, "%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def add_sheet(workbook: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """A sheet with a bold header row, escaped cells and sensible column widths."""
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 2 for h in header]
    for row in rows:
        values = [safe_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values[:len(widths)]):
            widths[i] = min(max(widths[i], len(str(value or "")) * 2 + 2), 80)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"


def workbook_bytes(workbook: Workbook) -> bytes:
    """Serialise a workbook (dropping openpyxl's empty default sheet)."""
    if "Sheet" in workbook.sheetnames and len(workbook.sheetnames) > 1:
        del workbook["Sheet"]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def percent(rate: float | None):
    """A rate 0–1 as the percentage a sheet shows (one decimal), blank when there is none."""
    return round(rate * 100, 1) if rate is not None else None


def exam_report_xlsx(report: ExamReport) -> bytes:
    """Sheets 汇总, 部门, 人员, 题目 for one exam."""
    exam, f = report.exam, report.figures
    workbook = Workbook()
    add_sheet(workbook, "汇总", ["项目", "数值"], [
        ("考试名称", exam.title), ("考试方式", exam.mode_label),
        ("开放时间", exam.opens_at), ("结束时间", exam.closes_at),
        ("合格线", exam.pass_mark), ("总分", exam.total_points),
        ("应参加人数", f.candidates), ("实际参加人数", f.participated), ("参考率(%)", percent(f.participation_rate)),
        ("合格人数", f.passed), ("合格率(%)", percent(f.pass_rate)),
        ("平均分", round_score(f.average)), ("最高分", round_score(f.highest)), ("最低分", round_score(f.lowest)),
        ("情况综述", report.summary),
    ])
    add_sheet(workbook, "部门", ["部门", "应参加", "实际参加", "合格人数", "合格率(%)", "平均分"], [
        (d.department, d.candidates, d.participated, d.passed, percent(d.pass_rate), round_score(d.average))
        for d in report.departments])
    add_sheet(workbook, "人员", ["警号", "姓名", "部门", "成绩", "是否合格", "交卷时间"], [
        (o.badge, o.name, o.department, round_score(o.score), "未参加" if o.passed is None else ("合格" if o.passed else "不合格"),
         o.submitted_at)
        for o in report.officers])
    add_sheet(workbook, "题目", ["题目编号", "题库", "题型", "题干", "作答人数", "答对人数", "正确率(%)", "难度系数",
                                 "区分度", "提示"], [
        (q.question_id, q.bank or "", label(q.type, "question_type"), q.stem, q.stats.attempts, q.stats.correct, percent(q.stats.correct_rate),
         q.stats.facility, q.stats.discrimination, "；".join(FLAG_LABELS[f] for f in q.stats.flags))
        for q in report.questions])
    return workbook_bytes(workbook)


def content_disposition(filename: str) -> str:
    """An attachment header carrying a Chinese file name (RFC 5987) with an ASCII fallback."""
    fallback = "".join(c if c.isascii() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def report_filename(title: str, suffix: str = "成绩报告", extension: str = "xlsx") -> str:
    """A safe file name for a download about this title (no character Windows, macOS or phones refuse)."""
    cleaned = "".join(c for c in title if c not in '\\/:*?"<>|\r\n\t').strip() or "考试"
    return f"{cleaned}{suffix}.{extension}"
