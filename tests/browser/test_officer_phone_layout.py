"""An officer's app on a phone (360 and 390 px) and a desktop (1280 px): the bottom tab bar or the
top menu, nothing wider than the screen, the exam page that asks before it is left, and the result
page's 只看错题.

With QUIZAPP_SHOTS=<folder> the tests also save full-page screenshots of each page there."""
from __future__ import annotations

import os
import pathlib

import pytest
from playwright.sync_api import expect

from quizapp.exams import attempts, definitions, saving
from quizapp.exams.spec import RuleSpec
from quizapp.extensions import db
from quizapp.notifications.services import notify
from quizapp.periods import local_day
from quizapp.study.materials import MaterialInput, save_material
from tests.browser.conftest import browser_login
from tests.exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer, wrong_answer
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.practice_factories import make_practice_bank

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QUIZAPP_SHOTS")
# The officer's pages and the tab each belongs to.
PAGES = (("/", "首页", "home"), ("/study/", "学习", "study"), ("/practice/", "练习", "practice"),
         ("/exams", "考试", "exams"), ("/me", "我的", "me"))


def shot(page, name: str) -> None:
    """A full-page screenshot when QUIZAPP_SHOTS names a folder (never into the repository)."""
    if SHOTS:
        width = page.viewport_size["width"]
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def assert_fits(page) -> None:
    """Nothing is wider than the screen: the page never scrolls sideways."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = page.evaluate("""w => [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.width && (r.right > w + 1 || r.left < -1);
      }).filter(e => !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className).slice(0, 5)""", width)
    assert wide == []


def world(live_app) -> dict:
    """An officer with a material, a practice bank, two open exams (one already sat: 3 right, 2 wrong), messages."""
    with live_app.app_context():
        admin = make_officer(badge="390009", role="admin", name="周管理")
        officer = make_officer(badge="390001", name="欧阳晓明", department="市公安局/城南派出所")
        save_material(admin, MaterialInput(title="政治学习三十分：第1期", series="政治学习三十分",
                                           body="<p>坚持把党的政治建设摆在首位。</p>", published_on=local_day()))
        make_practice_bank()
        bank = make_bank(single=6, judge=4)
        organiser = make_organiser()
        blueprint = (RuleSpec(bank.id, "single", 3, 10), RuleSpec(bank.id, "judge", 2, 10))
        sat = definitions.create_exam(organiser, exam_spec(bank, title="2026年第四季度全员普测",
                                                           departments=("市公安局/城南派出所",), blueprint=blueprint))
        running = definitions.create_exam(organiser, exam_spec(bank, title="2026年12月执法规范化专项测试",
                                                               departments=("市公安局/城南派出所",), blueprint=blueprint))
        attempt = attempts.start_attempt(officer, sat)
        db.session.commit()
        for n, item in enumerate(items_of(attempt.id)):
            answer = right_answer(item) if n in (0, 2, 4) else wrong_answer(item)
            saving.save_answer(officer.id, attempt.id, item.question_id, answer, 1)
        attempts.submit_attempt(attempt.id)
        notify([officer.id], "exam", "考试提醒", "2026年12月执法规范化专项测试已开始")
        db.session.commit()
        ids = {"result": attempt.id, "running": running.id}
        db.session.remove()
    return ids


@pytest.mark.parametrize("width", [360, 390])
def test_phone_has_the_tab_bar_and_nothing_overflows(live_app, live_server, phone_page, width):
    ids = world(live_app)
    page = phone_page
    page.set_viewport_size({"width": width, "height": 780})
    # the first page is the login form, with no warning and no tab bar yet
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.locator(".flash")).to_have_count(0)
    expect(page.get_by_role("navigation", name="底部导航")).to_have_count(0)
    assert_fits(page)
    shot(page, "login")
    browser_login(page, live_server, "390001", DEFAULT_PASSWORD)
    tabbar = page.get_by_role("navigation", name="底部导航")
    for path, tab, name in PAGES:
        page.goto(f"{live_server}{path}")
        expect(tabbar).to_be_visible()
        expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
        expect(tabbar.locator("a[aria-current=page] .tab-label")).to_have_text(tab)
        assert_fits(page)
        # the end of the page scrolls clear of the fixed tab bar
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        last = page.locator("main > *:last-child").bounding_box()
        assert last["y"] + last["height"] <= tabbar.bounding_box()["y"] + 1
        shot(page, name)
    # the unread messages show on 我的, and 我的 holds messages, points, password and 退出
    expect(tabbar.get_by_role("link", name="我的").locator(".tab-badge")).to_have_text("3")  # 2 new exams, 1 reminder
    page.goto(f"{live_server}/me")
    for text in ("消息", "积分", "修改密码"):
        expect(page.locator("main").get_by_role("link", name=text)).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.goto(f"{live_server}/attempts/{ids['result']}/result")
    assert_fits(page)
    shot(page, "result")


def test_desktop_shows_the_top_menu_and_no_tab_bar(live_app, live_server, browser):
    ids = world(live_app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    try:
        browser_login(page, live_server, "390001", DEFAULT_PASSWORD)
        for path, _tab, name in PAGES:
            page.goto(f"{live_server}{path}")
            menu = page.get_by_role("navigation", name="主导航")
            expect(menu).to_be_visible()
            expect(menu.get_by_role("link", name="我的考试")).to_be_visible()
            expect(page.get_by_role("navigation", name="底部导航")).to_be_hidden()
            expect(page.locator("header.site").get_by_role("button", name="退出")).to_be_visible()
            assert_fits(page)
            shot(page, name)
        page.goto(f"{live_server}/attempts/{ids['result']}/result")
        expect(page.locator(".result-facts")).to_be_visible()
        shot(page, "result")
        # the exam page is focused on a desktop too: no menu, no 退出
        page.goto(f"{live_server}/exams/{ids['running']}")
        page.get_by_role("button", name="开始考试").click()
        expect(page.get_by_role("navigation", name="主导航")).to_have_count(0)
        expect(page.get_by_role("button", name="退出")).to_have_count(0)
        expect(page.get_by_role("button", name="交卷")).to_be_visible()
        shot(page, "exam")
    finally:
        context.close()


def test_only_wrong_answers_hides_the_right_ones(live_app, live_server, phone_page):
    ids = world(live_app)
    page = phone_page
    browser_login(page, live_server, "390001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/attempts/{ids['result']}/result")
    expect(page.locator("#correct-count")).to_have_text("答对 3 / 共 5 题")
    reviews = page.locator("details.review")
    expect(reviews).to_have_count(5)
    expect(reviews.first).not_to_have_attribute("open", "")
    page.get_by_label("只看错题（2）").check()
    expect(page.locator("details.review:visible")).to_have_count(2)
    expect(page.locator("details.review.ok:visible")).to_have_count(0)
    expect(page.locator("details.review.bad").first).to_have_attribute("open", "")
    shot(page, "result-only-wrong")
    page.get_by_label("只看错题（2）").uncheck()
    expect(page.locator("details.review:visible")).to_have_count(5)
    # a question opens with a tap on its line
    page.locator("details.review.ok summary").first.click()
    expect(page.locator("details.review.ok").first.get_by_text("正确答案：")).to_be_visible()


@pytest.mark.parametrize("width", [360, 390])
def test_the_exam_page_is_focused_and_asks_before_it_is_left(live_app, live_server, phone_page, width):
    ids = world(live_app)
    page = phone_page
    page.set_viewport_size({"width": width, "height": 700})
    browser_login(page, live_server, "390001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/exams/{ids['running']}")
    page.get_by_role("button", name="开始考试").click()
    expect(page.locator("#countdown")).to_be_visible()
    # no site menu, no tab bar, no 退出
    expect(page.get_by_role("navigation", name="底部导航")).to_have_count(0)
    expect(page.get_by_role("navigation", name="主导航")).to_have_count(0)
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    page.locator("section.question:visible label.choice").first.click()
    expect(page.locator("#save-status")).to_have_text("已保存")
    assert_fits(page)
    shot(page, "exam")
    # the countdown and 交卷 stay on screen at the bottom of a long page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    for locator in (page.locator("#countdown"), page.get_by_role("button", name="交卷")):
        box = locator.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= 700
    # a link asks in the page; 继续答题 stays
    page.get_by_role("link", name="离开").click()
    expect(page.get_by_role("alertdialog", name="离开考试页面？")).to_be_visible()
    page.get_by_role("button", name="继续答题").click()
    expect(page.get_by_role("alertdialog", name="离开考试页面？")).to_be_hidden()
    assert "/attempts/" in page.url
    # closing or reloading the tab gets the browser's own question
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.goto(f"{live_server}/")
    assert dialogs == ["beforeunload"]
    # and going back in, the link then leaves after 确认离开
    page.goto(f"{live_server}/exams/{ids['running']}")
    with page.expect_navigation():  # until the page's scripts have run and guard the links
        page.get_by_role("button", name="继续答题").click()
    page.get_by_role("link", name="离开").click()
    page.get_by_role("button", name="确认离开").click()
    expect(page).to_have_url(f"{live_server}/exams")


def test_an_organiser_on_a_phone_reaches_the_management_pages_through_me(live_app, live_server, phone_page):
    world(live_app)
    page = phone_page
    page.set_viewport_size({"width": 360, "height": 780})
    browser_login(page, live_server, "700001", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="底部导航").get_by_role("link", name="我的").click()
    manage = page.get_by_role("list", name="管理")
    for label in ("题库管理", "考试管理", "统计报表", "定时计划"):
        expect(manage.get_by_role("link", name=label)).to_be_visible()
    assert_fits(page)
    shot(page, "me-organiser")
    manage.get_by_role("link", name="考试管理").click()
    expect(page).to_have_url(f"{live_server}/manage/exams")
    tabbar = page.get_by_role("navigation", name="底部导航")
    expect(tabbar.locator("a[aria-current=page] .tab-label")).to_have_text("我的")
