"""Bank forms: import, bank details, deletion and the type-aware question form."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .models import CATEGORIES, DIFFICULTY_LABELS
from .services import DUPLICATE_MODES, QuestionInput
from .types import OPTION_KEYS, TYPE_LABELS, has_options

CATEGORY_CHOICES = list(CATEGORIES.items())
DIFFICULTY_CHOICES = list(DIFFICULTY_LABELS.items())


class BankImportForm(FlaskForm):
    """Upload a bank file for preview."""

    file = FileField("题库文件", validators=[FileRequired("请选择文件")])
    bank_name = StringField("导入到题库（已有题库名称，或新题库名称；JSON文件可留空）",
                            validators=[Optional(), Length(max=100)])
    category = SelectField("新题库的分类", choices=CATEGORY_CHOICES, default="theory")
    valid_only = BooleanField("只导入无误的题目（有错误的行跳过）")
    on_duplicate = RadioField("重复的题目（题型、题干和选项都相同）", choices=list(DUPLICATE_MODES.items()), default="skip")


class ImportConfirmForm(FlaskForm):
    """Confirm a previewed import."""

    token = HiddenField(validators=[DataRequired()])


class BankForm(FlaskForm):
    """A bank's name, category and description."""

    name = StringField("题库名称", validators=[DataRequired("请填写题库名称"), Length(max=100)])
    category = SelectField("分类", choices=CATEGORY_CHOICES)
    description = TextAreaField("说明", validators=[Optional(), Length(max=2000)])


class DeleteBankForm(FlaskForm):
    """Type the bank's name to delete it."""

    confirm_name = StringField("请输入题库名称以确认删除", validators=[DataRequired("请输入题库名称")])


class ActionForm(FlaskForm):
    """A bare CSRF-protected button."""


class ChineseDateField(DateField):
    """A date whose parse error is Chinese (WTForms' own message is English)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("日期应为“年-月-日”，如 2022-10-22。") from None


class AmendmentForm(FlaskForm):
    """Record that a cited document was amended."""

    document = HiddenField(validators=[DataRequired("缺少文件名称")])
    amended_on = ChineseDateField("修订日期", validators=[InputRequired("请填写修订日期")],
                           render_kw={"max": "2100-12-31", "min": "1949-10-01"})
    articles = TextAreaField("修改的条款（用顿号或换行分隔，如：第三条、第四十条、总纲；不填表示全文修订）",
                             validators=[Optional(), Length(max=2000)])
    note = TextAreaField("说明（可选，如修订的会议或文号）", validators=[Optional(), Length(max=1000)])


class QuestionForm(FlaskForm):
    """One question; the sections shown depend on the type (banks.js), all are submitted."""

    type = SelectField("题型", choices=list(TYPE_LABELS.items()))
    stem = TextAreaField("题干", validators=[DataRequired("请填写题干"), Length(max=5000)])
    correct = SelectMultipleField("正确选项", choices=[(k, k) for k in OPTION_KEYS], validate_choice=False)
    judge = RadioField("正确答案", choices=[("true", "正确"), ("false", "错误")], validate_choice=False)
    blanks = TextAreaField("各空答案（每行一个空；同一空的多个可接受答案用“/”分隔）", validators=[Optional()])
    any_order = BooleanField("各空答案顺序不限（乱序），如“四大名著是____、____、____、____”")
    explanation = TextAreaField("解析", validators=[Optional(), Length(max=5000)])
    chapter = StringField("章节", validators=[Optional(), Length(max=200)])
    difficulty = SelectField("难度", choices=DIFFICULTY_CHOICES, coerce=int, default=2)
    tags = StringField("标签（逗号分隔）", validators=[Optional(), Length(max=500)])
    source_document = StringField("文件名称（不带书名号）", validators=[Optional(), Length(max=200)])
    source_article = StringField("条款", validators=[Optional(), Length(max=100)])
    # Shown only on a question awaiting review (待复核).
    reviewed = BooleanField("已按修订后的条文核对此题，保存后解除“待复核”", default=False)

    def option_names(self) -> list[str]:
        return [f"option_{k}" for k in OPTION_KEYS]

    def to_input(self, options: list[str]) -> QuestionInput:
        """The submitted values as the service's input."""
        type_ = self.type.data
        if has_options(type_):
            answer = "".join(sorted(self.correct.data or []))
        elif type_ == "judge":
            answer = {"true": "正确", "false": "错误"}.get(self.judge.data or "", "")
        else:
            answer = "|".join(line.strip() for line in (self.blanks.data or "").splitlines() if line.strip())
        return QuestionInput(
            type=type_, stem=self.stem.data or "", options=options if has_options(type_) else [],
            answer=answer, explanation=self.explanation.data or "", chapter=self.chapter.data or "",
            difficulty=self.difficulty.data or 2, tags=self.tags.data or "",
            source_document=self.source_document.data or "", source_article=self.source_article.data or "",
            any_order=type_ == "fill" and bool(self.any_order.data),
        )


# Which form field shows a service error about a column.
COLUMN_FIELDS = {"题型": "type", "题干": "stem", "解析": "explanation", "章节": "chapter", "难度": "difficulty",
                 "出处": "source_document", "标签": "tags"}
