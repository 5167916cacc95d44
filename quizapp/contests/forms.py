"""Live-contest forms: the definition with its round rows, joining by code, corrections."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import DecimalField, FieldList, Form, FormField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .live_setup import MAX_POINTS, MAX_SECONDS, LiveContestSpec, RoundSpec
from .models import ROUND_KINDS, TEAM_SCORING
from .online import PrizeRule

ROUND_ROWS = 4
# The rounds of a hall contest as the bureau runs them: 必答, then 抢答, then 风险.
DEFAULT_ROUNDS = (("required", 10, 20, 0), ("buzz", 20, 15, 10), ("risk", 0, 20, 0))


def _bank_id(value) -> int:
    """An empty bank choice is 0."""
    return int(value) if str(value or "").isdigit() else 0


def parse_question_ids(text: str) -> tuple[int, ...]:
    """"12, 15 18；20" → (12, 15, 18, 20); ValueError for anything but numbers."""
    parts = [p for p in re.split(r"[\s,，、;；]+", text or "") if p]
    if not all(p.isdigit() for p in parts):
        raise ValueError("题目编号只能是数字，用逗号或空格分隔。")
    return tuple(int(p) for p in parts)


class RoundForm(Form):
    """One round; a row with neither a bank nor question ids is ignored."""

    kind = SelectField("题型", choices=list(ROUND_KINDS.items()), validate_choice=False)
    bank = SelectField("题库", coerce=_bank_id, validate_choice=False)
    count = IntegerField("题数", validators=[Optional(), NumberRange(1, 200)])
    question_ids = StringField("或指定题目编号", validators=[Optional(), Length(max=2000)])
    points = IntegerField("每题分值", validators=[Optional(), NumberRange(0, MAX_POINTS)])
    seconds = IntegerField("作答时间（秒）", validators=[Optional(), NumberRange(1, MAX_SECONDS)])
    penalty = IntegerField("抢答答错扣分", validators=[Optional(), NumberRange(0, MAX_POINTS)])

    def validate_question_ids(self, field):
        try:
            parse_question_ids(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    @property
    def used(self) -> bool:
        return bool(self.bank.data or (self.question_ids.data or "").strip())


class LiveContestForm(FlaskForm):
    """Create a live contest."""

    title = StringField("竞赛名称", validators=[DataRequired("请填写竞赛名称"), Length(max=200)])
    team_scoring = SelectField("代表队得分", choices=list(TEAM_SCORING.items()), default="sum")
    rounds = FieldList(FormField(RoundForm), min_entries=ROUND_ROWS, max_entries=ROUND_ROWS)

    def setup(self, banks) -> LiveContestForm:
        """Offer the banks; prefill the usual three rounds on a fresh form."""
        choices = [(0, "（不用题库）")] + [(b.id, b.name) for b in banks]
        for row in self.rounds:
            row.bank.choices = choices
        return self

    def prefill(self, bank_id: int | None) -> None:
        """The usual three rounds of five questions, from the given bank."""
        for row, (kind, points, seconds, penalty) in zip(self.rounds, DEFAULT_ROUNDS):
            row.kind.data, row.points.data, row.seconds.data, row.penalty.data = kind, points, seconds, penalty
            row.count.data, row.bank.data = 5, bank_id

    def to_spec(self) -> LiveContestSpec:
        rounds = tuple(
            RoundSpec(kind=row.kind.data, points=row.points.data or 0, seconds=row.seconds.data or 0,
                      penalty=row.penalty.data or 0, bank_id=row.bank.data or None,
                      count=row.count.data or 0 if row.bank.data else 0,
                      question_ids=parse_question_ids(row.question_ids.data) if not row.bank.data else ())
            for row in self.rounds if row.used)
        return LiveContestSpec(title=self.title.data, rounds=rounds, team_scoring=self.team_scoring.data)


class JoinForm(FlaskForm):
    """Type the six-digit code from the big screen."""

    code = StringField("竞赛码", validators=[DataRequired("请输入大屏幕上的6位竞赛码"), Length(6, 6, "竞赛码是6位数字")],
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 6})


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""


PRIZE_BASES = {"counts": "按人数", "shares": "按比例（%）"}


class PrizeForm(FlaskForm):
    """The prize rule of a 获奖名单 (read from the query string: the list is a view, not a record)."""

    basis = SelectField("评奖方式", choices=list(PRIZE_BASES.items()), default="counts")
    first = DecimalField("一等奖", default=1, places=None, validators=[Optional(), NumberRange(0, 1000, "应在0到1000之间。")])
    second = DecimalField("二等奖", default=2, places=None, validators=[Optional(), NumberRange(0, 1000, "应在0到1000之间。")])
    third = DecimalField("三等奖", default=3, places=None, validators=[Optional(), NumberRange(0, 1000, "应在0到1000之间。")])
    organisation = IntegerField("优秀组织奖（单位数）", default=1,
                                validators=[Optional(), NumberRange(0, 100, "应在0到100之间。")])

    def rule(self) -> PrizeRule:
        """The rule the form describes (blank numbers count as 0)."""
        return PrizeRule(self.basis.data, *(float(f.data or 0) for f in (self.first, self.second, self.third)),
                         organisation=self.organisation.data or 0)
