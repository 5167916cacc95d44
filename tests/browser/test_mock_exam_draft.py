"""A mock exam keeps its answers across a reload, then grades them; while its clock runs it is
in the exam page's focused mode (no site menu, no tab bar, no 退出; leaving asks first)."""
import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.browser.test_officer_phone_layout import assert_fits, shot
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

    # The focused mode: nothing leads away but 离开, which asks first.
    expect(page.locator("[data-timer-text]")).to_be_visible()
    expect(page.get_by_role("navigation", name="底部导航")).to_have_count(0)
    expect(page.get_by_role("navigation", name="主导航")).to_have_count(0)
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    page.get_by_label("选项B").check()
    page.get_by_label("正确").check()
    assert_fits(page)
    shot(page, "mock")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    for locator in (page.locator("[data-timer-text]"), page.get_by_role("button", name="交卷")):
        box = locator.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
    page.get_by_role("link", name="离开").click()
    expect(page.get_by_role("alertdialog", name="离开模拟考试？")).to_be_visible()
    shot(page, "mock-leave")
    page.get_by_role("button", name="继续答题").click()
    expect(page.get_by_role("alertdialog", name="离开模拟考试？")).to_be_hidden()
    assert "/mock/" in page.url

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("选项B")).to_be_checked()
    expect(page.get_by_label("正确")).to_be_checked()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_role("status")).to_contain_text("得分 100")
    # Handed in: the site's navigation is back.
    expect(page.get_by_role("navigation", name="底部导航")).to_be_visible()
    # The draft is gone once the paper is in: a new mock starts blank.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('quizapp-mock-')).length") == 0
