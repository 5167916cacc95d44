"""An organiser writes a material in the editor with an uploaded image and a PDF; an officer reads it on a phone."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from playwright.sync_api import expect

from quizapp import timeutil
from quizapp.extensions import db
from quizapp.study.models import StudyMaterial
from tests.browser.conftest import browser_login
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.study_files import pdf_bytes, png_bytes

pytestmark = pytest.mark.browser


def paste(page, html: str | None = None, png: bytes | None = None) -> None:
    """Paste into the editor as the browser would (a paste event carrying HTML or an image file)."""
    page.get_by_role("textbox", name="正文").focus()
    page.evaluate("""([html, png]) => {
        const data = new DataTransfer();
        if (html) { data.setData("text/html", html); }
        if (png) {
            const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
            data.items.add(new File([bytes], "截图.png", {type: "image/png"}));
        }
        const area = document.querySelector("[data-rte-area]");
        area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", [html, base64.b64encode(png).decode() if png else None])


def write_material(page, base_url: str, tmp_path) -> None:
    """Through the editor: a heading, bold text, a list, an uploaded image and an attached PDF."""
    image = tmp_path / "会场照片.png"
    image.write_bytes(png_bytes(320, 200, (30, 90, 200)))
    pdf = tmp_path / "学习辅导.pdf"
    pdf.write_bytes(pdf_bytes(["Page one of the study notes", "Page two", "Page three"]))

    page.goto(f"{base_url}/study/manage/new")
    page.get_by_label("标题").fill("党章学习：第一讲")
    editor = page.get_by_role("textbox", name="正文")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    editor.click()
    page.keyboard.type("第一部分 总纲")
    page.get_by_role("button", name="标题", exact=True).click()
    expect(page.get_by_role("button", name="标题", exact=True)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="正文", exact=True).click()
    page.get_by_role("button", name="加粗").click()
    page.keyboard.type("重点")
    page.get_by_role("button", name="加粗").click()
    page.keyboard.type("：坚持党的领导。")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="列表", exact=True).click()
    page.keyboard.type("第一条")
    page.keyboard.press("Enter")
    page.keyboard.type("第二条")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # leaves the list
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="插入图片").click()
    with page.expect_response("**/study/manage/files") as uploaded:
        chooser.value.set_files(str(image))
    assert uploaded.value.status == 201
    expect(editor.locator("img")).to_have_count(1)
    # the picture is served back and drawn (it may still be loading when it is inserted)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=editor.locator("img").element_handle())
    assert editor.locator("img").evaluate("img => img.naturalWidth") == 320
    page.keyboard.press("Enter")

    # Pasted from Word: the text comes in, a picture on the author's disk cannot, and he is told.
    paste(page, html='<p>粘贴的段落</p><img src="file:///C:/Users/a/image001.png">')
    expect(editor.get_by_text("粘贴的段落")).to_be_visible()
    expect(page.get_by_text("粘贴内容中有1张图片无法带入，请用“插入图片”上传。")).to_be_visible()
    # A pasted screenshot is uploaded like 插入图片.
    with page.expect_response("**/study/manage/files") as uploaded:
        paste(page, png=png_bytes(100, 60, (0, 160, 0)))
    assert uploaded.value.status == 201
    expect(editor.locator("img")).to_have_count(2)

    # A text file named .pdf is refused in Chinese next to the button; the real PDF is attached.
    fake = tmp_path / "假的.pdf"
    fake.write_bytes(b"just text, not a PDF")
    page.locator("[data-pdf-input]").set_input_files(str(fake))
    expect(page.get_by_text("文件内容不是PDF")).to_be_visible()
    with page.expect_file_chooser() as chooser:
        page.get_by_text("上传PDF", exact=True).click()
    with page.expect_response("**/study/manage/files"):
        chooser.value.set_files(str(pdf))
    expect(page.get_by_role("link", name="学习辅导.pdf")).to_be_visible()
    expect(page.get_by_text("文件内容不是PDF")).to_be_hidden()
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("学习资料已发布。")).to_be_visible()


def test_organiser_writes_with_the_editor_and_an_officer_reads_image_and_pdf(live_app, live_server, desktop_page,
                                                                               phone_page, tmp_path):
    with live_app.app_context():
        make_officer(badge="390001", role="organiser", name="林组织")
        make_officer(badge="390002", name="赵学习")
        db.session.remove()
    browser_login(desktop_page, live_server, "390001", DEFAULT_PASSWORD)
    write_material(desktop_page, live_server, tmp_path)
    with live_app.app_context():
        material = db.session.scalar(sa.select(StudyMaterial))
        html = material.body_html
        assert "<h2>第一部分 总纲</h2>" in html and "<b>重点</b>" in html and "<li>第一条</li>" in html
        assert html.count('<img src="/study/files/') == 2 and "file:" not in html and [f.filename for f in material.attachments] == ["学习辅导.pdf"]
        material_id = material.id
        db.session.remove()

    page = phone_page
    browser_login(page, live_server, "390002", DEFAULT_PASSWORD)
    with time_machine.travel(timeutil.now(), tick=True) as clock:
        with page.expect_response("**/api/v1/study/heartbeat"):
            page.goto(f"{live_server}/study/materials/{material_id}")
        expect(page.get_by_role("heading", name="第一部分 总纲")).to_be_visible()
        image = page.get_by_role("img", name="会场照片")
        expect(image).to_be_visible()
        expect(page.get_by_role("img", name="截图")).to_be_visible()
        expect(page.get_by_text("粘贴的段落")).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") == 320
        # The PDF is drawn on the page, as wide as the phone's column, and zooms.
        expect(page.get_by_text("共 3 页")).to_be_visible()
        first = page.get_by_role("img", name="第 1 页")
        expect(first).to_have_attribute("data-rendered", "true")
        width = first.evaluate("el => el.getBoundingClientRect().width")
        assert 300 <= width <= 370, width
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Reading the PDF (scrolling through its pages) counts as study time.
        page.get_by_role("img", name="第 3 页").scroll_into_view_if_needed()
        expect(page.get_by_role("img", name="第 3 页")).to_have_attribute("data-rendered", "true")
        clock.shift(timedelta(seconds=30))
        with page.expect_response("**/api/v1/study/heartbeat") as beat:
            page.evaluate("window.quizappStudyBeat()")
        # 30 s on the server's clock plus the real seconds the page took to draw the PDF.
        assert 30 <= beat.value.json()["credited_seconds"] <= 45
        page.get_by_role("button", name="放大").click()
        expect(page.get_by_text("共 3 页 · 150%")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the box scrolls, not the page
