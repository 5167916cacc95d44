"""Marshmallow schemas of the exams API (PRODUCT.md §5.2)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..banks.types import QUESTION_TYPES
from .models import MAX_START_DELAY_SECONDS, MODES, SHOW_RESULTS
from .sampling import ALLOCATION_METHODS


class BlueprintRuleSchema(Schema):
    bank = fields.Raw(required=True, metadata={"description": "bank name or id"})
    type = fields.String(required=True, validate=validate.OneOf(list(QUESTION_TYPES)))
    count = fields.Integer(required=True, validate=validate.Range(1, 500))
    points = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    chapter = fields.String(load_default=None, allow_none=True)


class PaperSchema(Schema):
    blueprint = fields.List(fields.Nested(BlueprintRuleSchema))
    questions = fields.List(fields.Integer(), metadata={"description": "a fixed list of question ids"})
    points = fields.Float(metadata={"description": "points per question of a fixed list"})

    @validates_schema
    def _one_kind(self, data, **kwargs):
        if bool(data.get("blueprint")) == bool(data.get("questions")):
            raise ValidationError("请设置组卷规则（blueprint）或指定题目（questions），二者选一。")


class ExamWriteSchema(Schema):
    """POST /exams (all required fields) and PATCH /exams/{id} (partial)."""

    title = fields.String(required=True, validate=validate.Length(1, 200))
    mode = fields.String(load_default="full", validate=validate.OneOf(list(MODES)))
    departments = fields.List(fields.String(), load_default=list, metadata={"description": "department paths; omitted: all"})
    groups = fields.List(fields.String(), load_default=list, metadata={"description": "政治面貌 or 标签; omitted: everyone"})
    paper = fields.Nested(PaperSchema, required=True)
    pass_mark = fields.Float(load_default=60)
    total_points = fields.Float(load_default=100)
    duration_minutes = fields.Integer(required=True, validate=validate.Range(1, 1440))
    opens_at = fields.DateTime(required=True, metadata={"description": "ISO 8601; without offset: Asia/Shanghai"})
    closes_at = fields.DateTime(required=True)
    attempts_allowed = fields.Integer(load_default=1, validate=validate.Range(1, 10))
    shuffle = fields.Boolean(metadata={"description": "shuffle questions and options"})
    shuffle_questions = fields.Boolean()
    shuffle_options = fields.Boolean()
    partial_credit = fields.Boolean(load_default=False)
    show_results = fields.String(load_default="immediately", validate=validate.OneOf(list(SHOW_RESULTS)))
    start_delay_seconds = fields.Integer(load_default=0, validate=validate.Range(0, MAX_START_DELAY_SECONDS))
    rules = fields.String(load_default="", metadata={"description": "考试须知 shown on the intro page"})
    ranked = fields.Boolean(load_default=False, metadata={
        "description": "an online contest (线上竞答): ranked by score, then time used, then submission time"})
    team_top_n = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 1000), metadata={
        "description": "ranked exams: departments also ranked by the average of their best N (null: all)"})


class ExamPatchSchema(ExamWriteSchema):
    """PATCH /exams/{id}: any subset of the fields (instantiate with partial=True)."""


class CreatedSchema(Schema):
    id = fields.Integer(required=True)


class ExamListItemSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    mode = fields.String()
    ranked = fields.Boolean(metadata={"description": "an online contest: GET /exams/{id}/ranking"})
    opens_at = fields.String()
    closes_at = fields.String()
    duration_minutes = fields.Integer()
    status = fields.String(metadata={"description": "upcoming | open | closed"})
    attempt_id = fields.Integer(allow_none=True)
    submitted = fields.Boolean()


class ExamListQuerySchema(Schema):
    managed = fields.Boolean(load_default=False, metadata={"description": "organisers: the exams they manage"})


class ExamDetailSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    mode = fields.String()
    status = fields.String()
    departments = fields.List(fields.String())
    groups = fields.List(fields.String())
    paper = fields.Dict()
    question_count = fields.Integer()
    pass_mark = fields.Float()
    total_points = fields.Float()
    duration_minutes = fields.Integer()
    opens_at = fields.String()
    closes_at = fields.String()
    closed_at = fields.String(allow_none=True)
    attempts_allowed = fields.Integer()
    shuffle_questions = fields.Boolean()
    shuffle_options = fields.Boolean()
    partial_credit = fields.Boolean()
    show_results = fields.String()
    start_delay_seconds = fields.Integer()
    rules = fields.String()
    ranked = fields.Boolean()
    team_top_n = fields.Integer(allow_none=True)
    candidates = fields.Integer()
    makeup_of = fields.Integer(allow_none=True)
    cloned_from = fields.Integer(allow_none=True)
    link = fields.String(metadata={"description": "the exam's short link (absolute), as in its QR code"})


class OptionSchema(Schema):
    key = fields.String()
    text = fields.String()


class PaperQuestionSchema(Schema):
    id = fields.Integer()
    type = fields.String()
    stem = fields.String()
    options = fields.List(fields.Nested(OptionSchema))
    points = fields.Float()
    blanks = fields.Integer(metadata={"description": "fill questions: how many blanks"})


class AttemptStartSchema(Schema):
    attempt_id = fields.Integer()
    exam_id = fields.Integer()
    title = fields.String()
    started_at = fields.String()
    deadline = fields.String()
    remaining_seconds = fields.Integer()
    network_grace_seconds = fields.Integer()
    questions = fields.List(fields.Nested(PaperQuestionSchema))
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))


class AnswerWriteSchema(Schema):
    answer = fields.Raw(required=True, allow_none=True,
                        metadata={"description": '"B", ["A","D"], true/false, or ["blank 1", …]; null clears'})
    seq = fields.Integer(required=True, strict=True, validate=validate.Range(0, 2**62 - 1))


class SavedSchema(Schema):
    saved_at = fields.String()


class SubmittedSchema(Schema):
    score = fields.Float(allow_none=True, metadata={"description": "null when the exam hides results"})
    passed = fields.Boolean(allow_none=True)
    submitted_at = fields.String()


class AbsenceWriteSchema(Schema):
    seconds = fields.Float(required=True, validate=validate.Range(0, 86400),
                           metadata={"description": "how long the page was hidden, by the phone's monotonic clock"})


class AbsenceSchema(Schema):
    left_at = fields.String()
    returned_at = fields.String()
    seconds = fields.Integer()
    tolerated = fields.Boolean()


class DrawWriteSchema(Schema):
    size = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    allocation = fields.String(load_default="proportional", validate=validate.OneOf(list(ALLOCATION_METHODS)))
    seed = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 2**62))
    departments = fields.Raw(load_default=None, metadata={
        "description": "department paths to spread the sample over, or {path: count} with allocation=fixed"})
    preview = fields.Boolean(load_default=False, metadata={"description": "only show sizes and allocation"})


class DrawCandidateSchema(Schema):
    badge = fields.String()
    name = fields.String()
    department = fields.String()


class DrawUnitSchema(Schema):
    department = fields.String()
    population = fields.Integer()
    allocated = fields.Integer()


class DrawResultSchema(Schema):
    seed = fields.Integer(allow_none=True)
    allocation = fields.String()
    departments = fields.List(fields.Nested(DrawUnitSchema))
    candidates = fields.List(fields.Nested(DrawCandidateSchema))


class BoardRowSchema(Schema):
    department = fields.String()
    invited = fields.Integer()
    started = fields.Integer(metadata={"description": "in_progress + submitted"})
    in_progress = fields.Integer(metadata={"description": "started, no attempt submitted yet or a retake open"})
    submitted = fields.Integer()
    not_started = fields.Integer()


class BoardSchema(Schema):
    invited = fields.Integer()
    started = fields.Integer(metadata={"description": "in_progress + submitted"})
    in_progress = fields.Integer(metadata={"description": "started, no attempt submitted yet or a retake open"})
    submitted = fields.Integer()
    not_started = fields.Integer()
    departments = fields.List(fields.Nested(BoardRowSchema))


class ClosedSchema(Schema):
    closed_at = fields.String()
    submitted = fields.Integer(metadata={"description": "open attempts submitted on closing"})


class MakeupWriteSchema(Schema):
    opens_at = fields.DateTime(load_default=None, allow_none=True)
    closes_at = fields.DateTime(load_default=None, allow_none=True)


class CountSchema(Schema):
    count = fields.Integer()


class RemindWriteSchema(Schema):
    department = fields.String(load_default=None, allow_none=True, metadata={
        "description": "a department path of the exam's candidates: remind only its people (default: everyone)"})


class ReviewItemSchema(PaperQuestionSchema):
    answer = fields.Raw(allow_none=True)
    correct = fields.Boolean(allow_none=True)
    earned = fields.Float(allow_none=True)
    key = fields.Raw(metadata={"description": "the correct answer, when the exam shows answers"})
    key_text = fields.String()
    explanation = fields.String()


class AttemptResultSchema(Schema):
    attempt_id = fields.Integer()
    exam_id = fields.Integer()
    title = fields.String()
    submitted = fields.Boolean()
    submitted_at = fields.String(allow_none=True)
    deadline = fields.String()
    remaining_seconds = fields.Integer()
    results_visible = fields.Boolean()
    score = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    pass_mark = fields.Float()
    total_points = fields.Float()
    questions = fields.List(fields.Nested(ReviewItemSchema))

