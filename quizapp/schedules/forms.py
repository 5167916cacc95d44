"""Schedule forms."""
import json

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

DEFAULT_TEMPLATE = {
    "title": "{year}年第{quarter}季度政治理论知识测试",
    "mode": "full",
    "paper": {"blueprint": [{"bank": "政治理论", "type": "single", "count": 20, "points": 3},
                            {"bank": "政治理论", "type": "judge", "count": 20, "points": 2}]},
    "pass_mark": 60,
    "duration_minutes": 30,
    "show_results": "immediately",
}


class ScheduleForm(FlaskForm):
    """Create or edit a schedule: the exam template and the calendar rule."""

    name = StringField("计划名称", validators=[DataRequired("请填写计划名称"), Length(max=200)])
    template = TextAreaField("考试模板（JSON，与创建考试接口相同，不含开放时间；随机抽测加 draw）",
                             validators=[DataRequired("请填写考试模板")])
    month = StringField("月份", default="1,4,7,10", validators=[DataRequired(), Length(max=40)])
    day = StringField("日（如 1st mon 表示第一个周一）", default="1st mon", validators=[DataRequired(), Length(max=40)])
    day_of_week = StringField("星期（* 为不限）", default="*", validators=[DataRequired(), Length(max=40)])
    hour = IntegerField("时", default=9, validators=[InputRequired("请填写时"), NumberRange(0, 23, "时应在0到23之间")])
    minute = IntegerField("分", default=0, validators=[InputRequired("请填写分"), NumberRange(0, 59, "分应在0到59之间")])
    open_days = IntegerField("开放天数", default=7,
                             validators=[InputRequired("请填写开放天数"), NumberRange(1, 90, "开放天数应在1到90之间")])

    def validate_template(self, field):
        try:
            value = json.loads(field.data)
        except ValueError as error:
            raise ValidationError(f"模板不是有效的 JSON：{error}") from None
        if not isinstance(value, dict):
            raise ValidationError("模板必须是 JSON 对象。")
        field.parsed = value


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""
