"""Banks over the API: the list anyone may practise on, the admin import and the health check."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..api.errors import ApiError
from ..api.schemas import ErrorSchema
from ..auth.access import admin_required, login_required_any, organiser_required
from ..extensions import db
from . import checkup, services
from .health import SEVERITY_LABELS
from .models import CATEGORIES, QuestionBank

blp = Blueprint("api_banks", __name__, url_prefix="/api/v1/banks", description="Question banks (题库)")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


class BankSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True, metadata={"description": "theory | regulations | other"})
    description = fields.String()
    questions = fields.Integer(required=True, metadata={"description": "active questions"})
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "active questions per type: single, multiple, judge, fill"})
    chapters = fields.List(fields.Dict(), metadata={"description": '[{"chapter", "questions"}]'})


class ImportFormSchema(Schema):
    bank = fields.String(load_default=None, metadata={"description": "bank name, new or existing (a JSON export names its own)"})
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    dry_run = fields.Boolean(load_default=False)
    valid_only = fields.Boolean(load_default=False)
    on_duplicate = fields.String(load_default="skip", validate=validate.OneOf(list(services.DUPLICATE_MODES)))


class ImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class BankRowErrorSchema(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "spreadsheet row (sheets) or JSON question number"})
    line = fields.Integer(allow_none=True, metadata={"description": "text line or docx paragraph (txt, docx, GIFT, Aiken)"})
    question = fields.Integer(metadata={"description": "the question's number in a text or docx file"})
    column = fields.String(metadata={"description": "the field at fault: 题干, 答案, 选项B, 题型…"})
    cell = fields.String(metadata={"description": "spreadsheet column letter"})
    where = fields.String(metadata={"description": "the location in words: 第N题（第L行） or 第R行 第C列"})
    message = fields.String()


class ImportHealthFindingSchema(Schema):
    code = fields.String(required=True)
    severity = fields.String(required=True, metadata={"description": " | ".join(SEVERITY_LABELS)})
    title = fields.String(required=True)
    detail = fields.String(required=True)


class ImportHealthSchema(Schema):
    warnings = fields.Integer(required=True)
    notices = fields.Integer(required=True)
    findings = fields.List(fields.Nested(ImportHealthFindingSchema), required=True, metadata={"description": "warnings first"})


class ImportReportSchema(Schema):
    imported = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    skipped = fields.Integer(required=True, metadata={"description": "duplicates skipped"})
    duplicates = fields.Integer()
    errors = fields.List(fields.Nested(BankRowErrorSchema), required=True,
                         metadata={"description": "rows left out (with valid_only) — otherwise the import is refused"})
    warnings = fields.List(fields.Nested(BankRowErrorSchema),
                           metadata={"description": "never block: skipped headings and export noise, removed page "
                                                    "headers, unsupported types under valid_only"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "questions in the file per type"})
    bank = fields.String()
    bank_id = fields.Integer(allow_none=True)
    new_bank = fields.Boolean()
    dry_run = fields.Boolean()
    format = fields.String()
    health = fields.Nested(ImportHealthSchema, metadata={
        "description": "题库体检 of the bank as the import leaves it (on a dry run, would leave it); "
                       "GET /banks/{id}/health gives the full report"})


@blp.route("")
class Banks(MethodView):
    @login_required_any
    @blp.response(200, BankSchema(many=True))
    @blp.alt_response(401, description="Not logged in")
    @blp.doc(security=SECURITY)
    def get(self):
        """Banks with their question counts; officers see those with active questions."""
        summaries = services.bank_summaries()
        if current_user.role == "officer":
            summaries = [s for s in summaries if s.total]
        return [
            {"id": s.bank.id, "name": s.bank.name, "category": s.bank.category, "description": s.bank.description,
             "questions": s.total, "by_type": s.by_type,
             "chapters": [{"chapter": c, "questions": n} for c, n in s.chapters]}
            for s in summaries
        ]


@blp.route("/import")
class BankImport(MethodView):
    @admin_required
    @blp.arguments(ImportFormSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(422, description='Bad rows (nothing written) or an unreadable file: '
                                       '{"error": {"code", "message", "errors": [{"row", "column", "message"}]}}')
    @blp.alt_response(403, description="Admins only")
    @blp.alt_response(413, description="File too large")
    @blp.doc(security=SECURITY)
    def post(self, form, files):
        """Import (or with dry_run, check) a bank file; one bad row rejects the file unless valid_only."""
        upload = files["file"]
        report = services.import_bank(upload.filename or "upload", upload.read(), form["bank"], form["category"],
                                      current_user, dry_run=form["dry_run"], valid_only=form["valid_only"],
                                      on_duplicate=form["on_duplicate"])
        if not report.ok:
            message = "文件有错误，未导入任何题目。" if report.errors else "文件中没有题目。"
            raise ApiError(422, "invalid_file", message, errors=[e.as_dict() for e in report.errors],
                           warnings=[w.as_dict() for w in report.warnings])
        return dict(report.as_dict(), health=checkup.health_summary(checkup.after_import_health(report)))


class HealthPairSchema(Schema):
    questions = fields.List(fields.Integer(), required=True, metadata={"description": "two question ids"})
    similarity = fields.Float(required=True, metadata={"description": "character-bigram Jaccard similarity, 0–1"})


class HealthRowSchema(Schema):
    label = fields.String(required=True)
    value = fields.Raw(required=True, metadata={"description": "a count or a Chinese phrase"})


class HealthFindingSchema(Schema):
    code = fields.String(required=True, metadata={"description": (
        "single_letters | longest_right | multiple_prefix | all_options_right | judge_balance | near_duplicates | "
        "missing_explanations | missing_chapters | almost_all_wrong | discrimination_flags | almost_all_right | "
        "chapter_coverage")})
    severity = fields.String(required=True, metadata={"description": " | ".join(SEVERITY_LABELS)})
    title = fields.String(required=True)
    detail = fields.String(required=True, metadata={"description": "what was found, with the figures (Chinese)"})
    why = fields.String(required=True, metadata={"description": "why it matters (Chinese)"})
    questions = fields.List(fields.Integer(), required=True, metadata={"description": "ids of the questions concerned"})
    pairs = fields.List(fields.Nested(HealthPairSchema), metadata={"description": "near_duplicates only"})
    table = fields.List(fields.Nested(HealthRowSchema), metadata={"description": "figures behind the finding"})


class HealthReportSchema(Schema):
    questions = fields.Integer(required=True, metadata={"description": "active questions checked"})
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    exam_answers = fields.Integer(required=True, metadata={"description": "answers in exams sat that were counted"})
    warnings = fields.Integer(required=True)
    notices = fields.Integer(required=True)
    findings = fields.List(fields.Nested(HealthFindingSchema), required=True,
                           metadata={"description": "warnings first"})


@blp.route("/<int:bank_id>/health")
class BankHealth(MethodView):
    @organiser_required
    @blp.response(200, HealthReportSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
    @blp.alt_response(403, schema=ErrorSchema, description="Organisers and admins only")
    @blp.alt_response(404, schema=ErrorSchema, description="No such bank")
    @blp.doc(security=SECURITY)
    def get(self, bank_id: int):
        """题库体检: what makes the bank guessable or weak, with the questions concerned (thresholds: README)."""
        bank = db.session.get(QuestionBank, bank_id)
        if bank is None:
            raise ApiError(404, "not_found", "题库不存在。")
        return checkup.bank_health(bank).as_dict()
