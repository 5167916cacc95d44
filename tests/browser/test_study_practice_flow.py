"""On a phone: read a study material for a few (fast-forwarded) minutes, then practise a bank."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from quizapp import timeutil
from quizapp.extensions import db
from quizapp.periods import local_day
from quizapp.study.materials import MaterialInput, save_material
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.practice_factories import make_practice_bank

pytestmark = pytest.mark.browser


def beat(page, clock, seconds: int) -> dict:
    """Move the server's clock on and let the page send its heartbeat now (instead of in 30 s)."""
    clock.shift(timedelta(seconds=seconds))
    with page.expect_response("**/api/v1/study/heartbeat") as response:
        page.evaluate("window.quizappStudyBeat()")
    return response.value.json()


def test_officer_reads_a_material_for_minutes_and_practises_a_bank(live_app, live_server, phone_page):
    with live_app.app_context():
        admin = make_officer(badge="370001", role="admin", name="周管理")
        make_officer(badge="370002", name="赵学习")
        save_material(admin, MaterialInput(title="政治学习三十分：第1期", series="政治学习三十分",
                                           body="<p>坚持把党的政治建设摆在首位。</p>", published_on=local_day()))
        make_practice_bank()
        db.session.remove()
    page = phone_page
    browser_login(page, live_server, "370002", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="底部导航").get_by_role("link", name="学习").click()
    expect(page.get_by_text("未读（1）")).to_be_visible()

    # The server's clock runs on from now and jumps ahead; it never goes back, so the
    # session cookie signed during the jump stays valid to the end of the test.
    with time_machine.travel(timeutil.now(), tick=True) as clock:
        with page.expect_response("**/api/v1/study/heartbeat") as first:
            page.get_by_role("link", name="政治学习三十分：第1期").click()
        assert first.value.json()["credited_seconds"] == 0  # the first beat only starts the clock
        expect(page.get_by_text("坚持把党的政治建设摆在首位")).to_be_visible()
        credited = [beat(page, clock, 30)["credited_seconds"] for _ in range(6)]
        assert all(29 <= c <= 31 for c in credited), credited
        # A long silence (the phone slept) credits nothing.
        assert beat(page, clock, 600)["credited_seconds"] == 0
        # Hidden pages report once and then stop; nothing is credited for that.
        with page.expect_response("**/api/v1/study/heartbeat") as hidden:
            page.evaluate("Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
                          "document.dispatchEvent(new Event('visibilitychange'))")
        assert hidden.value.request.post_data_json["visible"] is False
        assert hidden.value.json()["credited_seconds"] == 0
        assert page.locator("[data-today-minutes]").inner_text() == "3"

        page.goto(f"{live_server}/")
        expect(page.get_by_text("今日（分钟）")).to_be_visible()

        # Practice: bank → sequential → answer with the real radio button → feedback → next.
        page.get_by_role("navigation", name="底部导航").get_by_role("link", name="练习").click()
        page.get_by_role("link", name="党章练习题库").click()
        page.get_by_role("link", name="顺序练习").click()
        expect(page.get_by_text("第 1 / 5 题")).to_be_visible()
        page.get_by_label("选项A").check()
        page.get_by_role("button", name="提交答案").click()
        expect(page.get_by_text("✘ 回答错误")).to_be_visible()
        expect(page.get_by_text("第1题的解析")).to_be_visible()
        page.get_by_role("button", name="☆ 收藏").click()
        expect(page.get_by_role("button", name="★ 取消收藏")).to_be_visible()
        page.get_by_role("link", name="下一题").click()
        expect(page.get_by_text("第 2 / 5 题")).to_be_visible()
        page.get_by_label("选项A").check()
        page.get_by_label("选项C").check()
        page.get_by_role("button", name="提交答案").click()
        expect(page.get_by_text("✔ 回答正确")).to_be_visible()
        page.get_by_role("link", name="下一题").click()
        expect(page.get_by_text("第 3 / 5 题")).to_be_visible()
        page.get_by_label("正确", exact=True).check()
        page.get_by_role("button", name="提交答案").click()
        expect(page.get_by_text("✔ 回答正确")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # The wrong answer is waiting in the wrong-answer book.
        page.goto(f"{live_server}/practice/")
        page.get_by_role("link", name="党章练习题库").click()
        expect(page.get_by_text("3/5").first).to_be_visible()
        page.get_by_role("link", name="错题本（1）").click()
        expect(page.get_by_text("党章练习题库第1题（single）")).to_be_visible()
