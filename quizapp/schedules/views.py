"""Organiser pages for schedules: list, create, edit, pause/resume, preview."""
from __future__ import annotations

from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import organiser_required
from ..exams import queries as exam_queries
from ..exams.form_data import bank_catalogue, department_tree
from ..banks.types import TYPE_LABELS
from ..exams.forms import TYPE_CHOICES
from ..exams.models import ALLOCATIONS, MODES
from ..extensions import db
from ..roster.services import departments_visible_to
from . import services
from .forms import TITLE_PARTS, ActionForm, ScheduleForm
from .models import Schedule
from .rules import RuleError

bp = Blueprint("schedules", __name__, url_prefix="/schedules")

DEFAULT_NAME = "季度理论知识测试"
DEFAULT_TITLE = "{year}年第{quarter}季度理论知识测试"


def _values(form: ScheduleForm, paths: dict[int, str]) -> services.ScheduleInput:
    month, day, day_of_week = form.rule_fields()
    at = form.at.data or time(9, 0)
    return services.ScheduleInput(
        name=form.name.data or "", template=form.template(paths), month=month, day=day, day_of_week=day_of_week,
        hour=at.hour, minute=at.minute, open_days=form.open_days.data or 0,
    )


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
                           health=services.scheduler_health(), action=ActionForm(),
                           broken=dict((s.id, problems) for s, problems in services.schedules_needing_attention(schedules)))


def _edit(schedule: Schedule | None):
    departments = departments_visible_to(current_user)
    paths = {d.id: d.path for d in departments}
    banks = exam_queries.banks_by_name()
    form = ScheduleForm().setup(banks, departments, exam_queries.officer_tags())
    form.setup_rule(schedule)
    problems_now = []
    if request.method == "GET":
        if schedule is not None:
            form.name.data = schedule.name
            form.fill_from_document(schedule.template, {b.name: b.id for b in banks},
                                    {path: i for i, path in paths.items()})
            form.fill_draw(schedule.template)
            form.fill_rule(schedule)
            problems_now = services.schedule_health_problems(schedule)
            form.show_stored_problems(problems_now)
        else:
            form.name.data, form.title.data = DEFAULT_NAME, DEFAULT_TITLE
    preview = exam = None
    if form.is_submitted():
        form.read()
        values = _values(form, paths)
        form.refuse([p.as_dict() for p in services.schedule_problems(values, current_user)])
        if "preview" in request.form:
            preview, exam = services.preview_schedule(values)
        elif not form.has_errors():
            try:
                if schedule is None:
                    schedule = services.create_schedule(values, current_user)
                    flash("定时计划已创建。", "success")
                else:
                    services.update_schedule(schedule, values, current_user)
                    flash("定时计划已保存。", "success")
                return redirect(url_for("schedules.detail", schedule_id=schedule.id))
            except services.ScheduleError as error:
                db.session.rollback()
                form.refuse(error.extra.get("errors") or [{"field": "", "message": error.message}])
    return render_template("schedules/edit.html", form=form, schedule=schedule, preview=preview, exam=exam,
                           problems_now=problems_now, title_parts=TITLE_PARTS, department_tree=department_tree(departments),
                           catalogue=bank_catalogue(), type_choices=TYPE_CHOICES)


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
    """A schedule: its rule, what it creates, the next firings and the periods fired."""
    schedule = db.get_or_404(Schedule, schedule_id)
    upcoming, exam = services.preview_schedule(services.ScheduleInput.of(schedule))
    return render_template("schedules/detail.html", schedule=schedule, upcoming=upcoming, exam=exam,
                           action=ActionForm(), problems=services.schedule_health(schedule),
                           template_facts=_template_facts(schedule.template))


def _template_facts(template: dict) -> list[tuple[str, str]]:
    """A schedule's template in words (the JSON itself is for the API)."""
    banks = {str(b.id): b.name for b in exam_queries.banks_by_name()}
    title = str(template.get("title", ""))
    for placeholder, label in TITLE_PARTS.items():
        title = title.replace(placeholder, f"〔{label}〕")
    facts = [("考试名称", title),
             ("考试方式", MODES.get(template.get("mode", "full"), "")),
             ("参考部门", "、".join(template.get("departments") or []) or "全局"),
             ("限定人员", "、".join(template.get("groups") or []) or "不限")]
    if template.get("mode") == "sample":
        draw = template.get("draw") or {}
        facts.append(("抽取", f"{draw.get('size', '')}人，{ALLOCATIONS.get(draw.get('allocation', 'proportional'), '')}"))
    paper = template.get("paper") or {}
    for n, rule in enumerate(paper.get("blueprint") or [], start=1):
        bank = banks.get(str(rule.get("bank")), str(rule.get("bank")))
        chapter = f"“{rule['chapter']}”" if rule.get("chapter") else "全部章节"
        facts.append((f"组卷规则{n}", f"{bank} {chapter} {TYPE_LABELS.get(rule.get('type'), '')}"
                                      f"{rule.get('count')}题，每题{_number(rule.get('points'))}分"))
    if paper.get("questions"):
        facts.append(("指定题目", f"{len(paper['questions'])}题，每题{_number(paper.get('points', 1))}分"))
    facts += [("总分", _number(template.get("total_points", 100))), ("合格线", _number(template.get("pass_mark", 60))),
              ("答题时长", f"{_number(template.get('duration_minutes', 60))}分钟")]
    return facts


def _number(value) -> str:
    """5.0 → 5; a template written through the API may hold a number as text."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


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
