"""An officer takes an online contest (a ranked exam) on a 390 px phone and sees the ranking;
the organiser's ranking refreshes itself while the contest is open."""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from quizapp.exams import definitions
from quizapp.exams.models import Exam
from quizapp.extensions import db
from quizapp.roster.models import Officer
from tests.browser.conftest import DESKTOP, PHONE, _page, browser_login
from tests.exam_factories import make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.online_contest_factories import ranked_exam, sit

pytestmark = pytest.mark.browser
# Set SHOTS_DIR to keep screenshots of the ranking (never in the repository).
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


def shoot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


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
    # one question at a time once the page's script has run (before it, all are shown)
    expect(page.locator("section.question:visible")).to_have_count(1)

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


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def any_page(request, browser):
    options = PHONE if request.param == 390 else {**DESKTOP, "viewport": {"width": 1280, "height": 900}}
    context, page = _page(browser, options)
    yield page
    context.close()


def test_the_organisers_ranking_refreshes_itself_until_the_contest_closes(live_app, live_server, any_page):
    with live_app.app_context():
        bank = make_bank(single=10, judge=10)
        organiser = make_organiser()
        officers = [make_officer(name=name, department=department) for name, department in
                    (("张伟", "市公安局/治安大队"), ("刘洋", "市公安局/刑侦大队"), ("陈静", "市公安局/刑侦大队"))]
        exam = ranked_exam(bank, organiser)
        for officer, right in zip(officers[:2], (8, 6)):
            sit(officer, exam, right=right, seconds=400)
        exam_id, late_id, organiser_id = exam.id, officers[2].id, organiser.id
        db.session.remove()
    page = any_page
    page.clock.install()  # the 30 s between refreshes pass at once
    browser_login(page, live_server, "700001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/manage/contests/online/{exam_id}")
    expect(page.locator("#ranking-state")).to_have_text("实时排名，每30秒更新")
    people = page.locator("table.ranking").nth(1).locator("tbody tr")
    expect(people.first).to_contain_text("张伟")

    with live_app.app_context():
        sit(db.session.get(Officer, late_id), db.session.get(Exam, exam_id), right=10, seconds=300)
        db.session.remove()
    page.clock.fast_forward("00:31")
    expect(people.first).to_contain_text("陈静")  # no reload: the table came by itself
    expect(people).to_have_count(3)
    shoot(page, "ranking-live")

    with live_app.app_context():
        definitions.close_exam(db.session.get(Officer, organiser_id), db.session.get(Exam, exam_id))
        db.session.remove()
    page.clock.fast_forward("00:31")
    expect(page.locator("#ranking-state")).to_have_text("最终排名")
    expect(page.locator("#ranking-live")).not_to_have_attribute("data-live-url", re.compile("."))
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
