"""WTForms' built-in messages in Chinese, in one place, for every form of the site.

WTForms writes its own messages ("Not a valid integer value.", "This field is required.")
in English and Flask-WTF translates them only through Flask-Babel, which this app does not
use. Every FlaskForm asks ``Meta.get_translations`` for its messages; ``install`` makes that
return ``MESSAGES`` so that no English message of the library reaches a page.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta

MESSAGES_BY_ID = {
    "Invalid field name '%s'.": "字段名“%s”无效。",
    "Field must be equal to %(other_name)s.": "两次填写的内容不一致。",
    "Field must be at least %(min)d character long.": "至少填写%(min)d个字。",
    "Field must be at least %(min)d characters long.": "至少填写%(min)d个字。",
    "Field cannot be longer than %(max)d character.": "不能超过%(max)d个字。",
    "Field cannot be longer than %(max)d characters.": "不能超过%(max)d个字。",
    "Field must be exactly %(max)d character long.": "应为%(max)d个字。",
    "Field must be exactly %(max)d characters long.": "应为%(max)d个字。",
    "Field must be between %(min)d and %(max)d characters long.": "应为%(min)d到%(max)d个字。",
    "Number must be at least %(min)s.": "不能小于%(min)s。",
    "Number must be at most %(max)s.": "不能大于%(max)s。",
    "Number must be between %(min)s and %(max)s.": "应在%(min)s到%(max)s之间。",
    "Date must be at least %(min)s.": "日期不能早于%(min)s。",
    "Date must be at most %(max)s.": "日期不能晚于%(max)s。",
    "Date must be between %(min)s and %(max)s.": "日期应在%(min)s到%(max)s之间。",
    "This field is required.": "请填写此项。",
    "Invalid input.": "填写的内容无效。",
    "Invalid email address.": "电子邮件地址无效。",
    "Invalid IP address.": "IP 地址无效。",
    "Invalid Mac address.": "MAC 地址无效。",
    "Invalid URL.": "网址无效。",
    "Invalid UUID.": "编号格式无效。",
    "Invalid value, must be one of: %(values)s.": "只能是以下之一：%(values)s。",
    "Invalid value, can't be any of: %(values)s.": "不能是以下任何一项：%(values)s。",
    "This field cannot be edited.": "此项不能修改。",
    "This field is disabled and cannot have a value.": "此项已停用，不能填写。",
    "Invalid CSRF Token.": "页面已过期，请刷新后重试。",
    "CSRF token missing.": "页面已过期，请刷新后重试。",
    "CSRF failed.": "页面已过期，请刷新后重试。",
    "CSRF token expired.": "页面已过期，请刷新后重试。",
    "Invalid Choice: could not coerce.": "请从列表中选择。",
    "Choices cannot be None.": "没有可选的项目。",
    "Not a valid choice.": "请从列表中选择。",
    "Invalid choice(s): one or more data inputs could not be coerced.": "请从列表中选择。",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s”不是可选的项目。",
    "'%(value)s' are not valid choices for this field.": "“%(value)s”不是可选的项目。",
    "Not a valid datetime value.": "请填写有效的日期和时间。",
    "Not a valid date value.": "请填写有效的日期。",
    "Not a valid time value.": "请填写有效的时间。",
    "Not a valid week value.": "请填写有效的周。",
    "Not a valid integer value.": "请填写整数。",
    "Not a valid decimal value.": "请填写数字。",
    "Not a valid float value.": "请填写数字。",
}
# A message the table does not know yet is still not shown in English.
FALLBACK = "填写的内容无效。"


class ChineseMessages:
    """The gettext interface WTForms calls for its messages."""

    def gettext(self, string: str) -> str:
        return MESSAGES_BY_ID.get(string, FALLBACK)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


MESSAGES = ChineseMessages()


def _chinese(self, form) -> ChineseMessages:
    return MESSAGES


def install() -> None:
    """Make every form speak Chinese: FlaskForm's Meta and WTForms' own (sub-forms of a FormField)."""
    FlaskForm.Meta.get_translations = _chinese
    DefaultMeta.get_translations = _chinese
