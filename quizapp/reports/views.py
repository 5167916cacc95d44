"""Report pages: exam report, comparison, quarter overview, study and points reports."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import periods, timeutil
from ..auth.access import organiser_required
from ..extensions import db
from . import charts, services
from .api import xlsx_response
from .xlsx import XLSX_MIMETYPE

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _exam_or_abort(exam_id: int):
    from ..exams.models import Exam
    from ..exams.access import can_manage

    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort(404)
    if not can_manage(current_user, exam):
        abort(403)
    return exam


def _managed_exams():
    from ..exams.access import exams_for_organiser

    return exams_for_organiser(current_user)


@bp.route("/")
@organiser_required
def index():
    """Recent exams with their headline figures, and links to the other reports."""
    exams = db.session.scalars(_managed_exams().limit(30)).all()
    headline = services.summary_figures_for(exams)
    rows = [(exam, headline[exam.id]) for exam in exams]
    return render_template("reports/index.html", rows=rows, quarter=_quarter_param(None))


@bp.route("/exams/<int:exam_id>")
@organiser_required
def exam_report(exam_id: int):
    """One exam's report: figures, charts, departments, questions, summary sentence."""
    exam = _exam_or_abort(exam_id)
    report = services.exam_report(exam)
    others = db.session.scalars(_managed_exams().limit(50)).all()
    return render_template(
        "reports/exam.html", report=report, exam=exam,
        distribution_svg=charts.distribution_chart(report.distribution),
        pass_rate_svg=charts.pass_rate_chart(report.departments) if report.departments else None,
        others=[e for e in others if e.id != exam.id],
    )


@bp.route("/exams/<int:exam_id>/report.xlsx")
@organiser_required
def exam_report_xlsx(exam_id: int):
    """Download the report workbook (the same file as the API)."""
    return xlsx_response(_exam_or_abort(exam_id))


@bp.route("/exams/<int:exam_id>/notify-flagged", methods=["POST"])
@organiser_required
def notify_flagged(exam_id: int):
    """Tell the owners of the flagged questions' banks to check them."""
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    exam = _exam_or_abort(exam_id)
    sent = services.notify_flagged_questions(exam, current_user)
    flash(f"已提醒{sent}位题库负责人检查可疑题目。" if sent else "没有需要提醒的题库负责人（可能已提醒过，或题库未设负责人）。",
          "success" if sent else "info")
    return redirect(url_for("reports.exam_report", exam_id=exam.id))


@bp.route("/compare")
@organiser_required
def compare():
    """Two exams side by side (e.g. this quarter against the last)."""
    exams = db.session.scalars(_managed_exams().limit(100)).all()
    chosen = []
    for key in ("a", "b"):
        value = request.args.get(key, type=int)
        if value:
            exam = _exam_or_abort(value)
            chosen.append(services.exam_report(exam))
    return render_template("reports/compare.html", exams=exams, reports=chosen,
                           a=request.args.get("a", type=int), b=request.args.get("b", type=int))


def _quarter_param(text: str | None) -> date:
    """The first day of the quarter named like 2026-4 (default: the current quarter)."""
    try:
        year, quarter = (int(part) for part in (text or "").split("-"))
        if 1 <= quarter <= 4 and 2000 <= year <= 2100:
            return date(year, 3 * quarter - 2, 1)
    except ValueError:
        pass
    return periods.quarter_start(periods.local_day())


def _local_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in local time, as UTC."""
    zone = timeutil.local_zone()
    return (datetime.combine(start, time(), zone).astimezone(UTC),
            datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC))


@bp.route("/quarter")
@organiser_required
def quarter():
    """Every exam of a quarter with figures and summary sentences, ready to paste."""
    from ..exams.models import Exam

    start = _quarter_param(request.args.get("q"))
    end = periods.quarter_end(start)
    since, until = _local_range(start, end)
    exams = db.session.scalars(
        _managed_exams().where(Exam.opens_at >= since, Exam.opens_at < until).order_by(None)
        .order_by(Exam.opens_at, Exam.id)
        .options(sa.orm.selectinload(Exam.departments), sa.orm.selectinload(Exam.group_rows))).all()
    headline = services.summary_figures_for(exams)
    rows = [(exam, headline[exam.id]) for exam in exams]
    sentences = [services.summary_sentence_for(exam, figures) for exam, figures in rows]
    previous = periods.quarter_start(start - timedelta(days=1))
    following = periods.quarter_end(start) + timedelta(days=1)
    return render_template("reports/quarter.html", rows=list(zip(rows, sentences)), label=periods.quarter_label(start),
                           previous=f"{previous.year}-{(previous.month - 1) // 3 + 1}",
                           following=f"{following.year}-{(following.month - 1) // 3 + 1}",
                           pasteable="".join(sentences))


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _study_period() -> tuple[date, date]:
    from .study import default_period

    start, end = default_period()
    start = _parse_day(request.args.get("start")) or start
    end = _parse_day(request.args.get("end")) or end
    if end < start:
        flash("截止日期早于起始日期，已按本季度显示。", "error")
        start, end = default_period()
    return start, end


def _scope():
    from ..roster.services import scope_departments

    return scope_departments(current_user)


@bp.route("/study")
@organiser_required
def study():
    """Study minutes and points per department and officer for a period, with those below target."""
    from . import study as reports

    start, end = _study_period()
    departments = reports.department_rows(start, end, _scope())
    officers = reports.officer_rows(start, end, _scope())
    return render_template("reports/study.html", start=start, end=end, departments=departments, officers=officers,
                           below=[o for o in officers if o.below_target], target=reports.period_target(start, end))


@bp.route("/study.xlsx")
@organiser_required
def study_xlsx():
    """The study report as xlsx: 部门, 人员, 未达标."""
    from openpyxl import Workbook

    from . import study as reports
    from .xlsx import add_sheet, content_disposition, workbook_bytes

    start, end = _study_period()
    officers = reports.officer_rows(start, end, _scope())
    workbook = Workbook()
    add_sheet(workbook, "部门", ["部门", "人数", "学习总时长(分钟)", "人均时长(分钟)", "未达标人数", "积分合计"], [
        (d.department, d.officers, d.total_minutes, d.average_minutes, d.below_target, d.points)
        for d in reports.department_rows(start, end, _scope())])
    header = ["警号", "姓名", "部门", "学习时长(分钟)", "目标(分钟)", "积分", "是否达标"]
    rows = [(o.badge, o.name, o.department, o.minutes, o.target, o.points, "未达标" if o.below_target else "达标")
            for o in officers]
    add_sheet(workbook, "人员", header, rows)
    add_sheet(workbook, "未达标", header, [row for row in rows if row[-1] == "未达标"])
    from flask import Response

    response = Response(workbook_bytes(workbook),
                        mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(f"学习时长统计{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
    return response


@bp.route("/year")
@organiser_required
def year():
    """Participation over a year: exams and study, month by month."""
    from . import study as reports

    selected = request.args.get("year", type=int) or periods.local_day().year
    if not 2000 <= selected <= 2100:
        abort(404)
    rows = reports.year_rows(selected, _scope())
    return render_template("reports/year.html", year=selected, rows=rows)


@bp.route("/year.xlsx")
@organiser_required
def year_xlsx():
    """Participation over a year as xlsx."""
    from flask import Response
    from openpyxl import Workbook

    from . import study as reports
    from .xlsx import add_sheet, content_disposition, workbook_bytes

    selected = request.args.get("year", type=int) or periods.local_day().year
    if not 2000 <= selected <= 2100:
        abort(404)
    workbook = Workbook()
    add_sheet(workbook, "全年参与", ["月份", "考试场次", "应参加人次", "实际参加人次", "参考率(%)", "学习人数",
                                    "学习总时长(分钟)"], [
        (f"{r.month}月", r.exams, r.candidates, r.participated,
         round(r.participation_rate * 100, 1) if r.participation_rate is not None else None,
         r.studying_officers, r.study_minutes) for r in reports.year_rows(selected, _scope())])
    response = Response(workbook_bytes(workbook),
                        mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(f"{selected}年参与情况.xlsx")
    return response
