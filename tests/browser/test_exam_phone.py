"""An officer sits an exam on a phone: answers, loses the network, reloads midway, submits, sees the score."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.exams import definitions

from quizapp.exams.spec import RuleSpec
from quizapp.exams.models import Answer
from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser


def _answer_current(page, qtype):
    """Answer the visible question right: the bank's key is 选项A (single), A+C (multiple), 正确, 答案."""
    question = page.locator("section.question:visible")
    if qtype == "single":
        question.get_by_label(re.compile("选项A$")).check()
    elif qtype == "multiple":
        question.get_by_label(re.compile("选项A$")).check()
        question.get_by_label(re.compile("选项C$")).check()
    elif qtype == "judge":
        question.get_by_label("正确").check()
    else:
        question.get_by_label("第1空").fill("答案")
        question.get_by_label("第1空").blur()


def test_officer_answers_reloads_midway_without_losing_an_answer_and_sees_the_score(live_app, live_server, phone_page):
    with live_app.app_context():
        bank = make_bank(single=4, multiple=2, judge=2, fill=2)
        organiser = make_organiser()
        make_officer(badge="300002", name="李警官", department="市公安局/治安大队")
        exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), blueprint=(
            RuleSpec(bank.id, "single", 2, 1), RuleSpec(bank.id, "multiple", 1, 1),
            RuleSpec(bank.id, "judge", 1, 1), RuleSpec(bank.id, "fill", 1, 1))))
        exam_id = exam.id
        db.session.remove()
    page = phone_page
    browser_login(page, live_server, "300002", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="底部导航").get_by_role("link", name="考试").click()
    page.get_by_role("link", name="进入考试").click()
    page.get_by_role("button", name="开始考试").click()
    assert page.locator("#countdown").inner_text().startswith(("29:", "30:"))

    types = page.locator("section.question").evaluate_all("els => els.map(e => e.dataset.type)")
    assert len(types) == 5
    for qtype in types[:2]:
        _answer_current(page, qtype)
        page.get_by_role("button", name="下一题").click()
    expect(page.locator("#save-status")).to_have_text("已保存")

    # the network drops: the answer is kept on the phone and the page says so
    page.context.set_offline(True)
    _answer_current(page, types[2])
    page.locator("#offline-notice").wait_for(state="visible")
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("已保存", timeout=20_000)

    page.set_viewport_size({"width": 360, "height": 740})  # the narrowest phones still fit
    page.once("dialog", lambda dialog: dialog.accept())  # leaving a running exam asks first
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # after the reload the same question is shown and every answer given is still there
    assert page.locator("section.question:visible").get_attribute("data-index") == "2"
    page.get_by_role("button", name="答题卡").click()
    assert page.locator(".answer-grid .cell.answered").count() == 3
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3
        db.session.remove()

    for qtype in types[3:]:
        page.get_by_role("button", name="下一题").click()
        _answer_current(page, qtype)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("所有题目均已作答")).to_be_visible()
    page.get_by_role("button", name="确认交卷").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    expect(page.get_by_text("得分")).to_be_visible()
    assert page.locator("#score").inner_text() == "100"
    expect(page.get_by_text("合格", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert exam_id
