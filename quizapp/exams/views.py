"""Officer pages: my exams, the intro page, the exam page and the result page."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import timeutil
from ..extensions import db
from ..web import render_error_page
from . import presenters, services
from .errors import ExamError
from .forms import ActionForm
from .models import Attempt, Exam
from .taking import network_grace, saved_answers, start_offset_seconds

bp = Blueprint("exams", __name__, url_prefix="")


def my_exams_panel(user) -> dict:
    """Home panel context: the officer's open and coming exams."""
    rows = [(exam, attempt) for exam, attempt in services.my_exams(user) if exam.status != "closed"]
    return {"rows": rows[:5]}


@bp.route("/exams")
@login_required
def my_exams():
    """The exams the officer is invited to."""
    return render_template("exams/my_exams.html", rows=services.my_exams(current_user))


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
    if not services.is_candidate(current_user.id, exam.id):
        if services.can_manage(current_user, exam):
            return redirect(url_for("manage_exams.detail", exam_id=exam.id))
        return render_error_page(403, "您不在本次考试的考生名单中。")
    attempts = [a for _, a in services.my_exams(current_user) if a is not None and a.exam_id == exam.id]
    attempt = attempts[0] if attempts else None
    ready = exam.opens_at + timedelta(seconds=start_offset_seconds(exam, current_user.id))
    wait_seconds = max(0, int((ready - timeutil.now()).total_seconds()) + 1) if not exam.is_closed else 0
    return render_template("exams/intro.html", exam=exam, attempt=attempt, form=ActionForm(),
                           ready_at=timeutil.to_local(ready), wait_seconds=wait_seconds)


@bp.route("/exams/<int:exam_id>/start", methods=["POST"])
@login_required
def start(exam_id: int):
    """Start or resume, then go to the exam page."""
    exam = _exam_or_404(exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(current_user, exam)
    except ExamError as error:
        if error.extra.get("attempt_id"):
            flash(error.message, "info")
            return redirect(url_for("exams.result", attempt_id=error.extra["attempt_id"]))
        flash(error.message, "error")
        return redirect(url_for("exams.intro", exam_id=exam.id))
    return redirect(url_for("exams.take", attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> Attempt:
    try:
        return services.attempt_for_officer(current_user, attempt_id)
    except ExamError as error:
        abort(error.status)


@bp.route("/attempts/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    """The exam page: one question at a time, answers saved as they are given."""
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is None and timeutil.now() > attempt.deadline + network_grace():
        services.submit_attempt(attempt.id, reason="deadline")
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
    attempt = _own_attempt(attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.submit_attempt(attempt.id)
    return redirect(url_for("exams.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    """得分, 合格 or 不合格, and the review as the exam allows."""
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is None:
        if timeutil.now() <= attempt.deadline + network_grace():
            return redirect(url_for("exams.take", attempt_id=attempt.id))
        services.submit_attempt(attempt.id, reason="deadline")
    return render_template("exams/result.html", exam=attempt.exam, attempt=attempt,
                           result=presenters.result_payload(attempt, attempt.exam))
