"""The admin's audit-log viewer."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, render_template, request

from .. import timeutil
from ..auth.access import admin_required
from ..extensions import db
from ..labels import target_label
from ..reports.xlsx import XLSX_MIMETYPE
from .services import ACTION_LABELS, AuditFilter, audit_query, changes_text

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _parse_day(text: str | None) -> datetime | None:
    """A YYYY-MM-DD in local time as the start of that day in UTC."""
    try:
        return timeutil.as_utc(datetime.strptime(text or "", "%Y-%m-%d"))
    except ValueError:
        return None


def _criteria() -> AuditFilter:
    """The filter given in the query string."""
    until = _parse_day(request.args.get("until"))
    return AuditFilter(
        actor=request.args.get("actor") or None,
        action=request.args.get("action") or None,
        since=_parse_day(request.args.get("since")),
        until=until + timedelta(days=1) if until else None,
        text=request.args.get("q") or None,
    )


@bp.route("/")
@admin_required
def index():
    """Filter the audit log by who, what and when."""
    page = db.paginate(audit_query(_criteria()), per_page=50, error_out=False)
    return render_template("audit/index.html", page=page, actions=ACTION_LABELS, args=request.args)


EXPORT_LIMIT = 50_000


@bp.route("/export.xlsx")
@admin_required
def export():
    """The filtered audit log as xlsx (newest first, at most EXPORT_LIMIT rows)."""
    from openpyxl import Workbook

    from ..reports.xlsx import add_sheet, content_disposition, workbook_bytes

    entries = db.session.scalars(audit_query(_criteria()).limit(EXPORT_LIMIT))
    workbook = Workbook()
    add_sheet(workbook, "审计日志", ["时间", "操作人警号", "操作人", "操作", "对象", "内容", "变更", "来源地址"], (
        (timeutil.format_local(e.at, "%Y-%m-%d %H:%M:%S"), e.actor.badge if e.actor else "",
         e.actor.name if e.actor else "系统", ACTION_LABELS.get(e.action, e.action),
         target_label(e.target_type, e.target_id), e.summary, changes_text(e), e.address or "")
        for e in entries))
    response = Response(workbook_bytes(workbook),
                        mimetype=XLSX_MIMETYPE)
    stamp = timeutil.format_local(timeutil.now(), "%Y%m%d%H%M")
    response.headers["Content-Disposition"] = content_disposition(f"审计日志{stamp}.xlsx")
    return response
