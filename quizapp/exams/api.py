"""The exams JSON API (PRODUCT.md §5.2): officers sit exams, organisers run them."""
from __future__ import annotations

import json
from functools import wraps

from flask import current_app, g, jsonify, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from .. import timeutil
from ..api.errors import ApiError
from ..auth.access import login_required_any, organiser_required, request_credential
from ..extensions import db
from . import presenters, queries
from .access import exams_for_organiser, managed_exam
from .attempts import log_absence, open_attempt, start_attempt, submit_attempt
from .candidates import draw_candidates, plan_draw
from .definitions import close_exam, create_exam, create_makeup, spec_from_exam, update_exam
from .models import Exam
from .progress import board, remind_not_started
from .schemas import (AbsenceSchema, AbsenceWriteSchema, AnswerWriteSchema, AttemptResultSchema, AttemptStartSchema,
                      BoardSchema, ClosedSchema, CountSchema, CreatedSchema, DrawResultSchema, DrawWriteSchema,
                      ExamDetailSchema, ExamListItemSchema, ExamListQuerySchema, ExamPatchSchema, ExamWriteSchema, MakeupWriteSchema, RemindWriteSchema,
                      SavedSchema, SubmittedSchema)
from .saving import save_answer, save_caller_id
from .spec import ExamSpec

blp = Blueprint("api_exams", __name__, url_prefix="/api/v1", description="Exams: sitting them and running them")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def _exam_or_404(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise ApiError(404, "not_found", "考试不存在。")
    return exam


def _managed_exam(exam_id: int) -> Exam:
    return managed_exam(current_user, exam_id)


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
                    db.session.scalars(exams_for_organiser(current_user).limit(500))]
        return [presenters.exam_summary(exam, attempt) for exam, attempt in queries.my_exams(current_user)]

    @organiser_required
    @blp.arguments(ExamWriteSchema)
    @blp.response(201, CreatedSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not an organiser, or a department outside the organiser's scope")
    @blp.alt_response(422, description="Invalid definition, e.g. a blueprint asking more than the banks hold")
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Create an exam (mode=full invites its candidates at once)."""
        exam = create_exam(current_user, ExamSpec.from_document(body, check=False))
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
        update_exam(current_user, exam, ExamSpec.from_document(body, base=spec_from_exam(exam), check=False))
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
        attempt = start_attempt(current_user, exam)
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


def documented_only(*decorators):
    """Document a view with flask-smorest's decorators without running their wrappers on each
    request: the OpenAPI document reads only the ``_apidoc`` they leave on the function, and
    for the hottest endpoint their wrappers (a schema dump and a layer per decorator) cost a
    tenth of the request. The view then returns its response itself."""

    def decorate(view):
        documented = view
        for decorator in reversed(decorators):
            documented = decorator(documented)
        view._apidoc = documented._apidoc
        return view

    return decorate


@blp.route("/attempts/<int:attempt_id>/answers/<int:question_id>")
class AttemptAnswer(MethodView):
    @documented_only(
        blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": AnswerWriteSchema}}}),
        blp.response(200, SavedSchema),
        blp.alt_response(403, description="Not your attempt"),
        blp.alt_response(404, description="No such attempt or question on this paper"),
        blp.alt_response(409, description="Submitted, or past the deadline plus the network grace"),
        blp.alt_response(422, description="An answer of the wrong shape for the question"),
        blp.doc(security=SECURITY),
    )
    @caller_required
    def put(self, attempt_id, question_id):
        """Save one answer; a larger seq wins, repeating a save is harmless."""
        # Parsed by hand rather than by webargs: this is the hottest endpoint (the
        # service validates the answer against the question type anyway).
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or "answer" not in body or "seq" not in body:
            if save_caller_id(g.token_hash, g.login_session) is None:
                raise ApiError(401, "unauthorized", "请先登录或提供有效的令牌。")
            raise ApiError(422, "invalid", "请求体应为 {\"answer\": …, \"seq\": 整数}。")
        saved_at = save_answer(None, attempt_id, question_id, body["answer"], body["seq"],
                               token_hash=g.token_hash, login_session=g.login_session)
        # The body SavedSchema documents, without jsonify's provider machinery (a fiftieth of a save).
        return current_app.response_class(json.dumps({"saved_at": timeutil.isoformat(saved_at)}),
                                          mimetype="application/json")


@blp.route("/attempts/<int:attempt_id>/submit")
class AttemptSubmit(MethodView):
    @login_required_any
    @blp.response(200, SubmittedSchema)
    @blp.alt_response(403, description="Not your attempt")
    @blp.alt_response(404, description="No such attempt")
    @blp.doc(security=SECURITY)
    def post(self, attempt_id):
        """Submit (graded on the server); submitting twice returns the first result."""
        attempt = submit_attempt(open_attempt(current_user, attempt_id).id)
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
        attempt = open_attempt(current_user, attempt_id)
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
        absence = log_absence(current_user, attempt_id, body["seconds"])
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
            plan = plan_draw(exam, body["size"], body["allocation"], fixed, units)
            return {"seed": body["seed"], "allocation": body["allocation"], "candidates": [],
                    "departments": [{"department": u.path, "population": u.population, "allocated": u.allocated}
                                    for u in plan]}
        draw = draw_candidates(current_user, exam, body["size"], body["allocation"], body["seed"], fixed, units)
        return {"seed": draw.seed, "allocation": draw.allocation,
                "departments": [{"department": d["department"], "population": d["population"],
                                 "allocated": d["allocated"]} for d in draw.departments],
                "candidates": [{"badge": badge, "name": name, "department": path}
                               for badge, name, path in queries.drawn_officers(draw)]}


@blp.route("/exams/<int:exam_id>/board")
class ExamBoard(MethodView):
    @organiser_required
    @blp.response(200, BoardSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.doc(security=SECURITY)
    def get(self, exam_id):
        """Live board: invited / started / submitted / not started, per department."""
        return board(_managed_exam(exam_id))


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
        exam, submitted = _organiser_action(close_exam, exam_id)
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
        _, makeup = _organiser_action(create_makeup, exam_id, opens_at, closes_at)
        return {"id": makeup.id}


@blp.route("/exams/<int:exam_id>/remind")
class ExamRemind(MethodView):
    @organiser_required
    @blp.arguments(RemindWriteSchema, required=False)
    @blp.response(200, CountSchema)
    @blp.alt_response(403, description="Not an organiser of this exam")
    @blp.alt_response(404, description="No such exam")
    @blp.alt_response(409, description="The exam has closed")
    @blp.alt_response(422, description="No candidate of this exam is in that department")
    @blp.doc(security=SECURITY)
    def post(self, body, exam_id):
        """Send an in-app reminder to the candidates who have not started (optionally one department's)."""
        _, count = _organiser_action(remind_not_started, exam_id, (body or {}).get("department"))
        return {"count": count}
