"""Officer pages: my exams, the intro page, the exam page and the result page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import timeutil
from ..extensions import db
from ..web import render_error_page
from . import presenters, queries
from .access import can_manage
from .attempts import open_attempt, ready_at, saved_answers, seconds_until_ready, start_attempt, submit_attempt
from .errors import NOT_A_CANDIDATE, ExamError
from .forms import ActionForm
from .links import exam_by_link_code
from .models import Exam

bp = Blueprint("exams", __name__, url_prefix="")


def my_exams_panel(user) -> dict:
    """Home panel context: the officer's open and coming exams."""
    rows = [(exam, attempt) for exam, attempt in queries.my_exams(user) if exam.status != "closed"]
    return {"rows": rows[:5]}


@bp.route("/exams")
@login_required
def my_exams():
    """The exams the officer is invited to."""
    return render_template("exams/my_exams.html", rows=queries.my_exams(current_user))


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort(404)
    return exam


@bp.route("/exams/<int:exam_id>")
@login_required
def intro(exam_id: int):
    """Rules, duration and window, with 开始考试."""
    exam = _exam_or_404(exam_id)
    if not queries.is_candidate(current_user.id, exam.id):
        if can_manage(current_user, exam):
            return redirect(url_for("manage_exams.detail", exam_id=exam.id))
        return render_error_page(403, NOT_A_CANDIDATE)
    return render_template("exams/intro.html", exam=exam, attempt=queries.latest_attempt(current_user.id, exam.id),
                           form=ActionForm(), ready_at=timeutil.to_local(ready_at(exam, current_user.id)),
                           wait_seconds=seconds_until_ready(exam, current_user.id))


@bp.route("/k/<code>")
@login_required
def short_link(code: str):
    """An exam's short link (and QR code): through login to the intro page."""
    exam = exam_by_link_code(code)
    if exam is None:
        return render_error_page(404, "没有找到这个考试链接，请核对链接或联系组织部门。")
    return redirect(url_for(".intro", exam_id=exam.id))


@bp.route("/exams/<int:exam_id>/start", methods=["POST"])
@login_required
def start(exam_id: int):
    """Start or resume, then go to the exam page."""
    exam = _exam_or_404(exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = start_attempt(current_user, exam)
    except ExamError as error:
        if error.extra.get("attempt_id"):
            flash(error.message, "info")
            return redirect(url_for("exams.result", attempt_id=error.extra["attempt_id"]))
        flash(error.message, "error")
        return redirect(url_for("exams.intro", exam_id=exam.id))
    return redirect(url_for("exams.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    """The exam page: one question at a time, answers saved as they are given."""
    attempt = open_attempt(current_user, attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    exam = attempt.exam
    paper = presenters.paper_payload(attempt, exam)
    return render_template("exams/take.html", exam=exam, attempt=attempt, paper=paper,
                           answers=saved_answers(attempt), form=ActionForm())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """交卷 without JavaScript (the page normally submits through the API)."""
    attempt = open_attempt(current_user, attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    submit_attempt(attempt.id)
    return redirect(url_for("exams.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    """得分, 合格 or 不合格, and the review as the exam allows."""
    attempt = open_attempt(current_user, attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("exams.take", attempt_id=attempt.id))
    result = presenters.result_payload(attempt, attempt.exam)
    return render_template("exams/result.html", exam=attempt.exam, attempt=attempt, result=result,
                           summary=presenters.result_summary(attempt, result))
