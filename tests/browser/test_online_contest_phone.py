"""An officer takes an online contest (a ranked exam) on a 390 px phone and sees the ranking."""
import re

import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.exam_factories import make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.online_contest_factories import ranked_exam, sit

pytestmark = pytest.mark.browser


def test_officer_takes_the_contest_on_a_phone_and_sees_his_place(live_app, live_server, phone_page):
    with live_app.app_context():
        bank = make_bank(single=10, judge=10)
        organiser = make_organiser()
        make_officer(badge="300002", name="李警官", department="市公安局/治安大队")
        others = [make_officer(name=name, department=department) for name, department in
                  (("张伟", "市公安局/治安大队"), ("刘洋", "市公安局/刑侦大队"), ("陈静", "市公安局/刑侦大队"))]
        exam = ranked_exam(bank, organiser)
        for officer, right in zip(others, (9, 8, 6)):
            sit(officer, exam, right=right, seconds=400)
        db.session.remove()
    page = phone_page
    browser_login(page, live_server, "300002", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="底部导航").get_by_role("link", name="考试").click()
    expect(page.locator(".exam-card .tag", has_text="竞赛")).to_be_visible()
    page.get_by_role("link", name="进入考试").click()
    page.get_by_role("button", name="开始考试").click()

    # every question answered right: single choice 选项A, true/false 正确 (the bank's keys)
    count = page.locator("section.question").count()
    for index in range(count):
        question = page.locator("section.question:visible")
        if question.get_attribute("data-type") == "single":
            question.get_by_label(re.compile("选项A$")).check()
        else:
            question.get_by_label("正确").check()
        if index < count - 1:
            page.get_by_role("button", name="下一题").click()
    expect(page.locator("#save-status")).to_have_text("已保存")
    page.get_by_role("button", name="交卷").click()
    page.get_by_role("button", name="确认交卷").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    assert page.locator("#score").inner_text() == "100"

    page.get_by_role("link", name="查看竞赛排名").click()
    expect(page.locator("#my-rank")).to_have_text("第1名")
    mine = page.locator("table.ranking tr.mine")
    expect(mine).to_contain_text("李警官")
    expect(mine.locator(".medal.m1")).to_be_visible()
    rows = page.locator("table.ranking").first.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text("张伟")
    expect(page.get_by_text("实时排名")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
