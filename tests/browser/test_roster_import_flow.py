"""An admin imports the bureau's roster in a browser and sees a broken file rejected."""
import io

import pytest
from playwright.sync_api import expect

from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.roster_files import bureau_rows, xlsx_bytes

pytestmark = pytest.mark.browser


def test_admin_imports_roster_after_a_rejected_one(live_app, live_server, desktop_page, tmp_path):
    with live_app.app_context():
        make_officer(badge="100001", name="周建国", role="admin", department="市公安局")
        db.session.remove()
    broken_rows = bureau_rows(99)
    broken_rows[40][2] = ""
    broken = tmp_path / "名单（有错）.xlsx"
    broken.write_bytes(xlsx_bytes(broken_rows))
    good = tmp_path / "名单.xlsx"
    good.write_bytes(xlsx_bytes(bureau_rows(99)))
    page = desktop_page

    browser_login(page, live_server, "100001", DEFAULT_PASSWORD)
    page.get_by_role("link", name="导入名单").first.click()
    page.get_by_label("名单文件（xlsx、xls或csv）").set_input_files(str(broken))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("文件中有1处错误，整个文件都不会导入")).to_be_visible()
    row = page.locator("tr", has_text="部门不能为空")
    assert row.locator("td").first.inner_text() == "42"  # header is row 1, rows[40] is row 42

    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("名单文件（xlsx、xls或csv）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    assert page.locator(".stats .card", has_text="新增").locator(".stat").inner_text() == "99"
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增99人")).to_be_visible()
    expect(page.get_by_role("heading", name="初始密码（仅显示这一次，请妥善转交本人）")).to_be_visible()
    page.get_by_role("link", name="查看人员").click()
    expect(page.get_by_text("共100条")).to_be_visible()
def test_admin_downloads_the_initial_passwords_and_prints_one_slip_each(live_app, live_server, desktop_page, tmp_path):
    from openpyxl import load_workbook

    with live_app.app_context():
        make_officer(badge="100001", name="周建国", role="admin", department="市公安局")
        db.session.remove()
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes(xlsx_bytes(bureau_rows(5)))
    page = desktop_page
    browser_login(page, live_server, "100001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/admin/roster/import")
    page.get_by_label("名单文件（xlsx、xls或csv）").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_role("button", name="确认导入").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载初始密码（Excel）").click()
    assert download.value.suggested_filename == "初始密码5人.xlsx"
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes()))["初始密码"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5 and all(len(row[3]) >= 8 for row in rows)

    page.emulate_media(media="print")
    slips = page.locator(".slip")
    assert slips.count() == 5
    assert slips.first.is_visible() and rows[0][3] in slips.first.inner_text()
    assert page.locator(".slip-qr").first.evaluate("img => img.complete && img.naturalWidth > 0")
    # On paper: only the slips, two a row, nothing of the site around them.
    assert not page.locator("header.site").is_visible() and not page.get_by_text("导入完成").is_visible()
    first, second = slips.nth(0).bounding_box(), slips.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"]
    assert slips.first.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
