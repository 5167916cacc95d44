"""Questions tied to their source, end to end in a browser: an admin cites a source on the question form,
an organiser records on a phone that the document was amended, the questions citing the amended article
are flagged 待复核, and the admin keeps one and edits the other from the review queue."""
import pytest
from playwright.sync_api import expect

from quizapp.banks import services
from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser


def test_source_amendment_and_review(live_app, live_server, desktop_page, phone_page):
    with live_app.app_context():
        make_officer(badge="100001", name="周建国", role="admin", department="市公安局")
        make_officer(badge="700001", name="林组织", role="organiser", department="市公安局/政治处")
        bank = services.create_bank(None, "党章题库", "theory")
        services.create_question(None, bank, services.QuestionInput(
            "judge", "党员必须坚持党和人民的利益高于一切。", [], "对", explanation="党员义务。", chapter="第一章 党员",
            source_document="中国共产党章程", source_article="第三条"))
        services.create_question(None, bank, services.QuestionInput(
            "judge", "党的最高理想和最终目标是实现共产主义。", [], "对", explanation="总纲。", chapter="总纲",
            source_document="中国共产党章程", source_article="总纲"))
        bank_id = bank.id
        db.session.remove()

    admin = desktop_page
    browser_login(admin, live_server, "100001", DEFAULT_PASSWORD)
    admin.goto(f"{live_server}/admin/banks/{bank_id}")
    admin.get_by_role("link", name="添加试题").click()
    admin.get_by_label("题型").select_option("judge")
    admin.get_by_label("题干").fill("党员有权在党的会议上参加关于党的政策问题的讨论。")
    admin.get_by_label("正确", exact=True).check()
    admin.get_by_label("解析").fill("党员权利。")
    admin.get_by_label("章节").fill("第一章 党员")
    admin.get_by_label("文件名称（不带书名号）").fill("《中国共产党章程》")
    admin.get_by_label("条款").fill("第 四 条")
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.get_by_text("《中国共产党章程》第四条")).to_be_visible()
    organiser = phone_page
    browser_login(organiser, live_server, "700001", DEFAULT_PASSWORD)
    organiser.goto(f"{live_server}/admin/banks/{bank_id}")
    organiser.get_by_role("link", name="按出处查看").click()
    document = organiser.locator("section.source-document", has_text="《中国共产党章程》")
    expect(document.get_by_role("link", name="第三条")).to_be_visible()
    expect(document.get_by_role("link", name="总纲")).to_be_visible()
    document.get_by_text("记录此文件的修订…").click()
    document.get_by_label("修订日期").fill("2022-10-22")
    document.get_by_label("修改的条款").fill("第三条、第四条")
    document.get_by_label("说明").fill("党的二十大部分修改")
    document.get_by_role("button", name="记录修订").click()
    expect(organiser.get_by_text("2道试题待复核")).to_be_visible()
    expect(organiser.get_by_role("heading", name="待复核试题")).to_be_visible()
    assert organiser.locator(".review-item").count() == 2
    expect(organiser.get_by_text("复核由题库管理员完成").first).to_be_visible()
    assert organiser.evaluate("document.documentElement.scrollWidth") <= 390

    admin.goto(f"{live_server}/admin/banks/{bank_id}")
    expect(admin.get_by_text("2道试题引用的条款已修订")).to_be_visible()
    admin.get_by_role("link", name="去复核").click()
    kept = admin.locator(".review-item", has_text="利益高于一切")
    expect(kept.get_by_text("2022年10月22日修订：第三条、第四条（党的二十大部分修改）")).to_be_visible()
    kept.get_by_role("button", name="保留").click()
    expect(admin.get_by_text("已复核：此题保留")).to_be_visible()
    edited = admin.locator(".review-item", has_text="参加关于党的政策问题的讨论")
    edited.get_by_role("link", name="编辑").click()
    expect(admin.get_by_text("此题依据的文件已修订")).to_be_visible()
    assert admin.get_by_label("已按修订后的条文核对此题").is_checked()
    admin.get_by_label("题干").fill("党员有权在党的会议上和党报党刊上，参加关于党的政策问题的讨论。")
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.get_by_text("已解除待复核")).to_be_visible()
    expect(admin.get_by_text("没有待复核的试题")).to_be_visible()
    admin.goto(f"{live_server}/admin/audit")
    expect(admin.get_by_text("记录《中国共产党章程》于2022年10月22日修订")).to_be_visible()