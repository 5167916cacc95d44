"""The live board on a phone: counts refresh in place, open the names, remind one department."""
import pytest
from playwright.sync_api import expect

from quizapp.exams import attempts, definitions
from quizapp.extensions import db
from quizapp.roster.models import Officer
from tests.browser.conftest import browser_login
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser


def test_organiser_watches_the_board_refresh_and_opens_the_names_of_those_answering(live_app, live_server,
                                                                                    phone_page):
    with live_app.app_context():
        bank = make_bank()
        organiser = make_organiser()
        for name, unit in (("甲", "治安大队"), ("乙", "治安大队"), ("丙", "刑侦大队")):
            make_officer(name=name, department=f"市公安局/{unit}")
        exam = definitions.create_exam(organiser, exam_spec(
            bank, departments=("市公安局/治安大队", "市公安局/刑侦大队")))
        exam_id, badge = exam.id, organiser.badge
        db.session.remove()

    page = phone_page
    browser_login(page, live_server, badge, DEFAULT_PASSWORD)
    page.goto(f"{live_server}/manage/exams/{exam_id}/board")
    answering = page.locator('.stats [data-key="in_progress"]')
    expect(answering).to_have_text("0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with live_app.app_context():
        from quizapp.exams.models import Exam

        officer = db.session.scalar(db.select(Officer).where(Officer.name == "甲"))
        attempts.start_attempt(officer, db.session.get(Exam, exam_id))
        db.session.remove()
    # The board refreshes itself every 15 s and whenever the page becomes visible again.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(answering).to_have_text("1")
    expect(page.locator('.stats [data-key="not_started"]')).to_have_text("2")
    row = page.locator('tr[data-department="市公安局/治安大队"]')
    expect(row.locator('[data-key="in_progress"]')).to_have_text("1")

    page.get_by_role("link", name="治安大队答题中名单").click()
    expect(page.get_by_role("heading", name="答题中名单")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("甲")

    page.get_by_role("link", name="未开始").click()
    page.get_by_label("部门").select_option(label="刑侦大队")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共1人（刑侦大队）")).to_be_visible()
    page.get_by_role("button", name="提醒刑侦大队未开始人员").click()
    expect(page.get_by_text("已提醒刑侦大队的1名未参考人员。")).to_be_visible()
