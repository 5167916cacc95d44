"""The schedule form: the exam form's controls (a template of the exam), a calendar rule chosen
from the rules the bureau uses, the time and the days open. No JSON on the page."""
from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..exams.forms import ExamDefinitionForm
from ..exams.forms import _between as between  # the exam form's range check, in Chinese
from ..exams.models import ALLOCATIONS
from .rules import WEEKDAY_NAMES

RULE_KINDS = {"quarterly": "每季度第一个周一", "monthly": "每月第N个周X", "weekly": "每周X", "date": "指定日期"}
CUSTOM_RULE = ("custom", "保持原有规则")  # offered only for a rule set through the API that fits none of the kinds
NTH = {"1st": "第一个", "2nd": "第二个", "3rd": "第三个", "4th": "第四个", "last": "最后一个"}
QUARTER_MONTHS = "1,4,7,10"
# The placeholders a title may use, with what people call them.
TITLE_PARTS = {"{year}": "年份", "{quarter}": "季度", "{month}": "月份", "{date}": "日期"}


class ScheduleForm(ExamDefinitionForm):
    """Create or edit a schedule: the exam it makes each period, and when."""

    name = StringField("计划名称", validators=[DataRequired("请填写计划名称。"), Length(max=200)])
    draw_size = IntegerField("抽取人数", validators=[Optional(), between(1, 100000)])
    draw_allocation = SelectField("分配方式", choices=[(k, v) for k, v in ALLOCATIONS.items() if k != "fixed"],
                                  default="proportional")
    rule_kind = SelectField("重复方式", choices=list(RULE_KINDS.items()), default="quarterly")
    nth = SelectField("第几个", choices=list(NTH.items()), default="1st")
    weekday = SelectField("星期", choices=list(WEEKDAY_NAMES.items()), default="mon")
    months = SelectMultipleField("月份（不选为每月）", choices=[(str(m), f"{m}月") for m in range(1, 13)],
                                 validate_choice=True)
    day_of_month = IntegerField("日", default=1, validators=[Optional(), between(1, 31)])
    at = TimeField("时间", default=time(9, 0), validators=[InputRequired("请填写时间。")])
    open_days = IntegerField("开放天数", default=7,
                             validators=[InputRequired("请填写开放天数。"), between(1, 90)])

    def setup_rule(self, schedule=None) -> None:
        """Offer 保持原有规则 when the schedule's rule fits none of the kinds (set through the API)."""
        self.custom_rule = None
        if schedule is not None and _kind_of(schedule) is None:
            self.custom_rule = schedule
            self.rule_kind.choices = [*self.rule_kind.choices, CUSTOM_RULE]

    def rule_fields(self) -> tuple[str, str, str]:
        """(month, day, day_of_week) of the cron rule chosen."""
        kind = self.rule_kind.data
        if kind == "quarterly":
            return QUARTER_MONTHS, "1st mon", "*"
        if kind == "monthly":
            return "*", f"{self.nth.data} {self.weekday.data}", "*"
        if kind == "weekly":
            return "*", "*", self.weekday.data
        if kind == "date":
            months = ",".join(sorted(self.months.data or [], key=int)) or "*"
            return months, str(self.day_of_month.data or 1), "*"
        schedule = self.custom_rule
        return schedule.month, schedule.day, schedule.day_of_week

    def fill_rule(self, schedule) -> None:
        """Pre-fill the rule choices from a saved schedule."""
        kind = _kind_of(schedule) or "custom"
        self.rule_kind.data = kind
        if kind == "monthly":
            self.nth.data, self.weekday.data = schedule.day.split()
        elif kind == "weekly":
            self.weekday.data = schedule.day_of_week
        elif kind == "date":
            self.months.data = [] if schedule.month == "*" else schedule.month.split(",")
            self.day_of_month.data = int(schedule.day)
        self.at.data = time(schedule.hour, schedule.minute)
        self.open_days.data = schedule.open_days

    def template(self, department_paths: dict[int, str]) -> dict:
        """The exam template (the exam document without its window; ``draw`` for a sample)."""
        document = self.definition_document(department_paths)
        if self.mode.data == "sample":
            document["draw"] = {"size": self.draw_size.data, "allocation": self.draw_allocation.data}
        return document

    def fill_draw(self, template: dict) -> None:
        draw = template.get("draw") or {}
        self.draw_size.data = draw.get("size")
        if draw.get("allocation") in dict(self.draw_allocation.choices):
            self.draw_allocation.data = draw["allocation"]

    def refuse(self, errors) -> None:
        """Field errors of the schedule (its own fields and the template's) beside their fields."""
        fields = {"draw.size": "draw_size", "rule": "rule_kind"}
        super().refuse([{**e, "field": fields.get(e["field"], e["field"])} for e in errors])


def _kind_of(schedule) -> str | None:
    month, day, weekday = schedule.month, schedule.day, schedule.day_of_week
    parts = day.split()
    if (month, day, weekday) == (QUARTER_MONTHS, "1st mon", "*"):
        return "quarterly"
    if month == "*" and weekday == "*" and len(parts) == 2 and parts[0] in NTH and parts[1] in WEEKDAY_NAMES:
        return "monthly"
    if month == "*" and day == "*" and weekday in WEEKDAY_NAMES:
        return "weekly"
    months = month.split(",")
    if weekday == "*" and day.isdigit() and 1 <= int(day) <= 31 and (
            month == "*" or all(m.isdigit() and 1 <= int(m) <= 12 for m in months)):
        return "date"
    return None


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""
