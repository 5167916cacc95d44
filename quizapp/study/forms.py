"""Publishing form for study materials."""
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class MaterialForm(FlaskForm):
    """A study material: title, series, date, HTML body, optional departments."""

    title = StringField("标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    series = StringField("系列（如 政治学习三十分，可不填）", validators=[Length(max=50)])
    published_on = DateField("发布日期", validators=[DataRequired("请填写发布日期")])
    # Written in the rich-text editor (study_editor.js), which keeps this field current;
    # without JavaScript it is a plain box for HTML. Empty is allowed when a PDF is attached.
    body = TextAreaField("正文", validators=[Optional()])
    departments = SelectMultipleField("面向部门（不选为全局；含下级部门）", coerce=int)
