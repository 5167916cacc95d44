"""The exams JSON API (PRODUCT.md §5.2): officers sit exams, organisers run them."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import g, jsonify, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from .. import timeutil
from ..api.errors import ApiError
from ..auth.access import login_required_any, organiser_required, request_credential
from ..extensions import db
from ..roster.models import Department, Officer
from . import presenters, services
from .models import Attempt, Candidate, Exam
from .schemas import (AbsenceSchema, AbsenceWriteSchema, AnswerWriteSchema, AttemptResultSchema, AttemptStartSchema,
                      BoardSchema, ClosedSchema, CountSchema, CreatedSchema, DrawResultSchema, DrawWriteSchema,
                      ExamDetailSchema, ExamListItemSchema, ExamListQuerySchema, ExamPatchSchema, ExamWriteSchema, MakeupWriteSchema,
                      SavedSchema, SubmittedSchema)
from .saving import save_caller_id
from .taking import network_grace

blp = Blueprint("api_exams", __name__, url_prefix="/api/v1", description="Exams: sitting them and running them")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise ApiError(404, "not_found", "考试不存在。")
    return exam


def _managed_exam(exam_id: int) -> Exam:
    exam = _exam_or_404(exam_id)
    if not services.can_manage(current_user, exam):
        raise ApiError(403, "forbidden", "没有权限管理这场考试。")
    return exam


def _spec_values(body: dict) -> dict:
    """API body → ExamSpec field values."""
    values = {k: v for k, v in body.items()
              if k not in {"paper", "shuffle", "opens_at", "closes_at", "departments", "groups"}}
    for key in ("opens_at", "closes_at"):
        if body.get(key) is not None:
            values[key] = timeutil.as_utc(body[key])
    for key in ("departments", "groups"):
        if key in body:
            values[key] = tuple(body[key])
    if "shuffle" in body:
        values.setdefault("shuffle_questions", body["shuffle"])
        values.setdefault("shuffle_options", body["shuffle"])
    paper = body.get("paper")
    if paper:
        if paper.get("blueprint"):
            values["blueprint"] = tuple(services.RuleSpec(r["bank"], r["type"], r["count"], r["points"], r.get("chapter"))
                                        for r in paper["blueprint"])
            values["questions"] = ()
        else:
            values["questions"] = tuple(paper["questions"])
            values["question_points"] = paper.get("points") or 1.0
            values["blueprint"] = ()
    return values


@blp.route("/exams")
class Exams(MethodView):
    @login_required_any
    @blp.arguments(ExamListQuerySchema, location="query")
    @blp.response(200, ExamListItemSchema(many=True))
    @blp.alt_response(401, description="Not logged in")
    @blp.doc(security=SECURITY)
    def get(self, query):
        """The officer's own exams (organisers: ``?managed=true`` for the exams they run)."""
        if query["managed"] and current_user.is_organiser:
            return [presenters.exam_summary(exam) for exam in
                    db.session.scalars(services.exams_for_organiser(current_user).limit(500))]
        return [presenters.exam_summary(exam, attempt) for exam, attempt in services.my_exams(current_user)]

    @organiser_required
    @blp.arguments(ExamWriteSchema)
    @blp.response(201, CreatedSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not an organiser, or a department outside the organiser's scope")
    @blp.alt_response(422, description="Invalid definition, e.g. a blueprint asking more than the banks hold")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Create an exam (mode=full invites its candidates at once)."""
        exam = services.create_exam(current_user, services.ExamSpec(**_spec_values(body)))
        return {"id": exam.id}


@blp.route("/exams/<int:exam_id>")
class ExamItem(MethodView):
    @organiser_required
    @blp.response(200, ExamDetailSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.doc(security=SECURITY)
    def get(self, exam_id):
        """The exam's definition and status."""
        return presenters.exam_detail(_managed_exam(exam_id))

    @organiser_required
    @blp.arguments(ExamPatchSchema(partial=True))
    @blp.response(200, ExamDetailSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.alt_response(409, description="The exam has opened: no more changes")
    @blp.alt_response(422, description="Invalid change")
    @blp.doc(security=SECURITY)
    def patch(self, body, exam_id):
        """Change an exam before it opens."""
        exam = _managed_exam(exam_id)
        services.update_exam(current_user, exam, _spec_values(body))
        return presenters.exam_detail(exam)


@blp.route("/exams/<int:exam_id>/attempts")
class ExamAttempts(MethodView):
    @login_required_any
    @blp.response(200, AttemptStartSchema)
    @blp.alt_response(403, description="Not a candidate of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.alt_response(409, description="Not open yet, closed, start delayed (retry_after) or no attempts left")
    @blp.doc(security=SECURITY)
    def post(self, exam_id):
        """Start the exam, or resume the attempt already open: the paper (no answers) and saved answers."""
        exam = _exam_or_404(exam_id)
        attempt = services.start_attempt(current_user, exam)
        # Returned as a ready response: marshmallow would spend longer than the start itself
        # re-serialising fifty questions (the schema still documents it).
        return jsonify(presenters.paper_payload(attempt, exam))


def caller_required(view):
    """Like login_required_any, but the credential is only read here and checked by the
    save's own query: a bearer token's digest (g.token_hash) or the cookie's login session
    (g.login_session), never loading the officer through Flask-Login."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.token_hash, g.login_session = request_credential()
        if g.token_hash is None and g.login_session is None:
            raise ApiError(401, "unauthorized", "请先登录或提供有效的令牌。")
        return view(*args, **kwargs)

    return wrapper


@blp.route("/attempts/<int:attempt_id>/answers/<int:question_id>")
class AttemptAnswer(MethodView):
    @caller_required
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": AnswerWriteSchema}}})
    @blp.response(200, SavedSchema)
    @blp.alt_response(403, description="Not your attempt")
    @blp.alt_response(404, description="No such attempt or question on this paper")
    @blp.alt_response(409, description="Submitted, or past the deadline plus the network grace")
    @blp.alt_response(422, description="An answer of the wrong shape for the question")
    @blp.doc(security=SECURITY)
    def put(self, attempt_id, question_id):
        """Save one answer; a larger seq wins, repeating a save is harmless."""
        # Parsed by hand rather than by webargs: this is the hottest endpoint (the
        # service validates the answer against the question type anyway).
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or "answer" not in body or "seq" not in body:
            if save_caller_id(g.token_hash, g.login_session) is None:
                raise ApiError(401, "unauthorized", "请先登录或提供有效的令牌。")
            raise ApiError(422, "invalid", "请求体应为 {\"answer\": …, \"seq\": 整数}。")
        saved_at = services.save_answer(None, attempt_id, question_id, body["answer"], body["seq"],
                                        token_hash=g.token_hash, login_session=g.login_session)
        return {"saved_at": timeutil.isoformat(saved_at)}


def _own_attempt(attempt_id: int) -> Attempt:
    return services.attempt_for_officer(current_user, attempt_id)


@blp.route("/attempts/<int:attempt_id>/submit")
class AttemptSubmit(MethodView):
    @login_required_any
    @blp.response(200, SubmittedSchema)
    @blp.alt_response(403, description="Not your attempt")
    @blp.alt_response(404, description="No such attempt")
    @blp.doc(security=SECURITY)
    def post(self, attempt_id):
        """Submit (graded on the server); submitting twice returns the first result."""
        attempt = _own_attempt(attempt_id)
        attempt = services.submit_attempt(attempt.id)
        return presenters.submitted_payload(attempt, attempt.exam)


@blp.route("/attempts/<int:attempt_id>")
class AttemptItem(MethodView):
    @login_required_any
    @blp.response(200, AttemptResultSchema)
    @blp.alt_response(403, description="Not your attempt")
    @blp.alt_response(404, description="No such attempt")
    @blp.doc(security=SECURITY)
    def get(self, attempt_id):
        """The attempt's result, with per-question review as the exam allows."""
        attempt = _own_attempt(attempt_id)
        if attempt.submitted_at is None and timeutil.now() > attempt.deadline + network_grace():
            attempt = services.submit_attempt(attempt.id, reason="deadline")
        return presenters.result_payload(attempt, attempt.exam)


@blp.route("/attempts/<int:attempt_id>/absences")
class AttemptAbsences(MethodView):
    @login_required_any
    @blp.arguments(AbsenceWriteSchema)
    @blp.response(201, AbsenceSchema)
    @blp.alt_response(403, description="Not your attempt")
    @blp.alt_response(404, description="No such attempt")
    @blp.doc(security=SECURITY)
    def post(self, body, attempt_id):
        """Log that the exam page was hidden for a while (the organiser reviews these)."""
        absence = services.log_absence(current_user, attempt_id, body["seconds"])
        return {"left_at": timeutil.isoformat(absence.left_at), "returned_at": timeutil.isoformat(absence.returned_at),
                "seconds": absence.seconds, "tolerated": absence.tolerated}


@blp.route("/exams/<int:exam_id>/draw")
class ExamDraw(MethodView):
    @organiser_required
    @blp.arguments(DrawWriteSchema)
    @blp.response(200, DrawResultSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.alt_response(409, description="Not a sample exam, closed, or someone has started")
    @blp.alt_response(422, description="A size or allocation that cannot be drawn")
    @blp.doc(security=SECURITY)
    def post(self, body, exam_id):
        """Draw the candidates of a mode=sample exam from a recorded seed (``preview`` only plans)."""
        exam = _managed_exam(exam_id)
        departments = body["departments"]
        fixed = departments if isinstance(departments, dict) else None
        units = list(fixed) if fixed else departments
        if body["preview"]:
            plan = services.plan_draw(exam, body["size"], body["allocation"], fixed, units)
            return {"seed": body["seed"], "allocation": body["allocation"], "candidates": [],
                    "departments": [{"department": u.path, "population": u.population, "allocated": u.allocated}
                                    for u in plan]}
        draw = services.draw_candidates(current_user, exam, body["size"], body["allocation"], body["seed"],
                                        fixed, units)
        rows = db.session.execute(
            sa.select(Officer.badge, Officer.name, Department.path).join(Candidate, Candidate.officer_id == Officer.id)
            .join(Department, Department.id == Candidate.department_id)
            .where(Candidate.draw_id == draw.id).order_by(Department.path, Officer.badge)).all()
        return {"seed": draw.seed, "allocation": draw.allocation,
                "departments": [{"department": d["department"], "population": d["population"],
                                 "allocated": d["allocated"]} for d in draw.departments],
                "candidates": [{"badge": badge, "name": name, "department": path} for badge, name, path in rows]}


@blp.route("/exams/<int:exam_id>/board")
class ExamBoard(MethodView):
    @organiser_required
    @blp.response(200, BoardSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.doc(security=SECURITY)
    def get(self, exam_id):
        """Live board: invited / started / submitted / not started, per department."""
        return services.board(_managed_exam(exam_id))


def _organiser_action(function, exam_id, *args):
    exam = _managed_exam(exam_id)
    return exam, function(current_user, exam, *args)


@blp.route("/exams/<int:exam_id>/close")
class ExamClose(MethodView):
    @organiser_required
    @blp.response(200, ClosedSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.doc(security=SECURITY)
    def post(self, exam_id):
        """Close the exam now; open attempts are submitted with what they have."""
        exam, submitted = _organiser_action(services.close_exam, exam_id)
        return {"closed_at": timeutil.isoformat(exam.closed_at), "submitted": submitted}


@blp.route("/exams/<int:exam_id>/makeup")
class ExamMakeup(MethodView):
    @organiser_required
    @blp.arguments(MakeupWriteSchema)
    @blp.response(201, CreatedSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.alt_response(409, description="The exam is still open, or nobody failed or missed it")
    @blp.doc(security=SECURITY)
    def post(self, body, exam_id):
        """Create a makeup exam for everyone who failed or missed this one."""
        opens_at = timeutil.as_utc(body["opens_at"]) if body.get("opens_at") else None
        closes_at = timeutil.as_utc(body["closes_at"]) if body.get("closes_at") else None
        _, makeup = _organiser_action(services.create_makeup, exam_id, opens_at, closes_at)
        return {"id": makeup.id}


@blp.route("/exams/<int:exam_id>/remind")
class ExamRemind(MethodView):
    @organiser_required
    @blp.response(200, CountSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.alt_response(409, description="The exam has closed")
    @blp.doc(security=SECURITY)
    def post(self, exam_id):
        """Send an in-app reminder to the candidates who have not started."""
        _, count = _organiser_action(services.remind_not_started, exam_id)
        return {"count": count}
