"""Points pages: my points and history, leaderboards, admin corrections."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.access import admin_required
from ..extensions import db
from ..periods import local_day, quarter_start
from ..roster.models import Department, Officer
from ..roster.services import department_tree
from . import services
from .models import REASONS, PointsEntry

bp = Blueprint("points", __name__, url_prefix="/points")

PERIODS = {"quarter": "本季度", "year": "本年", "all": "累计"}


def _since(period: str):
    today = local_day()
    if period == "quarter":
        return quarter_start(today)
    if period == "year":
        return today.replace(month=1, day=1)
    return None


@bp.route("/")
@login_required
def mine():
    """The officer's total, breakdown and ledger."""
    page = db.paginate(services.history_query(current_user.id), per_page=30, error_out=False)
    return render_template(
        "points/mine.html", page=page, total=services.officer_total(current_user.id),
        quarter=services.officer_total(current_user.id, quarter_start(local_day())),
        breakdown=services.officer_breakdown(current_user.id), reasons=REASONS,
    )


@bp.route("/leaderboard")
@login_required
def leaderboard_page():
    """Ranking for the bureau or a department subtree; departments ranked by average."""
    period = request.args.get("period", "quarter")
    if period not in PERIODS:
        period = "quarter"
    department_id = request.args.get("department", type=int)
    department = db.session.get(Department, department_id) if department_id else None
    since = _since(period)
    return render_template(
        "points/leaderboard.html", rows=services.leaderboard(since, department), period=period, periods=PERIODS,
        department=department, departments=department_tree(), ranking=services.department_ranking(since),
    )


@bp.route("/adjust", methods=["GET", "POST"])
@admin_required
def adjust():
    """An admin corrects an officer's points with a reason (audited)."""
    values = {"badge": request.values.get("badge", ""), "points": request.form.get("points", ""),
              "note": request.form.get("note", "")}
    if request.method == "POST":
        officer = db.session.scalar(sa.select(Officer).where(Officer.badge == values["badge"].strip()))
        if officer is None:
            flash("找不到该警号的人员。", "error")
        else:
            try:
                entry = services.adjust_points(current_user, officer, values["points"], values["note"])
            except services.PointsError as error:
                flash(str(error), "error")
            else:
                flash(f"已为{officer.name}（{officer.badge}）调整积分{entry.points:+d}。", "success")
                return redirect(url_for("points.adjust"))
    recent = db.session.scalars(
        sa.select(PointsEntry).where(PointsEntry.reason == "manual")
        .order_by(PointsEntry.at.desc()).limit(20)
    ).all()
    return render_template("points/adjust.html", values=values, recent=recent)
