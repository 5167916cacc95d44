"""Exam forms: the definition (with blueprint rows), the draw, makeup; form → exam document → ExamSpec."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import request
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FieldList, FloatField, Form, FormField, HiddenField,
                     IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import timeutil
from ..roster.models import POLITICAL_STATUSES
from .models import ALLOCATIONS, MAX_START_DELAY_SECONDS, MODES, SHOW_RESULTS
from .spec import ExamSpec

TYPE_CHOICES = [("single", "单选"), ("multiple", "多选"), ("judge", "判断"), ("fill", "填空")]
BLUEPRINT_ROWS = 6


def _between(low, high) -> NumberRange:
    """A range check that says so in Chinese."""
    low_text, high_text = (f"{n:g}" if isinstance(n, float) else str(n) for n in (low, high))
    return NumberRange(low, high, f"应在{low_text}到{high_text}之间。")


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""


def _bank_id(value) -> int:
    """An empty bank choice is 0 (the row is unused)."""
    return int(value) if str(value or "").isdigit() else 0


class RuleForm(Form):
    """One blueprint row; a row without a bank or count is ignored."""

    bank = SelectField("题库", coerce=_bank_id, validate_choice=False)
    qtype = SelectField("题型", choices=TYPE_CHOICES, default="single", validate_choice=False)
    chapter = StringField("章节（可空）", validators=[Optional(), Length(max=200)])
    count = IntegerField("题数", validators=[Optional(), _between(1, 500)])
    points = FloatField("每题分值", validators=[Optional(), _between(0.1, 100)])


class ExamForm(FlaskForm):
    """Create or edit an exam."""

    title = StringField("考试名称", validators=[DataRequired("请填写考试名称"), Length(max=200)])
    mode = SelectField("考试方式", choices=list(MODES.items()))
    departments = SelectMultipleField("参考部门（含下级；不选为全局）", coerce=int, validate_choice=False)
    groups = SelectMultipleField("限定人员（政治面貌或标签；不选为全部）", validate_choice=False)
    opens_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写开始时间")])
    closes_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写结束时间")])
    duration_minutes = IntegerField("答题时长（分钟）", default=60,
                                    validators=[InputRequired("请填写此项"), _between(1, 1440)])
    total_points = FloatField("总分", default=100, validators=[InputRequired("请填写此项"), _between(1, 1000)])
    pass_mark = FloatField("合格线", default=60, validators=[InputRequired("请填写此项"), _between(0, 1000)])
    attempts_allowed = IntegerField("允许作答次数", default=1,
                                    validators=[InputRequired("请填写此项"), _between(1, 10)])
    shuffle_questions = BooleanField("打乱题目顺序", default=True)
    shuffle_options = BooleanField("打乱选项顺序", default=True)
    partial_credit = BooleanField("多选题少选得一半分", default=False)
    ranked = BooleanField("竞赛（线上竞答：按成绩、用时排名，单位按平均分排名）", default=False)
    show_results = SelectField("成绩与答案显示", choices=list(SHOW_RESULTS.items()))
    start_delay_seconds = IntegerField(f"随机延迟进入（秒，0–{MAX_START_DELAY_SECONDS}，大规模考试错峰）", default=0,
                                       validators=[InputRequired("请填写此项"), _between(0, MAX_START_DELAY_SECONDS)])
    rules = TextAreaField("考试须知", validators=[Optional(), Length(max=5000)])
    blueprint = FieldList(FormField(RuleForm), min_entries=BLUEPRINT_ROWS, max_entries=20)
    question_ids = TextAreaField("或指定题目（题目编号，用逗号或换行分隔）", validators=[Optional()])
    question_points = FloatField("指定题目每题分值", default=1, validators=[Optional(), _between(0.1, 100)])

    def setup(self, banks, departments, tags) -> ExamForm:
        """Fill the choices from the database."""
        self.departments.choices = [(d.id, d.path) for d in departments]
        self.groups.choices = [(g, g) for g in list(POLITICAL_STATUSES) + sorted(tags)]
        for row in self.blueprint:
            row.bank.choices = [(0, "—")] + [(b.id, b.name) for b in banks]
        return self

    def to_document(self, department_paths: dict[int, str]) -> dict:
        """The form's values as an exam document (the POST /api/v1/exams shape; times are local)."""
        rules = [{"bank": row.bank.data, "type": row.qtype.data, "count": row.count.data,
                  "points": row.points.data or 1.0, "chapter": row.chapter.data or None}
                 for row in self.blueprint if row.bank.data and row.count.data]
        ids = [int(part) for part in (self.question_ids.data or "").replace("，", ",").replace("\n", ",").split(",")
               if part.strip().isdigit()]
        paper = {"points": self.question_points.data or 1.0}
        if rules:
            paper["blueprint"] = rules
        if ids:
            paper["questions"] = ids
        return {
            "title": self.title.data, "mode": self.mode.data,
            "departments": [department_paths[i] for i in self.departments.data or [] if i in department_paths],
            "groups": list(self.groups.data or []), "paper": paper,
            "opens_at": self.opens_at.data, "closes_at": self.closes_at.data,
            "duration_minutes": self.duration_minutes.data, "total_points": self.total_points.data,
            "pass_mark": self.pass_mark.data, "attempts_allowed": self.attempts_allowed.data,
            "shuffle_questions": self.shuffle_questions.data, "shuffle_options": self.shuffle_options.data,
            "partial_credit": self.partial_credit.data, "show_results": self.show_results.data,
            "start_delay_seconds": self.start_delay_seconds.data, "rules": self.rules.data or "",
            "ranked": self.ranked.data,
        }

    def to_spec(self, department_paths: dict[int, str], base: ExamSpec | None = None) -> ExamSpec:
        """The form's values as an ExamSpec (times read as the bureau's local time); SpecError otherwise.
        With ``base`` (editing), what the form has no field for (an API-set team_top_n) is kept."""
        return ExamSpec.from_document(self.to_document(department_paths), base=base, check=False)

    def show_errors(self, errors) -> None:
        """Put a refused definition's field errors ({"field", "message"}) beside the fields they name."""
        for error in errors:
            field = self._field_for(error["field"])
            if field is not None:
                field.errors = [*field.errors, error["message"]]

    def _field_for(self, name: str):
        match = re.fullmatch(r"paper\.blueprint\[(\d+)\]\.(\w+)", name)
        if match:
            # Rows left blank are not in the document: the n-th rule is the n-th filled row.
            filled = [row for row in self.blueprint if row.bank.data and row.count.data]
            index, part = int(match[1]), {"type": "qtype"}.get(match[2], match[2])
            return getattr(filled[index].form, part, None) if index < len(filled) else None
        name = {"paper.questions": "question_ids", "paper.points": "question_points"}.get(name, name)
        return getattr(self, name, None) if name in self._fields else None

    def fill_from(self, exam) -> None:
        """Pre-fill from an existing exam (editing)."""
        for name in ("title", "mode", "duration_minutes", "total_points", "pass_mark", "attempts_allowed",
                     "shuffle_questions", "shuffle_options", "partial_credit", "show_results", "start_delay_seconds",
                     "rules", "ranked"):
            getattr(self, name).data = getattr(exam, name)
        self.opens_at.data = _local_naive(exam.opens_at)
        self.closes_at.data = _local_naive(exam.closes_at)
        self.departments.data = [d.id for d in exam.departments]
        self.groups.data = exam.groups
        for row, rule in zip(self.blueprint, exam.rules_rows):
            row.bank.data, row.qtype.data, row.chapter.data = rule.bank_id, rule.type, rule.chapter
            row.count.data, row.points.data = rule.count, rule.points
        if exam.fixed_rows:
            self.question_ids.data = ", ".join(str(r.question_id) for r in exam.fixed_rows)
            self.question_points.data = exam.fixed_rows[0].points

    def default_window(self) -> None:
        """Tomorrow 09:00 for a week, as the bureau's quarterly tests run."""
        start = (timeutil.to_local(timeutil.now()) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                             microsecond=0, tzinfo=None)
        self.opens_at.data, self.closes_at.data = start, start + timedelta(days=7)


def _local_naive(moment) -> datetime:
    return timeutil.to_local(moment).replace(tzinfo=None)


class DrawForm(FlaskForm):
    """Plan (and, with ``confirm``, make) a random draw."""

    size = IntegerField("抽取总人数", validators=[Optional(), _between(1, 100000)])
    allocation = SelectField("分配方式", choices=list(ALLOCATIONS.items()), default="proportional")
    seed = IntegerField("随机种子（可空，自动生成并记录）", validators=[Optional(), _between(0, 2**62)])
    confirm = HiddenField()

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One number input per department ("fixed-<department id>"), read from the posted form.
        self.units = list(units)
        self.fixed_values: dict[int, str] = {}
        self.fixed_errors: dict[int, str] = {}
        self.fixed_error: str | None = None

    @staticmethod
    def fixed_name(unit) -> str:
        return f"fixed-{unit.department_id}"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        counts = self._read_fixed()
        if self.allocation.data == "fixed":
            if not self.fixed_errors and not any(counts.values()):
                self.fixed_error = "请至少为一个部门填写抽取人数。"
        elif any(counts.values()):
            self.allocation.errors = [*self.allocation.errors,
                                      "已填写各部门人数：请将分配方式选为“指定各部门人数”，或清空各部门人数。"]
        if self.allocation.data != "fixed" and self.size.data is None and not self.size.errors:
            self.size.errors = [*self.size.errors, "请填写抽取总人数。"]
        return valid and not self.fixed_errors and not self.fixed_error and not self.size.errors \
            and not self.allocation.errors

    def _read_fixed(self) -> dict[str, int]:
        counts = {}
        for unit in self.units:
            text = request.form.get(self.fixed_name(unit), "").strip()
            self.fixed_values[unit.department_id] = text
            if not text:
                continue
            if not text.isdigit():
                self.fixed_errors[unit.department_id] = "请填写0或正整数。"
            elif int(text) > unit.population:
                self.fixed_errors[unit.department_id] = f"该部门只有{unit.population}名在岗民警。"
            else:
                counts[unit.path] = int(text)
        return counts

    def fixed_counts(self) -> dict[str, int] | None:
        """Department path → count, when the allocation is fixed."""
        if self.allocation.data != "fixed":
            return None
        return {u.path: int(self.fixed_values[u.department_id])
                for u in self.units if self.fixed_values.get(u.department_id, "").isdigit()}

    def show_error(self, error) -> None:
        """Put a refused plan's message next to the field it concerns (size, allocation or a department)."""
        field, department = error.extra.get("field"), error.extra.get("department")
        if field == "fixed" and department is not None:
            unit = next((u for u in self.units if u.path == department), None)
            if unit is not None:
                self.fixed_errors[unit.department_id] = error.message
                return
        if field == "fixed":
            self.fixed_error = error.message
        elif field == "allocation":
            self.allocation.errors = [*self.allocation.errors, error.message]
        else:
            self.size.errors = [*self.size.errors, error.message]


class MakeupForm(FlaskForm):
    """The makeup exam's window."""

    opens_at = DateTimeLocalField("补考开始时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    closes_at = DateTimeLocalField("补考结束时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
