"""The admin's audit-log viewer."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request

from .. import timeutil
from ..auth.access import admin_required
from ..extensions import db
from .services import ACTION_LABELS, AuditFilter, audit_query

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _parse_day(text: str | None) -> datetime | None:
    """A YYYY-MM-DD in local time as the start of that day in UTC."""
    try:
        return timeutil.as_utc(datetime.strptime(text or "", "%Y-%m-%d"))
    except ValueError:
        return None


@bp.route("/")
@admin_required
def index():
    """Filter the audit log by who, what and when."""
    until = _parse_day(request.args.get("until"))
    criteria = AuditFilter(
        actor=request.args.get("actor") or None,
        action=request.args.get("action") or None,
        since=_parse_day(request.args.get("since")),
        until=until + timedelta(days=1) if until else None,
        text=request.args.get("q") or None,
    )
    page = db.paginate(audit_query(criteria), per_page=50, error_out=False)
    return render_template("audit/index.html", page=page, actions=ACTION_LABELS, args=request.args)
