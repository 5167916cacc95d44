"""An admin previews a bank file in a browser, sees its counts and errors, then imports it."""
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser

HEADER = ["题干（必填）", "题型 （必填）", "选项 A", "选项 B", "选项C", "选项D", "正确答案（必填）", "解析（勿删）", "章节（勿删）"]
ROWS = [
    ["人民警察的任务包括维护国家安全。", "判断题", "对", "错", "", "", "A", "人民警察法第二条", "第一章"],
    ["人民警察是军队。", "判断题", "对", "错", "", "", "B", "", "第一章"],
    ["警衔制度由哪部法律规定？", "单选题", "人民警察法", "治安管理处罚法", "", "", "A", "", "第四章"],
    ["人民警察的义务包括（ ）。", "多选题", "秉公执法", "文明执勤", "徇私枉法", "", "AB", "", "第四章"],
    ["人民警察法于（ ）年通过。", "填空题", "", "", "", "", "1995", "", "第一章"],
]


def kaoshibao_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["说明：请勿修改表头"])
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_admin_previews_then_imports_a_kaoshibao_file(live_app, live_server, desktop_page, tmp_path):
    with live_app.app_context():
        make_officer(badge="100001", name="周建国", role="admin", department="市公安局")
        db.session.remove()
    broken = tmp_path / "考试宝（有错）.xlsx"
    broken.write_bytes(kaoshibao_xlsx(ROWS + [["坏题", "单选题", "甲", "乙", "", "", "E", "", ""]]))
    good = tmp_path / "考试宝.xlsx"
    good.write_bytes(kaoshibao_xlsx(ROWS))
    page = desktop_page

    browser_login(page, live_server, "100001", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="题库管理").click()
    page.get_by_role("link", name="导入题库").click()
    page.get_by_label("题库文件").set_input_files(str(broken))
    page.get_by_label("导入到题库").fill("人民警察法")
    page.get_by_label("新题库的分类").select_option("regulations")
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("文件中有1处错误，整个文件都不会导入")).to_be_visible()
    assert page.locator("tr", has_text="不是已有的选项").locator("td").first.inner_text().startswith("第8行 第G列")
    assert page.get_by_role("button", name="确认导入").count() == 0

    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("题库文件").set_input_files(str(good))
    page.get_by_label("导入到题库").fill("人民警察法")
    page.get_by_role("button", name="上传并预览").click()
    counts = page.locator("#import-counts")
    assert counts.locator(".card", has_text="判断").locator(".stat").inner_text() == "2"
    assert counts.locator(".card", has_text="多选").locator(".stat").inner_text() == "1"
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入题库“人民警察法”：新增5题")).to_be_visible()
    expect(page.get_by_role("heading", name="人民警察法")).to_be_visible()
    expect(page.get_by_text("人民警察法于（ ）年通过。")).to_be_visible()
def test_preview_on_a_phone_shows_the_questions_read_with_their_answers(live_app, live_server, phone_page, tmp_path):
    with live_app.app_context():
        make_officer(badge="100001", name="周建国", role="admin", department="市公安局")
        db.session.remove()
    path = tmp_path / "考试宝.xlsx"
    path.write_bytes(kaoshibao_xlsx(ROWS))
    page = phone_page
    browser_login(page, live_server, "100001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/admin/banks/import")
    page.get_by_label("题库文件").set_input_files(str(path))
    page.get_by_label("导入到题库").fill("人民警察法")
    page.get_by_role("button", name="上传并预览").click()
    single = page.locator("#sample-single")
    expect(single.get_by_text("警衔制度由哪部法律规定？")).to_be_visible()
    assert single.locator("li.right").inner_text().startswith("A. 人民警察法")
    expect(page.locator("#sample-judge").get_by_text("答案：错误")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
