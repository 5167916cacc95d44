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
from ..roster.models import PATH_SEPARATOR, POLITICAL_STATUSES
from .models import ALLOCATIONS, MAX_START_DELAY_SECONDS, MODES, SHOW_RESULTS
from .errors import ExamError
from .spec import NO_PAPER, ExamSpec, SpecError

TYPE_CHOICES = [("single", "单选"), ("multiple", "多选"), ("judge", "判断"), ("fill", "填空")]
MAX_BLUEPRINT_ROWS = 50


class _Between(NumberRange):
    """A range check that says so in Chinese, and says nothing of a value that is not a number
    (the field already says 请填写整数)."""

    def __call__(self, form, field):
        if field.data is not None:
            super().__call__(form, field)


def _between(low, high) -> NumberRange:
    low_text, high_text = (f"{n:g}" if isinstance(n, float) else str(n) for n in (low, high))
    return _Between(low, high, f"应在{low_text}到{high_text}之间。")


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""


def _bank_id(value) -> int:
    """An empty bank choice is 0 (the row is unused)."""
    return int(value) if str(value or "").isdigit() else 0


class RuleForm(Form):
    """One blueprint row (rows are added and removed on the page); a row left wholly blank is ignored."""

    bank = SelectField("题库", coerce=_bank_id, validate_choice=False)
    qtype = SelectField("题型", choices=TYPE_CHOICES, default="single", validate_choice=False)
    chapter = StringField("章节", validators=[Optional(), Length(max=200)])
    count = IntegerField("题数", validators=[Optional(), _between(1, 500)])
    points = FloatField("每题分值", default=1, validators=[Optional(), _between(0.1, 100)])

    def is_blank(self) -> bool:
        return not self.bank.data and not _raw_text(self.count)

    def check_complete(self) -> bool:
        """Say beside the row what a used row lacks; True when it can become a rule."""
        if self.is_blank():
            return False
        missing = False
        for field, message in ((self.bank, "请选择题库。"), (self.count, "请填写题数。"), (self.points, "请填写每题分值。")):
            if not field.errors and not field.data:
                field.errors = [*field.errors, message]
            missing = missing or bool(field.errors)
        return not missing and not any(f.errors for f in self)


def _department_id(value) -> int:
    """A department choice that is not a number (a forged request) is 0, which no department has,
    so it is refused like any other department the organiser cannot see."""
    return int(value) if str(value or "").isdigit() else 0


UNKNOWN_DEPARTMENT = "所选部门不存在或不在您的管理范围内，请刷新页面后重新选择。"


def _raw_text(field) -> str:
    return (field.raw_data or [""])[0].strip() if field.raw_data else ""


class ExamDefinitionForm(FlaskForm):
    """What an exam is, without its window: shared by 新建考试 and 新建定时计划 (a schedule's template)."""

    title = StringField("考试名称", validators=[DataRequired("请填写考试名称。"), Length(max=200)])
    mode = SelectField("考试方式", choices=list(MODES.items()))
    departments = SelectMultipleField("参考部门", coerce=_department_id, validate_choice=False)
    groups = SelectMultipleField("限定人员", validate_choice=False)
    duration_minutes = IntegerField("答题时长（分钟）", default=60,
                                    validators=[InputRequired("请填写答题时长。"), _between(1, 1440)])
    total_points = FloatField("总分", default=100, validators=[InputRequired("请填写总分。"), _between(1, 1000)])
    pass_mark = FloatField("合格线", default=60, validators=[InputRequired("请填写合格线。"), _between(0, 1000)])
    attempts_allowed = IntegerField("允许作答次数", default=1,
                                    validators=[InputRequired("请填写允许作答次数。"), _between(1, 10)])
    shuffle_questions = BooleanField("打乱题目顺序", default=True)
    shuffle_options = BooleanField("打乱选项顺序", default=True)
    partial_credit = BooleanField("多选题少选得一半分", default=False)
    ranked = BooleanField("竞赛（线上竞答：按成绩、用时排名，单位按平均分排名）", default=False)
    team_top_n = IntegerField("单位按前N名平均分排名（可空）", validators=[Optional(), _between(1, 1000)],
                              render_kw={"min": 1, "max": 1000, "step": 1, "inputmode": "numeric"})
    show_results = SelectField("成绩与答案显示", choices=list(SHOW_RESULTS.items()))
    start_delay_seconds = IntegerField(f"随机延迟进入（秒，0–{MAX_START_DELAY_SECONDS}，大规模考试错峰）", default=0,
                                       validators=[InputRequired("请填写随机延迟秒数（不需要填0）。"),
                                                   _between(0, MAX_START_DELAY_SECONDS)])
    rules = TextAreaField("考试须知", validators=[Optional(), Length(max=5000)])
    blueprint = FieldList(FormField(RuleForm), min_entries=1, max_entries=MAX_BLUEPRINT_ROWS)
    question_ids = TextAreaField("或指定题目（题目编号，用逗号或换行分隔）", validators=[Optional()])
    question_points = FloatField("指定题目每题分值", default=1, validators=[Optional(), _between(0.1, 100)])

    paper_errors: list[str]
    form_errors_extra: list[str]

    def setup(self, banks, departments, tags) -> ExamDefinitionForm:
        """Fill the choices from the database."""
        self.paper_errors, self.form_errors_extra = [], []
        self.departments.choices = [(d.id, d.path) for d in departments]
        self.groups.choices = [(g, g) for g in list(POLITICAL_STATUSES) + sorted(tags)]
        self.bank_choices = [(0, "请选择题库")] + [(b.id, b.name) for b in banks]
        for row in self.blueprint:
            row.bank.choices = self.bank_choices
        return self

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.ranked.data and self.team_top_n.errors:
            # Not a contest: N is not used, so what was typed into it refuses nothing.
            self.team_top_n.errors = []
            valid = not any(field.errors for field in self._all_fields())
        return valid

    # ---------------------------------------------------------------- the document

    def _used_rows(self) -> list:
        return [row.form for row in self.blueprint if not row.form.is_blank()]

    def paper_document(self) -> dict:
        rules = [{"bank": row.bank.data, "type": row.qtype.data, "count": row.count.data,
                  "points": row.points.data, "chapter": row.chapter.data or None}
                 for row in self._complete_rows]
        ids = [int(part) for part in re.split(r"[,，\s]+", self.question_ids.data or "") if part.isdigit()]
        paper = {"points": self.question_points.data or 1.0}
        if rules:
            paper["blueprint"] = rules
        if ids:
            paper["questions"] = ids
        return paper

    def definition_document(self, department_paths: dict[int, str]) -> dict:
        """The form's values as an exam document without its window; a field whose value could not
        be read is left out (its own error is already beside it). A department the organiser cannot
        see (deleted since the page was loaded, or a forged id) is refused beside the field: dropping
        it would silently widen or change who sits the exam."""
        chosen = list(self.departments.data or [])
        if any(i not in department_paths for i in chosen) and UNKNOWN_DEPARTMENT not in self.departments.errors:
            self.departments.errors = [*self.departments.errors, UNKNOWN_DEPARTMENT]
        document = {"title": self.title.data or "", "mode": self.mode.data,
                    "departments": _topmost([department_paths[i] for i in chosen if i in department_paths]),
                    "groups": list(self.groups.data or []), "paper": self.paper_document(),
                    "shuffle_questions": self.shuffle_questions.data, "shuffle_options": self.shuffle_options.data,
                    "partial_credit": self.partial_credit.data, "show_results": self.show_results.data,
                    "ranked": self.ranked.data, "rules": self.rules.data or ""}
        for name in ("duration_minutes", "total_points", "pass_mark", "attempts_allowed", "start_delay_seconds"):
            if getattr(self, name).data is not None:
                document[name] = getattr(self, name).data
        # N only means something for a contest. Left out when 竞赛 is unticked, so that an exam
        # being edited keeps its N should 竞赛 be ticked again (the ranking ignores it meanwhile).
        if self.ranked.data and not self.team_top_n.errors:
            document["team_top_n"] = self.team_top_n.data
        return document

    # ---------------------------------------------------------------- checking

    def read(self) -> bool:
        """WTForms' checks of the kinds of values, and what each blueprint row lacks; True when clean."""
        clean = self.validate()
        self._complete_rows = [row for row in self._used_rows() if row.check_complete()]
        return clean and len(self._complete_rows) == len(self._used_rows())

    def refuse(self, errors) -> None:
        """Put a refused definition's field errors ({"field", "message"}) beside the fields they name;
        a field that already shows a problem keeps only its own."""
        rows_failed = len(self._complete_rows) < len(self._used_rows())
        for error in errors:
            name, message = error["field"], error["message"]
            message = _FORM_WORDING.get(message, message)
            if name == "paper" and rows_failed:
                continue  # the rows say what they lack
            field = self._field_for(name)
            if field is None:
                target = self.paper_errors if name.startswith("paper") else self.form_errors_extra
                if message not in target:
                    target.append(message)
            elif not field.errors:
                field.errors = [_ROW_PREFIX.sub("", message)]
            self.refused = True

    def show_stored_problems(self, problems) -> None:
        """Put what a saved template's check found ({"field", "message"}) beside the fields, when the
        page opens: the rows are the template's own, one per rule, so a rule's errors land on its row
        (a bank gone since the template was saved shows beside that row's bank choice)."""
        self._complete_rows = [row.form for row in self.blueprint]
        self.refuse([{**p, "message": p["message"] + "请重新选择题库。"} if p["field"].endswith(".bank") else p
                     for p in problems])

    def has_errors(self) -> bool:
        return bool(getattr(self, "refused", False) or self.paper_errors or self.form_errors_extra
                    or any(f.errors for f in self._all_fields()))

    def _all_fields(self):
        for field in self:
            if isinstance(field, FieldList):
                for row in field:
                    yield from row.form
            else:
                yield field

    def _field_for(self, name: str):
        match = re.fullmatch(r"paper\.blueprint\[(\d+)\]\.(\w+)", name)
        if match:
            index, part = int(match[1]), {"type": "qtype"}.get(match[2], match[2])
            rows = self._complete_rows
            return getattr(rows[index], part, None) if index < len(rows) else None
        name = {"paper.questions": "question_ids", "paper.points": "question_points"}.get(name, name)
        return getattr(self, name, None) if name in self._fields else None

    def fill_from_document(self, document: dict, banks_by_name: dict[str, int], department_ids: dict[str, int]) -> None:
        """Pre-fill from an exam document (a schedule's template); a bank named that no longer exists
        stays unchosen and the check says so."""
        for name in ("title", "mode", "duration_minutes", "total_points", "pass_mark", "attempts_allowed",
                     "shuffle_questions", "shuffle_options", "partial_credit", "show_results",
                     "start_delay_seconds", "rules", "ranked", "team_top_n"):
            if name in document:
                getattr(self, name).data = document[name]
        if "shuffle" in document:
            self.shuffle_questions.data = self.shuffle_options.data = bool(document["shuffle"])
        self.departments.data = [department_ids[p] for p in document.get("departments") or [] if p in department_ids]
        self.groups.data = list(document.get("groups") or [])
        paper = document.get("paper") or {}
        rules = paper.get("blueprint") or []
        self._fill_rows([(_bank_ref(rule.get("bank"), banks_by_name), rule.get("type", "single"), rule.get("chapter"),
                          rule.get("count"), rule.get("points")) for rule in rules])
        if paper.get("questions"):
            self.question_ids.data = ", ".join(str(q) for q in paper["questions"])
            self.question_points.data = paper.get("points", 1)

    def _fill_rows(self, rows) -> None:
        while len(self.blueprint) > 0:
            self.blueprint.pop_entry()
        for bank, qtype, chapter, count, points in rows or [(0, "single", None, None, 1)]:
            entry = self.blueprint.append_entry()
            entry.form.bank.choices = self.bank_choices
            entry.form.bank.data, entry.form.qtype.data, entry.form.chapter.data = bank, qtype, chapter or ""
            entry.form.count.data, entry.form.points.data = count, points


def _topmost(paths: list[str]) -> list[str]:
    """The chosen departments without those inside another chosen one (a subtree is chosen whole)."""
    return [p for p in paths if not any(p.startswith(other + PATH_SEPARATOR) for other in paths)]


# The API's wording names the document's keys; the form says it in the page's own words.
_FORM_WORDING = {NO_PAPER: "请至少填写一行组卷规则，或指定题目。"}
_ROW_PREFIX = re.compile(r"^第\d+条组卷规则(的|中)?")


def _bank_ref(bank, banks_by_name: dict[str, int]) -> int:
    if isinstance(bank, int):
        return bank
    return banks_by_name.get(str(bank or "").strip(), 0)


class ExamForm(ExamDefinitionForm):
    """Create or edit an exam: the definition and its window."""

    opens_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写开始时间。")])
    closes_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写结束时间。")])

    def to_document(self, department_paths: dict[int, str]) -> dict:
        """The form's values as an exam document (the POST /api/v1/exams shape; times are local)."""
        document = self.definition_document(department_paths)
        for name in ("opens_at", "closes_at"):
            if self[name].data is not None:
                document[name] = self[name].data
        return document

    def checked_spec(self, actor, department_paths: dict[int, str], base: ExamSpec | None = None) -> ExamSpec | None:
        """The spec when everything is right; otherwise None, with every problem beside its field
        (checked as creating the exam checks, through ExamSpec.from_document). With ``base`` (editing),
        what the form has no field for is kept."""
        from .definitions import check_exam

        self.read()
        document = self.to_document(department_paths)
        spec = None
        try:
            spec = ExamSpec.from_document(document, base=base, check=False)
        except SpecError as error:
            self.refuse(error.extra.get("errors", ()))
            # What only the database tells (banks, counts, departments) is told too, with the
            # unreadable window or title stood in for.
            now = timeutil.now()
            document = {"title": "—", **document, "opens_at": now, "closes_at": now + timedelta(days=1)}
        try:
            check_exam(actor, spec or ExamSpec.from_document(document, check=False))
        except SpecError as error:
            self.refuse(error.extra.get("errors", ()))
        except ExamError as error:  # a department unknown or outside the organiser's scope
            self.refuse([{"field": "departments", "message": error.message}])
        return None if self.has_errors() else spec

    def fill_from(self, exam) -> None:
        """Pre-fill from an existing exam (editing)."""
        for name in ("title", "mode", "duration_minutes", "total_points", "pass_mark", "attempts_allowed",
                     "shuffle_questions", "shuffle_options", "partial_credit", "show_results", "start_delay_seconds",
                     "rules", "ranked", "team_top_n"):
            getattr(self, name).data = getattr(exam, name)
        self.opens_at.data = _local_naive(exam.opens_at)
        self.closes_at.data = _local_naive(exam.closes_at)
        self.departments.data = [d.id for d in exam.departments]
        self.groups.data = exam.groups
        self._fill_rows([(r.bank_id, r.type, r.chapter, r.count, r.points) for r in exam.rules_rows])
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
