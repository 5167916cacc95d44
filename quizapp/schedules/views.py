"""Organiser pages for schedules: list, create, edit, pause/resume, preview."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import timeutil
from ..auth.access import organiser_required
from ..extensions import db
from . import services
from .forms import DEFAULT_TEMPLATE, ActionForm, ScheduleForm
from .models import Schedule
from .rules import RuleError, next_firings

bp = Blueprint("schedules", __name__, url_prefix="/schedules")


def _values(form: ScheduleForm) -> services.ScheduleInput:
    return services.ScheduleInput(
        name=form.name.data, template=form.template.parsed, month=form.month.data.strip(),
        day=form.day.data.strip(), day_of_week=form.day_of_week.data.strip(), hour=form.hour.data,
        minute=form.minute.data, open_days=form.open_days.data,
    )


def _preview(form: ScheduleForm):
    """Next firings of the rule in the form (None when the form is invalid)."""
    try:
        return next_firings(_values(form).rule(), timeutil.now(), count=6)
    except (RuleError, AttributeError):
        return None


@bp.route("/")
@organiser_required
def index():
    """Every schedule with its next firings and recent periods."""
    schedules = db.session.scalars(db.select(Schedule).order_by(Schedule.id)).all()
    upcoming = {}
    for schedule in schedules:
        try:
            upcoming[schedule.id] = services.preview(schedule, count=2)
        except RuleError:
            upcoming[schedule.id] = []
    return render_template("schedules/index.html", schedules=schedules, upcoming=upcoming,
                           health=services.scheduler_health(), action=ActionForm())


def _edit(schedule: Schedule | None):
    form = ScheduleForm(obj=schedule)
    if request.method == "GET":
        form.template.data = json.dumps(schedule.template if schedule else DEFAULT_TEMPLATE, ensure_ascii=False,
                                        indent=2)
        if schedule is None:
            form.name.data = "季度政治理论知识测试"
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
            if preview is None:
                flash("日历规则无效，无法预览。", "error")
        else:
            try:
                if schedule is None:
                    schedule = services.create_schedule(_values(form), current_user)
                    flash("定时计划已创建。", "success")
                else:
                    services.update_schedule(schedule, _values(form), current_user)
                    flash("定时计划已保存。", "success")
                return redirect(url_for("schedules.detail", schedule_id=schedule.id))
            except services.ScheduleError as error:
                db.session.rollback()
                flash(str(error), "error")
    return render_template("schedules/edit.html", form=form, schedule=schedule, preview=preview)


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    """Create a schedule (prefilled with the quarterly default)."""
    return _edit(None)


@bp.route("/<int:schedule_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(schedule_id: int):
    """Edit a schedule."""
    return _edit(db.get_or_404(Schedule, schedule_id))


@bp.route("/<int:schedule_id>")
@organiser_required
def detail(schedule_id: int):
    """A schedule: its rule, the next firings and the periods fired."""
    schedule = db.get_or_404(Schedule, schedule_id)
    try:
        upcoming = services.preview(schedule, count=6)
    except RuleError:
        upcoming = []
    return render_template("schedules/detail.html", schedule=schedule, upcoming=upcoming, action=ActionForm(),
                           template_json=json.dumps(schedule.template, ensure_ascii=False, indent=2))


@bp.route("/<int:schedule_id>/<any(pause, resume):change>", methods=["POST"])
@organiser_required
def pause(schedule_id: int, change: str):
    """Pause or resume a schedule."""
    schedule = db.get_or_404(Schedule, schedule_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_paused(schedule, change == "pause", current_user)
    flash("定时计划已暂停。" if change == "pause" else "定时计划已恢复。", "success")
    return redirect(url_for("schedules.detail", schedule_id=schedule.id))
