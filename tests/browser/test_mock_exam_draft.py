"""A mock exam keeps its answers across a reload, then grades them."""
import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.practice_factories import make_practice_bank

pytestmark = pytest.mark.browser


def test_mock_exam_answers_survive_a_reload(live_app, live_server, phone_page):
    with live_app.app_context():
        make_officer(badge="380001", name="钱模考")
        bank = make_practice_bank(chapters={"第一章 总纲": ["single", "judge"]})
        bank_id = bank.id
        db.session.remove()
    page = phone_page
    browser_login(page, live_server, "380001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/practice/banks/{bank_id}")
    page.get_by_role("button", name="开始模拟考试").click()

    page.get_by_label("选项B").check()
    page.get_by_label("正确").check()
    page.reload()
    expect(page.get_by_label("选项B")).to_be_checked()
    expect(page.get_by_label("正确")).to_be_checked()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_role("status")).to_contain_text("得分 100")
    # The draft is gone once the paper is in: a new mock starts blank.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('quizapp-mock-')).length") == 0
