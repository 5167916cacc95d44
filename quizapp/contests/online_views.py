"""Online-contest pages: the officer's ranking (his place and the first 20), the
organiser's full ranking and 获奖名单, each with its xlsx."""
from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.access import organiser_required
from ..exams.access import can_manage, managed_exam
from ..exams.models import Exam
from ..exams.queries import is_candidate
from ..extensions import db
from ..reports.xlsx import XLSX_MIMETYPE, content_disposition, report_filename
from ..web import render_error_page
from .forms import PrizeForm
from .online import PrizeRuleError, online_ranking, prize_list, ranking_hidden_message, require_ranked, summary_sentence
from .online_export import prizes_xlsx, ranking_xlsx

bp = Blueprint("online_contests", __name__)


def _managed(exam_id: int) -> Exam:
    return require_ranked(managed_exam(current_user, exam_id))


def _page(template: str, live_part: str, **context) -> Response:
    """A ranking page, or with ``?part=live`` only the part that its script refreshes while the
    contest is open; that part carries an ETag, so an unchanged ranking is answered 304."""
    if request.args.get("part") != "live":
        return render_template(template, **context)
    response = make_response(render_template(live_part, **context))
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


def _xlsx(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


@bp.route("/contests/online/<int:exam_id>")
@login_required
def ranking(exam_id: int):
    """The officer's view: his own place and the first 20 (organisers go to the full ranking)."""
    exam = db.session.get(Exam, exam_id)
    if exam is None or not exam.ranked:
        abort(404)
    if not is_candidate(current_user.id, exam.id):
        if can_manage(current_user, exam):
            return redirect(url_for(".manage_ranking", exam_id=exam.id))
        return render_error_page(403, "您不在本次竞赛的参赛名单中。")
    if not exam.results_visible():
        return render_template("contests/online/ranking.html", exam=exam, hidden=ranking_hidden_message(exam))
    table = online_ranking(exam)
    return _page("contests/online/ranking.html", "contests/online/_officer_live.html", exam=exam, table=table,
                 rows=table.officer_rows(current_user.id), mine=table.place_of(current_user.id),
                 summary=summary_sentence(table))


@bp.route("/manage/contests/online/<int:exam_id>")
@organiser_required
def manage_ranking(exam_id: int):
    """The organiser's view: everyone, every department, the summary sentence."""
    exam = _managed(exam_id)
    table = online_ranking(exam)
    return _page("contests/online/manage.html", "contests/online/_manage_live.html", exam=exam, table=table,
                 summary=summary_sentence(table))


@bp.route("/manage/contests/online/<int:exam_id>/ranking.xlsx")
@organiser_required
def ranking_export(exam_id: int):
    """The ranking as xlsx: 汇总, 个人排名, 单位排名."""
    exam = _managed(exam_id)
    table = online_ranking(exam)
    return _xlsx(ranking_xlsx(table, summary_sentence(table)), report_filename(exam.title, "排名"))


def _prize_page(exam_id: int):
    exam = _managed(exam_id)
    form = PrizeForm(request.args, meta={"csrf": False})
    table = online_ranking(exam)
    prizes = None
    if form.validate():
        try:
            prizes = prize_list(table, form.rule())
        except PrizeRuleError as error:
            form.first.errors = [*form.first.errors, str(error)]
    return exam, form, table, prizes


@bp.route("/manage/contests/online/<int:exam_id>/prizes")
@organiser_required
def prizes(exam_id: int):
    """获奖名单: 一二三等奖 by counts or shares, 优秀组织奖 by participation."""
    exam, form, table, prizes = _prize_page(exam_id)
    return render_template("contests/online/prizes.html", exam=exam, form=form, table=table, prizes=prizes)


@bp.route("/manage/contests/online/<int:exam_id>/prizes.xlsx")
@organiser_required
def prizes_export(exam_id: int):
    """获奖名单 as xlsx, under the rule in the query (the page's own link)."""
    exam, form, table, prizes = _prize_page(exam_id)
    if prizes is None:
        return redirect(url_for(".prizes", exam_id=exam.id, **request.args))
    return _xlsx(prizes_xlsx(exam, prizes), report_filename(exam.title, "获奖名单"))
