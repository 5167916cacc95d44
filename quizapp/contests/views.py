"""Live-contest pages: the organiser's list, form, host console and results; the big
screen (a screen token, no login); the officers' join page and phone page.

The pages carry no question and no key: their scripts fetch the state documents
(``api.py``), so nothing reaches a phone before the host opens it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..auth.access import organiser_required
from ..banks.models import QuestionBank
from ..extensions import db
from ..qrcodes import qr_svg
from ..reports.xlsx import XLSX_MIMETYPE, content_disposition, report_filename
from . import live_host, live_play, live_setup
from .errors import ContestError
from .forms import ActionForm, JoinForm, LiveContestForm
from .live_export import contest_xlsx, question_statistics, summary_sentence
from .live_state import question_list, standings
from .models import LiveContest, LiveCorrection

bp = Blueprint("contests", __name__)

JOINED_KEY = "live"  # the session's list of contests this browser joined
# How often each page asks for the state (ms); bench/README.md says why these values.
PHONE_POLL_MS = 1000
SCREEN_POLL_MS = 500
HOST_POLL_MS = 1000


def remember_joined(contest_id: int) -> None:
    """Let this browser poll the contest's state (the poll checks the signed session only)."""
    joined = [cid for cid in session.get(JOINED_KEY, []) if cid != contest_id][-4:]
    session[JOINED_KEY] = joined + [contest_id]


def _contest(contest_id: int) -> LiveContest:
    contest = db.session.get(LiveContest, contest_id)
    if contest is None:
        abort(404)
    return contest


# ---------------------------------------------------------------- organiser

@bp.route("/contests/live")
@organiser_required
def index():
    """Every live contest, newest first."""
    contests = db.session.scalars(sa.select(LiveContest).order_by(LiveContest.id.desc())).all()
    counts = dict(db.session.execute(
        sa.select(LiveContest.id, sa.func.count()).join(LiveContest.questions).group_by(LiveContest.id)).all())
    return render_template("contests/index.html", contests=contests, counts=counts)


@bp.route("/contests/live/new", methods=["GET", "POST"])
@organiser_required
def create():
    """Define a live contest: title, team scoring, rounds from banks or fixed lists."""
    banks = db.session.scalars(sa.select(QuestionBank).order_by(QuestionBank.name)).all()
    form = LiveContestForm().setup(banks)
    if request.method == "GET":
        form.prefill(banks[0].id if banks else None)
    if form.validate_on_submit():
        try:
            contest = live_setup.create_live_contest(current_user, form.to_spec())
        except ContestError as error:
            flash(error.message, "error")
        else:
            flash(f"已创建现场竞赛“{contest.title}”，竞赛码 {contest.code}。", "success")
            return redirect(url_for("contests.host", contest_id=contest.id))
    return render_template("contests/form.html", form=form)


@bp.route("/contests/live/<int:contest_id>")
@organiser_required
def host(contest_id: int):
    """The host console."""
    contest = _contest(contest_id)
    return render_template("contests/host.html", contest=contest, questions=question_list(contest.id),
                           form=ActionForm(), poll_ms=HOST_POLL_MS)


@bp.route("/contests/live/<int:contest_id>/delete", methods=["POST"])
@organiser_required
def delete(contest_id: int):
    """Delete a contest that has not started."""
    contest = _contest(contest_id)
    if ActionForm().validate_on_submit():
        title = contest.title
        live_setup.delete_live_contest(current_user, contest)
        flash(f"已删除“{title}”。", "success")
    return redirect(url_for("contests.index"))


@bp.route("/contests/live/<int:contest_id>/results")
@organiser_required
def results(contest_id: int):
    """Standings, per-question statistics, corrections and the summary sentence."""
    contest = _contest(contest_id)
    table = standings(contest)
    corrections = db.session.scalars(sa.select(LiveCorrection).where(LiveCorrection.contest_id == contest.id)
                                     .order_by(LiveCorrection.at)).all()
    return render_template("contests/results.html", contest=contest, table=table,
                           questions=question_statistics(contest), corrections=corrections,
                           summary=summary_sentence(contest, table))


@bp.route("/contests/live/<int:contest_id>/results.xlsx")
@organiser_required
def results_xlsx(contest_id: int):
    """The whole record as xlsx."""
    from flask import Response

    contest = _contest(contest_id)
    response = Response(contest_xlsx(contest),
                        mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(report_filename(contest.title, "竞赛成绩"))
    return response


# ---------------------------------------------------------------- big screen

@bp.route("/live/screen/<token>")
def screen(token: str):
    """The projector page: no login, the screen token is the key."""
    contest = db.session.scalar(sa.select(LiveContest).where(LiveContest.screen_token == token))
    if contest is None:
        abort(404)
    join_url = url_for("contests.join", code=contest.code, _external=True)
    return render_template("contests/screen.html", contest=contest, join_url=join_url, poll_ms=SCREEN_POLL_MS,
                           qr_svg=qr_svg(join_url, title="扫码加入竞赛"))


# ---------------------------------------------------------------- phones

@bp.route("/live", methods=["GET", "POST"])
@bp.route("/live/join", methods=["GET", "POST"], endpoint="join")
@login_required
def join_page():
    """Join by the code on the big screen (the QR code carries it: ?code=…)."""
    form = JoinForm(meta={"csrf": request.method == "POST"})
    code = request.args.get("code") if request.method == "GET" else None
    if code or form.validate_on_submit():
        try:
            contest = live_play.contest_by_code(code or form.code.data)
            live_play.join_contest(current_user, contest, request.remote_addr)
        except ContestError as error:
            flash(error.message, "error")
            form.code.data = code or form.code.data
        else:
            remember_joined(contest.id)
            session["live_just_joined"] = contest.id  # the page it leads to is not a rejoin
            return redirect(url_for("contests.play", contest_id=contest.id))
    running = db.session.scalars(sa.select(LiveContest).where(LiveContest.status != "finished")
                                 .order_by(LiveContest.id.desc()).limit(5)).all()
    return render_template("contests/join.html", form=form, running=running)


@bp.route("/live/<int:contest_id>")
@login_required
def play(contest_id: int):
    """The phone page; loading it again (a reload, a lost connection) is a logged rejoin."""
    contest = _contest(contest_id)
    if contest.status == "finished":
        if not live_play.is_participant(contest.id, current_user.id):
            flash("本场竞赛已经结束。", "info")
            return redirect(url_for("contests.join"))
    elif not live_play.is_participant(contest.id, current_user.id):
        return redirect(url_for("contests.join"))
    elif session.pop("live_just_joined", None) != contest.id:
        live_play.join_contest(current_user, contest, request.remote_addr)
    remember_joined(contest.id)
    return render_template("contests/play.html", contest=contest, poll_ms=PHONE_POLL_MS)


def running_contests_panel(user) -> dict:
    """Home panel: contests officers can join now."""
    contests = db.session.scalars(sa.select(LiveContest).where(LiveContest.status != "finished")
                                  .order_by(LiveContest.id.desc()).limit(3)).all()
    return {"contests": contests}


@bp.route("/contests/live/<int:contest_id>/corrections", methods=["POST"])
@organiser_required
def correct(contest_id: int):
    """A score correction from the results page (the console uses the API)."""
    contest = _contest(contest_id)
    if ActionForm().validate_on_submit():
        try:
            live_host.correct_score(current_user, contest.id, request.form.get("badge", ""),
                                    request.form.get("points", ""), request.form.get("reason", ""))
        except ContestError as error:
            flash(error.message, "error")
        else:
            flash("已更正得分，并记入审计日志。", "success")
    return redirect(url_for("contests.results", contest_id=contest.id))
