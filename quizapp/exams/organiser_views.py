"""Organiser pages: exams list, create/edit/clone/close, draw, candidates, live board, makeup."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from .. import timeutil
from ..auth.access import organiser_required
from ..reports.xlsx import content_disposition
from ..roster.services import departments_visible_to, scope_departments
from . import queries
from .access import managed_exam
from ..reports.services import display_department
from .candidates import draw_candidates, draw_departments, plan_draw, replace_candidate
from .definitions import clone_exam, close_exam, create_exam, create_makeup, spec_from_exam, update_exam
from .errors import ExamError
from .form_data import bank_catalogue, department_tree, officers_in_scope
from .forms import TYPE_CHOICES, ActionForm, DrawForm, ExamForm, MakeupForm
from .links import exam_link, exam_qr_png, exam_qr_svg, qr_file_name
from .models import ALLOCATIONS, Exam
from .progress import board as exam_board
from .progress import STATES as BOARD_STATES
from .progress import board_people as people_in_state
from .progress import makeup_officer_ids, remind_not_started

bp = Blueprint("manage_exams", __name__, url_prefix="/manage/exams")


def _exam(exam_id: int) -> Exam:
    return managed_exam(current_user, exam_id)


def _exam_form(exam: Exam | None = None) -> tuple[ExamForm, dict[int, str], dict]:
    departments = departments_visible_to(current_user)
    form = ExamForm().setup(queries.banks_by_name(), departments, queries.officer_tags())
    if request.method == "GET":
        if exam is not None:
            form.fill_from(exam)
        else:
            form.default_window()
    return form, {d.id: d.path for d in departments}, form_context(departments)


def form_context(departments) -> dict:
    """What the shared exam controls show: the department tree and each bank's chapters."""
    return {"department_tree": department_tree(departments), "catalogue": bank_catalogue(),
            "type_choices": TYPE_CHOICES}


@bp.route("/scope-count")
@organiser_required
def scope_count():
    """How many active officers the chosen departments (none: the organiser's scope) and groups hold,
    for the live count on the exam and schedule forms."""
    visible = {d.id: d for d in departments_visible_to(current_user)}
    chosen = [visible[i] for i in request.args.getlist("departments", type=int) if i in visible]
    if not chosen:
        chosen = scope_departments(current_user) or []  # an organiser limited to part of the bureau: his part
    return jsonify(count=officers_in_scope(chosen, request.args.getlist("groups")))


@bp.route("")
@organiser_required
def index():
    """Every exam the organiser manages."""
    return render_template("exams/manage/index.html", page=queries.managed_exams_page(current_user, per_page=30))


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    """Define a new exam; every problem is shown beside its field at once."""
    form, paths, context = _exam_form()
    if form.is_submitted():
        spec = form.checked_spec(current_user, paths)
        if spec is not None:
            try:
                exam = create_exam(current_user, spec)
            except ExamError as error:
                form.refuse(error.extra.get("errors", ()))
                flash(error.message, "error")
            else:
                flash("考试已创建。" + ("请抽取考生。" if exam.mode == "sample" else ""), "success")
                return redirect(url_for(".draw" if exam.mode == "sample" else ".detail", exam_id=exam.id))
    return render_template("exams/manage/form.html", form=form, exam=None, **context)


@bp.route("/<int:exam_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(exam_id: int):
    """Change an exam before it opens."""
    exam = _exam(exam_id)
    form, paths, context = _exam_form(exam)
    if form.is_submitted():
        spec = form.checked_spec(current_user, paths, base=spec_from_exam(exam))
        if spec is not None:
            try:
                update_exam(current_user, exam, spec)
            except ExamError as error:
                form.refuse(error.extra.get("errors", ()))
                flash(error.message, "error")
            else:
                flash("考试已修改。", "success")
                return redirect(url_for(".detail", exam_id=exam.id))
    return render_template("exams/manage/form.html", form=form, exam=exam, **context)


@bp.route("/<int:exam_id>")
@organiser_required
def detail(exam_id: int):
    """One exam: its definition, status and actions."""
    exam = _exam(exam_id)
    return render_template("exams/manage/detail.html", exam=exam, board=exam_board(exam),
                           draw=queries.latest_draw(exam), form=ActionForm(), makeup_form=MakeupForm(), allocations=ALLOCATIONS,
                           makeup_count=len(makeup_officer_ids(exam)) if exam.is_closed else None,
                           link=exam_link(exam), qr=exam_qr_svg(exam))


@bp.route("/<int:exam_id>/qr.<any(png, svg):kind>")
@organiser_required
def qr_download(exam_id: int, kind: str):
    """下载二维码: the exam's link as a PNG or SVG file with a Chinese name."""
    exam = _exam(exam_id)
    if kind == "png":
        response = Response(exam_qr_png(exam), mimetype="image/png")
    else:
        svg = '<?xml version="1.0" encoding="utf-8"?>\n' + str(exam_qr_svg(exam))  # a file, not markup
        response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = content_disposition(qr_file_name(exam, kind))
    return response


@bp.route("/<int:exam_id>/notice")
@organiser_required
def notice(exam_id: int):
    """The A4 notice to print: title, window, duration, the QR code and the link."""
    exam = _exam(exam_id)
    return render_template("exams/manage/notice.html", exam=exam, link=exam_link(exam), qr=exam_qr_svg(exam))


def _action(exam_id: int, function, success: str, *args):
    exam = _exam(exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = function(current_user, exam, *args)
    except ExamError as error:
        flash(error.message, "error")
        return exam, None
    flash(success.format(result=result), "success")
    return exam, result


@bp.route("/<int:exam_id>/clone", methods=["POST"])
@organiser_required
def clone(exam_id: int):
    """Copy an exam into a future window, then edit it."""
    _, copy = _action(exam_id, clone_exam, "已复制，请检查时间和设置。")
    return redirect(url_for(".edit", exam_id=copy.id) if copy else url_for(".detail", exam_id=exam_id))


@bp.route("/<int:exam_id>/close", methods=["POST"])
@organiser_required
def close(exam_id: int):
    """Close now; open attempts are submitted."""
    _action(exam_id, close_exam, "考试已关闭，{result}份未交答卷已自动提交。")
    return redirect(url_for(".detail", exam_id=exam_id))


@bp.route("/<int:exam_id>/remind", methods=["POST"])
@organiser_required
def remind(exam_id: int):
    """In-app reminder to those who have not started: all of them, or one department's."""
    department = request.form.get("department") or None
    who = f"{display_department(department)}的" if department else ""
    _action(exam_id, remind_not_started, f"已提醒{who}{{result}}名未参考人员。", department)
    return redirect(_local_next() or url_for(".detail", exam_id=exam_id))


def _local_next() -> str | None:
    """The form's ``next``, only when it is a path on this site (never another host)."""
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else None


@bp.route("/<int:exam_id>/makeup", methods=["POST"])
@organiser_required
def makeup(exam_id: int):
    """One action: a makeup exam for those who failed or missed."""
    exam = _exam(exam_id)
    form = MakeupForm()
    if not form.validate_on_submit():
        flash("请填写补考时间。", "error")
        return redirect(url_for(".detail", exam_id=exam.id))
    try:
        created = create_makeup(current_user, exam, timeutil.as_utc(form.opens_at.data),
                                         timeutil.as_utc(form.closes_at.data))
    except ExamError as error:
        flash(error.message, "error")
        return redirect(url_for(".detail", exam_id=exam.id))
    flash("补考已创建并已通知考生。", "success")
    return redirect(url_for(".detail", exam_id=created.id))


@bp.route("/<int:exam_id>/draw", methods=["GET", "POST"])
@organiser_required
def draw(exam_id: int):
    """Plan a draw (each department's size and allocation), then confirm it."""
    exam = _exam(exam_id)
    try:
        units = draw_departments(exam)
    except ExamError as error:
        flash(error.message, "error")
        return redirect(url_for(".detail", exam_id=exam.id))
    form = DrawForm(units=units)
    plan = None
    if form.validate_on_submit():
        try:
            if form.confirm.data == "1":
                made = draw_candidates(current_user, exam, form.size.data, form.allocation.data,
                                       form.seed.data, form.fixed_counts(), None)
                flash(f"已抽取{made.size}名考生（随机种子{made.seed}），并已通知。", "success")
                return redirect(url_for(".candidates", exam_id=exam.id))
            plan = plan_draw(exam, form.size.data, form.allocation.data, form.fixed_counts())
        except ExamError as error:
            form.show_error(error)
    status = 422 if request.method == "POST" and plan is None else 200
    return render_template("exams/manage/draw.html", exam=exam, form=form, units=units, plan=plan), status


@bp.route("/<int:exam_id>/candidates")
@organiser_required
def candidates(exam_id: int):
    """Candidates with their progress; replace an absent one; absences per attempt."""
    exam = _exam(exam_id)
    return render_template("exams/manage/candidates.html", exam=exam, rows=queries.candidates_with_progress(exam),
                           form=ActionForm())


@bp.route("/<int:exam_id>/candidates/<int:candidate_id>/replace", methods=["POST"])
@organiser_required
def replace(exam_id: int, candidate_id: int):
    """Replace an absent candidate by a random officer of the same department."""
    exam = _exam(exam_id)
    candidate = queries.candidate_of(exam, candidate_id)
    if candidate is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        substitute = replace_candidate(current_user, candidate)
    except ExamError as error:
        flash(error.message, "error")
    else:
        flash(f"已由{substitute.officer.name}（{substitute.officer.badge}）替补。", "success")
    return redirect(url_for(".candidates", exam_id=exam.id))


@bp.route("/<int:exam_id>/attempts/<int:attempt_id>/absences")
@organiser_required
def absences(exam_id: int, attempt_id: int):
    """The absence log of one attempt, for review (nothing is auto-failed)."""
    exam = _exam(exam_id)
    attempt = queries.attempt_of(exam, attempt_id)
    if attempt is None:
        abort(404)
    return render_template("exams/manage/absences.html", exam=exam, attempt=attempt,
                           entries=queries.absences_of(attempt))


@bp.route("/<int:exam_id>/board")
@organiser_required
def board(exam_id: int):
    """The live board; the page refreshes itself from the board API."""
    exam = _exam(exam_id)
    return render_template("exams/manage/board.html", exam=exam, board=exam_board(exam), form=ActionForm(),
                           states=BOARD_STATES, now_local=timeutil.format_local(timeutil.now(), "%H:%M:%S"))


@bp.route("/<int:exam_id>/board/people")
@organiser_required
def board_people(exam_id: int):
    """The names behind one count of the board, filterable by department."""
    exam = _exam(exam_id)
    state = request.args.get("state", "not_started")
    if state not in BOARD_STATES:
        abort(404)
    departments = [d["department"] for d in exam_board(exam)["departments"]]
    department = request.args.get("department") or None
    unknown = department if department is not None and department not in departments else None
    if unknown:
        department = None  # said on the page: the list shows every department instead
    return render_template("exams/manage/board_people.html", exam=exam, state=state, states=BOARD_STATES,
                           departments=departments, department=department, unknown_department=unknown,
                           people=people_in_state(exam, state, department), form=ActionForm())
