"""Report API: GET /api/v1/exams/{id}/report and its xlsx export."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..api.errors import ApiError
from ..api.schemas import ErrorSchema
from ..auth.access import login_required_any
from ..extensions import db
from . import services
from .xlsx import XLSX_MIMETYPE, content_disposition, exam_report_xlsx, report_filename

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Exam reports (organisers, admins)")


class DepartmentRowSchema(Schema):
    department = fields.String(required=True)
    candidates = fields.Integer(required=True)
    participated = fields.Integer(required=True)
    pass_rate = fields.Float(allow_none=True, metadata={"description": "fraction 0–1"})
    average = fields.Float(allow_none=True)


class QuestionRowSchema(Schema):
    question_id = fields.Integer(required=True)
    stem = fields.String(required=True)
    correct_rate = fields.Float(allow_none=True, metadata={"description": "fraction 0–1"})
    facility = fields.Float(allow_none=True, metadata={"description": "Moodle facility index, 0–1"})
    discrimination = fields.Float(allow_none=True, metadata={
        "description": "Moodle discrimination index: correlation of item and rest-of-test scores, −1–1"})


class ReportSchema(Schema):
    candidates = fields.Integer(required=True)
    participated = fields.Integer(required=True)
    participation_rate = fields.Float(allow_none=True, metadata={"description": "fraction 0–1"})
    pass_rate = fields.Float(allow_none=True, metadata={"description": "fraction 0–1 of participants"})
    average = fields.Float(allow_none=True)
    highest = fields.Float(allow_none=True)
    lowest = fields.Float(allow_none=True)
    departments = fields.List(fields.Nested(DepartmentRowSchema), required=True)
    questions = fields.List(fields.Nested(QuestionRowSchema), required=True)
    summary = fields.String(required=True, metadata={"description": "The bureau's one-sentence write-up"})


def managed_exam(exam_id: int):
    """The exam if the current user may read its report (404 / 403 otherwise)."""
    from ..exams.models import Exam
    from ..exams.access import can_manage

    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise ApiError(404, "not_found", "考试不存在。")
    if not can_manage(current_user, exam):
        raise ApiError(403, "forbidden", "没有权限查看这场考试的报告。")
    return exam


@blp.route("/exams/<int:exam_id>/report")
class ExamReportResource(MethodView):
    @login_required_any
    @blp.response(200, ReportSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
    @blp.alt_response(403, schema=ErrorSchema, description="Not an organiser of this exam")
    @blp.alt_response(404, schema=ErrorSchema, description="No such exam")
    def get(self, exam_id: int):
        """The exam's figures, departments, question statistics and summary sentence."""
        return services.exam_report(managed_exam(exam_id)).as_api()


@blp.route("/exams/<int:exam_id>/report.xlsx")
class ExamReportXlsxResource(MethodView):
    @login_required_any
    @blp.response(200, content_type=XLSX_MIMETYPE,
                  description="xlsx with sheets 汇总, 部门, 人员, 题目")
    @blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
    @blp.alt_response(403, schema=ErrorSchema, description="Not an organiser of this exam")
    @blp.alt_response(404, schema=ErrorSchema, description="No such exam")
    def get(self, exam_id: int):
        """The exam's report as an xlsx workbook with a Chinese file name."""
        return xlsx_response(managed_exam(exam_id))


def xlsx_response(exam) -> Response:
    """The report workbook as a download."""
    report = services.exam_report(exam, with_officers=True)
    response = Response(exam_report_xlsx(report),
                        mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(report_filename(exam.title))
    return response
