"""Each question type renders its own input through the registry's macro."""
import re

from flask import render_template_string

TEMPLATE = ('{% from "questions/_inputs.html" import answer_inputs %}'
            '{{ answer_inputs(q, "answer", given=given, blanks=blanks, disabled=disabled) }}')
OPTIONS = [{"key": "A", "text": "甲"}, {"key": "B", "text": "乙"}, {"key": "C", "text": "丙"}]


def render(app, q, given=None, blanks=None, disabled=False) -> str:
    with app.test_request_context():
        return render_template_string(TEMPLATE, q=q, given=given, blanks=blanks, disabled=disabled)


def checked_values(html: str) -> list[str]:
    return re.findall(r'value="([^"]*)" checked', html)


def test_single_is_radio_buttons_with_labels(app):
    html = render(app, {"type": "single", "options": OPTIONS}, given="B")
    assert html.count('type="radio"') == 3 and "<b class=\"okey\">C.</b> 丙</label>" in html
    assert checked_values(html) == ["B"]


def test_multiple_is_checkboxes(app):
    html = render(app, {"type": "multiple", "options": OPTIONS}, given=["A", "C"])
    assert html.count('type="checkbox"') == 3 and checked_values(html) == ["A", "C"]


def test_judge_offers_right_and_wrong(app):
    html = render(app, {"type": "judge", "options": []}, given=False)
    assert "正确</label>" in html and "错误</label>" in html and checked_values(html) == ["false"]


def test_fill_has_one_text_box_per_blank_and_keeps_answers(app):
    html = render(app, {"type": "fill", "options": []}, given=["四"], blanks=2, disabled=True)
    assert html.count('type="text"') == 2 and "第2空" in html and 'value="四"' in html
    assert html.count("disabled") == 2
