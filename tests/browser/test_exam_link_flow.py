"""An exam's link and QR code in a real browser: the organiser copies the link and the
code on the page and the A4 notice scans to it; a phone opening it logs in and lands on
the exam's intro page."""
import pytest
from playwright.sync_api import expect

from quizapp.exams import definitions
from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.qr_reader import read_qr

pytestmark = pytest.mark.browser

TITLE = "第一季度政治理论测试"


def _exam(live_app) -> tuple[int, str]:
    with live_app.app_context():
        organiser = make_organiser()
        make_officer(badge="300002", name="李警官", department="市公安局/治安大队")
        exam = definitions.create_exam(organiser, exam_spec(make_bank(), title=TITLE, departments=("市公安局/治安大队",)))
        ids = exam.id, exam.link_code
        db.session.remove()
    return ids


def test_organiser_copies_the_link_and_the_page_and_notice_codes_scan_to_it(live_app, live_server, desktop_page):
    exam_id, code = _exam(live_app)
    link = f"{live_server}/k/{code}"
    page = desktop_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    browser_login(page, live_server, "700001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/manage/exams/{exam_id}")
    expect(page.get_by_role("textbox", name="考试链接")).to_have_value(link)
    page.get_by_role("button", name="复制链接").click()
    expect(page.get_by_role("status")).to_have_text("链接已复制，可粘贴到工作群。")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert read_qr(page.locator(".exam-link-qr svg").screenshot()) == link

    page.goto(f"{live_server}/manage/exams/{exam_id}/notice")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    assert read_qr(page.locator(".code svg").screenshot()) == link
    assert page.locator(".link").inner_text() == link


def test_copy_falls_back_to_selecting_the_link_without_the_clipboard_api(live_app, live_server, desktop_page):
    exam_id, code = _exam(live_app)
    page = desktop_page
    browser_login(page, live_server, "700001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/manage/exams/{exam_id}")
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.get_by_role("button", name="复制链接").click()
    expect(page.get_by_role("status")).to_contain_text("复制")
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == f"{live_server}/k/{code}"


def test_a_phone_opening_the_link_logs_in_and_lands_on_the_intro(live_app, live_server, phone_page):
    _, code = _exam(live_app)
    page = phone_page
    page.goto(f"{live_server}/k/{code}")
    page.get_by_label("警号").fill("300002")
    page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("button", name="开始考试")).to_be_visible()
