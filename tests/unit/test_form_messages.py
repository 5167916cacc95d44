"""WTForms' own messages reach pages in Chinese, never in English."""
import re
from pathlib import Path

import wtforms
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, FloatField, IntegerField, SelectField
from wtforms.validators import DataRequired
from werkzeug.datastructures import MultiDict

from quizapp.form_messages import MESSAGES_BY_ID

CATALOGUE = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def test_every_message_of_the_installed_wtforms_has_a_chinese_text():
    ids = re.findall(r'^msgid(?:_plural)? "(.+)"$', CATALOGUE.read_text(encoding="utf-8"), re.M)
    assert ids
    missing = [i for i in ids if i not in MESSAGES_BY_ID]
    assert missing == []
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in MESSAGES_BY_ID.values())


class _Form(FlaskForm):
    count = IntegerField()
    points = FloatField()
    when = DateTimeLocalField(format="%Y-%m-%dT%H:%M")
    kind = SelectField(choices=[("a", "甲")])
    name = wtforms.StringField(validators=[DataRequired()])


def test_a_form_with_bad_values_says_so_in_chinese(app):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"count": "x", "points": "y", "when": "bad", "kind": "z"}), meta={"csrf": False})
        assert not form.validate()
        messages = [m for errors in form.errors.values() for m in errors]
        assert set(messages) >= {"请填写整数。", "请填写数字。", "请填写有效的日期和时间。", "请从列表中选择。", "请填写此项。"}
        assert not any(re.search(r"[A-Za-z]{3}", m) for m in messages)
