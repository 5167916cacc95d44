"""The online contest's ranking in the JSON API: ``GET /api/v1/exams/{id}/ranking``."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..api.errors import ApiError
from ..auth.access import login_required_any
from ..exams.access import can_manage
from ..exams.models import Exam
from ..exams.queries import is_candidate
from ..extensions import db
from .online import OnlineRanking, online_ranking, ranking_hidden_message

blp = Blueprint("api_online_contests", __name__, url_prefix="/api/v1",
                description="Online contests (线上竞答): rankings of ranked exams")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


class IndividualSchema(Schema):
    rank = fields.Integer(required=True, metadata={"description": "shared by people equal in score, time and submission"})
    badge = fields.String(required=True, metadata={"description": "警号"})
    name = fields.String(required=True)
    department = fields.String(required=True)
    score = fields.Float(required=True, metadata={"description": "the officer's best score"})
    seconds = fields.Integer(required=True, metadata={"description": "time used by that attempt"})


class DepartmentRankSchema(Schema):
    rank = fields.Integer(required=True)
    department = fields.String(required=True)
    candidates = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    participation_rate = fields.Float(required=True, metadata={"description": "0–1"})
    average = fields.Float(required=True, allow_none=True,
                           metadata={"description": "average of the participants' best scores; null: nobody took part"})
    top_n_average = fields.Float(allow_none=True, metadata={
        "description": "with the exam's team_top_n: the average of the best N, which decides the place"})


class RankingSchema(Schema):
    final = fields.Boolean(required=True, metadata={"description": "false while the exam is open (a live ranking)"})
    individuals = fields.List(fields.Nested(IndividualSchema), required=True, metadata={
        "description": "organisers: everyone; officers: the first 20 places and their own"})
    departments = fields.List(fields.Nested(DepartmentRankSchema), required=True)


def ranking_document(ranking: OnlineRanking, officer_id: int | None = None) -> dict:
    """The ranking as JSON; with ``officer_id``, only the first 20 places and his own row."""
    rows = ranking.individuals
    if officer_id is not None:
        rows = ranking.officer_rows(officer_id)
    return {
        "final": ranking.final,
        "individuals": [{"rank": p.rank, "badge": p.result.extra.badge, "name": p.result.extra.name,
                         "department": p.result.extra.department, "score": p.result.score,
                         "seconds": int(p.result.seconds)} for p in rows],
        "departments": [{"rank": d.rank, "department": d.department, "candidates": d.candidates,
                         "participants": d.participants, "participation_rate": d.participation_rate,
                         "average": d.average, "top_n_average": d.top_n_average} for d in ranking.departments],
    }


@blp.route("/exams/<int:exam_id>/ranking")
class ExamRanking(MethodView):
    @login_required_any
    @blp.response(200, RankingSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Neither an organiser of this exam nor one of its candidates")
    @blp.alt_response(404, description="No such exam, or the exam is not ranked")
    @blp.alt_response(409, description="Candidates: the exam shows results only after it closes, or never")
    @blp.doc(security=SECURITY)
    def get(self, exam_id):
        """The online contest's ranking: live while the exam is open, final once it has closed."""
        exam = db.session.get(Exam, exam_id)
        if exam is None or not exam.ranked:
            raise ApiError(404, "not_found", "竞赛不存在。")
        if can_manage(current_user, exam):
            return ranking_document(online_ranking(exam))
        if not is_candidate(current_user.id, exam.id):
            raise ApiError(403, "forbidden", "您不在本次竞赛的参赛名单中。")
        if not exam.results_visible():
            raise ApiError(409, "results_hidden", ranking_hidden_message(exam))
        return ranking_document(online_ranking(exam), officer_id=current_user.id)

