"""On a phone: options come in the officer's own order; after a wrong answer the right option is green
and the wrong choice red on the options themselves, and the key names the right option by letter and text.
The same question in the wrong-answer book shows its options in the same order."""
import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.practice_factories import make_practice_bank

pytestmark = pytest.mark.browser
GREEN, RED = "rgb(232, 245, 233)", "rgb(253, 236, 234)"


def option_texts(page) -> list[str]:
    return [text.split(".", 1)[1].strip() for text in page.locator(".answer-inputs label.choice").all_inner_texts()]


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_practice_feedback_marks_the_options(live_app, live_server, phone_page):
    with live_app.app_context():
        make_officer(badge="370002", name="赵学习")
        make_practice_bank(chapters={"第一章 总纲": ["single", "multiple"]})
        db.session.remove()
    page = phone_page
    browser_login(page, live_server, "370002", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="底部导航").get_by_role("link", name="练习").click()
    page.get_by_role("link", name="党章练习题库").click()
    page.get_by_role("link", name="顺序练习").click()
    order = option_texts(page)
    assert sorted(order) == ["选项A", "选项B", "选项C", "选项D"]
    right_letter = "ABCD"[order.index("选项B")]  # the key is 选项B, whatever letter it has here
    wrong_letter = "ABCD"[order.index("选项A")]
    page.locator("label.choice", has_text="选项A").click()
    page.get_by_role("button", name="提交答案").click()

    expect(page.get_by_role("status").filter(has_text="回答错误")).to_be_visible()
    right = page.locator("label.choice", has_text="选项B")
    wrong = page.locator("label.choice", has_text="选项A")
    expect(right).to_contain_text("✔ 正确答案")
    expect(wrong).to_contain_text("✘ 你的选择")
    assert background(right) == GREEN and background(wrong) == RED
    assert background(page.locator("label.choice", has_text="选项C")) != GREEN
    expect(page.locator(".key-line")).to_have_text(f"正确答案：{right_letter}. 选项B")
    assert wrong_letter != right_letter
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The multiple-choice question answered right: its right options green, nothing red.
    page.get_by_role("link", name="下一题").click()
    for text in ("选项A", "选项C"):
        page.locator("label.choice", has_text=text).click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.get_by_role("status").filter(has_text="回答正确")).to_be_visible()
    assert page.locator("label.choice.right").count() == 2 and page.locator("label.choice.wrong").count() == 0

    # The wrong-answer book serves the first question again, options in the same order.
    page.goto(page.url.split("/practice/")[0] + "/practice/")
    page.get_by_role("link", name="党章练习题库").click()
    page.get_by_role("link", name="错题本").click()
    assert option_texts(page) == order
