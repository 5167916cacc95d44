"""Logging in, the forced password change and logging out, on a phone."""
import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.browser.test_officer_phone_layout import shot
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser


def test_officer_logs_in_changes_initial_password_and_logs_out(live_app, live_server, phone_page):
    with live_app.app_context():
        make_officer(badge="300001", name="王小明", must_change_password=True)
        db.session.remove()
    page = phone_page

    browser_login(page, live_server, "300001", "wrong-password")
    expect(page.get_by_text("警号或密码不正确")).to_be_visible()
    browser_login(page, live_server, "300001", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("请先设置自己的密码")).to_be_visible()
    # Every other page sends him back here until he has changed it.
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    # Nothing there leads anywhere but the form and 退出, which a phone shows too.
    assert page.get_by_role("navigation").count() == 0
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    shot(page, "password-forced")

    page.get_by_label("当前密码").fill(DEFAULT_PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Xinmima2026")
    page.get_by_label("再次输入新密码").fill("Xinmima2026")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()  # waits for the page after the redirect
    expect(page.get_by_role("heading", name="您好，王小明")).to_be_visible()
    # The page fits a phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # On a phone 退出 is on 我的, as in the mini-programs.
    page.get_by_role("navigation", name="底部导航").get_by_role("link", name="我的").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    browser_login(page, live_server, "300001", "Xinmima2026")
    expect(page.get_by_role("heading", name="您好，王小明")).to_be_visible()