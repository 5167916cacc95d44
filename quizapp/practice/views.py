"""Practice pages for the phone: bank list → mode → one question per page → feedback."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import timeutil
from ..banks.models import Question
from . import mock as mock_exams
from . import services
from .presenting import for_officer

bp = Blueprint("practice", __name__, url_prefix="/practice")


def _or_abort(call, *args, **kwargs):
    """Run a service call; a refused answer (422) is flashed, other refusals go to the error handler."""
    try:
        return call(*args, **kwargs)
    except services.PracticeError as error:
        if error.status != 422:
            raise
        flash(error.message, "error")
        return None


def form_answer(question: Question, name: str):
    """A question's answer from form fields, in the API's shape (None when blank)."""
    if question.type == "multiple":
        return request.form.getlist(name) or None
    if question.type == "fill":
        values = request.form.getlist(name)
        return values if any(v.strip() for v in values) else None
    value = request.form.get(name)
    if question.type == "judge":
        return {"true": True, "false": False}.get(value)
    return value or None


def _mode_args() -> tuple[str, str | None]:
    mode = request.values.get("mode", "sequential")
    if mode not in services.MODES:
        abort(404)
    return mode, request.values.get("chapter") or None


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


@bp.route("/")
@login_required
def index():
    """Banks to practise, with how far the officer has got."""
    return render_template("practice/index.html", banks=services.practice_banks(current_user.id))


@bp.route("/banks/<int:bank_id>")
@login_required
def bank(bank_id: int):
    """Choose a mode; progress by chapter; recent mock exams."""
    bank = _or_abort(services.get_bank, bank_id)
    return render_template(
        "practice/bank.html", bank=bank, progress=services.bank_progress(current_user.id, bank_id),
        resume=services.sequential_resume_position(current_user.id, bank_id), modes=services.MODES,
        mocks=mock_exams.recent_mocks(current_user.id, bank_id), mock_defaults=(mock_exams.MOCK_DEFAULT_COUNT,
                                                                              mock_exams.MOCK_DEFAULT_MINUTES),
    )


@bp.route("/banks/<int:bank_id>/practise", methods=["GET", "POST"])
@login_required
def practise(bank_id: int):
    """One question per page; answering shows the feedback page."""
    bank = _or_abort(services.get_bank, bank_id)
    mode, chapter = _mode_args()
    if request.method == "POST":
        question = _or_abort(services.get_active_question, request.form.get("question_id", type=int) or 0)
        answer = form_answer(question, "answer")
        if answer is None:
            flash("请先作答再提交。", "error")
        else:
            feedback = _or_abort(services.record_answer, current_user.id, question.id, answer, mode, chapter)
            if feedback is not None:
                return redirect(url_for("practice.feedback", answer_id=feedback.answer_id, mode=mode,
                                        chapter=chapter))
        served = services.Served(question, 0, 0)
    else:
        served = services.next_question(current_user.id, bank_id, mode, chapter)
    favourite = served is not None and services.is_favourite(current_user.id, served.question.id)
    view = for_officer(current_user.id, served.question) if served is not None else None
    return render_template("practice/question.html", bank=bank, served=served, view=view, mode=mode,
                           chapter=chapter, mode_label=services.MODES[mode], favourite=favourite)


@bp.route("/feedback/<int:answer_id>")
@login_required
def feedback(answer_id: int):
    """Right or wrong, the key and the explanation, then on to the next question."""
    result = _or_abort(services.feedback_for, current_user.id, answer_id)
    mode, chapter = _mode_args()
    return render_template("practice/feedback.html", fb=result, bank=result.question.bank, mode=mode,
                           chapter=chapter, mode_label=services.MODES[mode])


@bp.route("/questions/<int:question_id>/favourite", methods=["POST"])
@login_required
def favourite(question_id: int):
    """Add to or remove from favourites, then go back."""
    wanted = request.form.get("favourite") == "1"
    _or_abort(services.set_favourite, current_user.id, question_id, wanted)
    flash("已收藏。" if wanted else "已取消收藏。", "success")
    return redirect(_safe_next(url_for("practice.index")))


@bp.route("/banks/<int:bank_id>/memorise")
@login_required
def memorise(bank_id: int):
    """背题模式: a question with its answer and explanation; previous / next."""
    bank = _or_abort(services.get_bank, bank_id)
    chapter = request.args.get("chapter") or None
    served = services.memorise_question(bank_id, request.args.get("pos", 1, type=int), chapter)
    view = for_officer(current_user.id, served.question) if served is not None else None
    favourite = served is not None and services.is_favourite(current_user.id, served.question.id)
    return render_template("practice/memorise.html", bank=bank, served=served, view=view, chapter=chapter,
                           favourite=favourite)


@bp.route("/banks/<int:bank_id>/mock", methods=["POST"])
@login_required
def start_mock(bank_id: int):
    """Start a timed random paper from the bank."""
    count = request.form.get("count", mock_exams.MOCK_DEFAULT_COUNT, type=int)
    minutes = request.form.get("minutes", mock_exams.MOCK_DEFAULT_MINUTES, type=int)
    try:
        mock = mock_exams.start_mock(current_user.id, bank_id, count, minutes)
    except services.PracticeError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for("practice.bank", bank_id=bank_id))
    return redirect(url_for("practice.mock", mock_id=mock.id))


@bp.route("/mock/<int:mock_id>", methods=["GET", "POST"])
@login_required
def mock(mock_id: int):
    """The mock paper with its timer; after submitting, the graded result."""
    mock = _or_abort(mock_exams.get_mock, current_user.id, mock_id)
    questions = mock_exams.mock_views(mock)
    if request.method == "POST" and not mock.finished:
        answers = {}
        for question in questions:
            value = form_answer(question, f"q{question.id}")
            if value is not None:
                answers[str(question.id)] = value
        mock = mock_exams.submit_mock(current_user.id, mock_id, answers)
        if mock.expired:
            flash("已超过考试时间，本次模拟考试不计答案。", "warning")
        return redirect(url_for("practice.mock", mock_id=mock.id))
    remaining = max(0, int((mock.deadline - timeutil.now()).total_seconds()))
    return render_template("practice/mock.html", mock=mock, questions=questions, remaining=remaining)
