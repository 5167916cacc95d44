"""The draw form on a phone: headcounts first, a number per department, errors beside the box."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.exams import definitions
from quizapp.exams.models import Candidate
from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser


def test_organiser_draws_fixed_counts_per_department_on_a_phone(live_app, live_server, phone_page):
    with live_app.app_context():
        bank = make_bank()
        organiser = make_organiser()
        for unit, count in (("治安大队", 5), ("刑侦大队", 3)):
            for _ in range(count):
                make_officer(department=f"市公安局/{unit}")
        exam = definitions.create_exam(organiser, exam_spec(
            bank, mode="sample", departments=("市公安局/治安大队", "市公安局/刑侦大队")))
        exam_id, badge = exam.id, organiser.badge
        db.session.remove()

    page = phone_page
    browser_login(page, live_server, badge, DEFAULT_PASSWORD)
    page.goto(f"{live_server}/manage/exams/{exam_id}/draw")
    small, large = page.get_by_label("刑侦大队"), page.get_by_label("治安大队")
    expect(page.locator("tr", has=small).locator("td").nth(1)).to_have_text("3")
    expect(small).to_be_disabled()  # only for 指定各部门人数
    page.get_by_label("分配方式").select_option(label="指定各部门人数")
    small.fill("4")
    large.fill("2")
    expect(page.locator("#fixed-total")).to_have_text("6")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="预览分配").click()
    expect(page.locator("#" + small.get_attribute("id") + "-err")).to_have_text("该部门只有3名在岗民警。")
    expect(page.get_by_label("刑侦大队")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("刑侦大队").fill("3")
    page.get_by_role("button", name="预览分配").click()
    expect(page.get_by_text("共抽取5人")).to_be_visible()
    page.get_by_role("button", name="确认抽取").click()
    expect(page.get_by_text("已抽取5名考生")).to_be_visible()
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 5
        db.session.remove()
