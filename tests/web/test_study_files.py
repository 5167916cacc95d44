"""Study materials with uploaded images and PDFs: upload checks, sanitising, the PDF viewer and its minutes."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from quizapp import timeutil
from quizapp.extensions import db
from quizapp.study import files
from quizapp.study.models import StudyFile, StudyMaterial
from tests.factories import csrf_token, login, make_officer
from tests.study_files import pdf_bytes, png_bytes


def organiser(client, badge="380001"):
    make_officer(badge=badge, role="organiser", name="林组织")
    login(client, badge)
    return csrf_token(client, "/study/manage/new")


def send(client, token, data: bytes, filename: str, kind: str | None = None):
    form = {"file": (io.BytesIO(data), filename)}
    if kind:
        form["kind"] = kind
    return client.post("/study/manage/files", data=form, headers={"X-CSRFToken": token},
                       content_type="multipart/form-data")


def publish(client, token, body: str, attachments=(), title="政治学习三十分：第2期"):
    return client.post("/study/manage/new", data={
        "csrf_token": token, "title": title, "series": "政治学习三十分", "published_on": "2026-01-05",
        "body": body, "attachments": list(attachments)})


def as_officer(client, badge="380009"):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_officer(badge=badge, name="赵学习")
    login(client, badge)


def test_a_good_image_is_stored_in_the_database_and_served_to_readers(client):
    token = organiser(client)
    image = png_bytes()
    response = send(client, token, image, "会场.png", "image")
    assert response.status_code == 201
    result = response.get_json()
    assert result["kind"] == "image" and result["filename"] == "会场.png"
    assert result["url"] == f"/study/files/{result['key']}"
    stored = db.session.scalar(sa.select(StudyFile))
    assert stored.data == image and stored.content_type == "image/png"  # in the database, for every app server
    served = client.get(result["url"])
    assert served.status_code == 200 and served.data == image and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_an_oversize_image_is_refused_with_its_size(client):
    token = organiser(client)
    big = png_bytes() + b"\0" * files.MAX_IMAGE_BYTES
    response = send(client, token, big, "大图.png", "image")
    assert response.status_code == 413
    assert response.get_json()["error"]["message"] == "图片太大：5.0 MB，最大 5 MB。"
    assert db.session.scalar(sa.select(sa.func.count(StudyFile.id))) == 0


def test_a_file_disguised_by_its_extension_is_refused(client):
    token = organiser(client)
    for disguise in (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                     b"<html><script>alert(1)</script></html>", b"MZ\x90\x00 not an image"):
        response = send(client, token, disguise, "照片.png", "image")
        assert response.status_code == 422
        assert "文件内容不是图片" in response.get_json()["error"]["message"]
    # A PNG header over garbage is no image either.
    broken = send(client, token, b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "坏图.png", "image")
    assert broken.status_code == 422 and "图片已损坏" in broken.get_json()["error"]["message"]
    # A PDF named .png is not an image; a PNG named .pdf is not a PDF.
    assert send(client, token, pdf_bytes(), "图.png", "image").status_code == 422
    wrong_pdf = send(client, token, png_bytes(), "文件.pdf", "pdf")
    assert wrong_pdf.status_code == 422 and "文件内容不是PDF" in wrong_pdf.get_json()["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count(StudyFile.id))) == 0


def test_officers_cannot_upload(client):
    make_officer(badge="380002", name="赵学习")
    login(client, "380002")
    response = send(client, csrf_token(client, "/"), png_bytes(), "a.png", "image")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(StudyFile.id))) == 0


def test_the_editor_page_offers_a_chinese_toolbar_and_uploads(client):
    organiser(client)
    page = client.get("/study/manage/new").get_data(as_text=True)
    for label in ("加粗", "标题", "列表", "插入图片", "上传PDF", "撤销"):
        assert f">{label}<" in page or f"<b>{label}</b>" in page
    assert "vendor/squire/squire.js" in page and "js/study_editor.js" in page


def test_material_html_with_an_uploaded_image_is_sanitised_for_readers(client):
    token = organiser(client)
    url = send(client, token, png_bytes(), "合影.png", "image").get_json()["url"]
    body = (f'<h2>第一部分</h2><p><b>重点</b>内容</p><p><img src="{url}" alt="合影" onerror="alert(1)"></p>'
            '<script>alert(document.cookie)</script><a href="javascript:alert(2)">链接</a>'
            '<p onmouseover="alert(3)" style="color:red">悬停</p>')
    assert publish(client, token, body).status_code == 302
    as_officer(client)
    material = db.session.scalar(sa.select(StudyMaterial))
    page = client.get(f"/study/materials/{material.id}").get_data(as_text=True)
    article = page.split('class="card material-body">', 1)[1].split("</article>", 1)[0]
    assert f'<img src="{url}" alt="合影">' in article and "<h2>第一部分</h2>" in article
    assert "<b>重点</b>" in article and "悬停" in article
    for danger in ("<script", "onerror", "onmouseover", "javascript:", "style="):
        assert danger not in article
    assert client.get(url).status_code == 200


def test_a_pdf_material_shows_the_viewer_and_counts_minutes(client):
    token = organiser(client)
    upload = send(client, token, pdf_bytes(["Page one", "Page two"]), "学习辅导.pdf", "pdf").get_json()
    assert upload["kind"] == "pdf"
    # Text is optional when a PDF is attached.
    assert publish(client, token, "", [upload["key"]], title="党章学习辅导").status_code == 302
    material = db.session.scalar(sa.select(StudyMaterial))
    assert [f.filename for f in material.attachments] == ["学习辅导.pdf"]

    as_officer(client)
    listing = client.get("/study/").get_data(as_text=True)
    assert "党章学习辅导</a> <span class=\"tag warn\">新</span><span class=\"tag\">含PDF</span>" in listing
    page = client.get(f"/study/materials/{material.id}").get_data(as_text=True)
    assert f'data-src="{upload["url"]}"' in page and "PDF：学习辅导.pdf" in page
    assert "vendor/pdfjs/pdf.min.js" in page and "js/study_pdf.js" in page
    assert f'data-material-id="{material.id}"' in page  # the page's heartbeat counts the reading
    assert client.get(upload["url"]).data.startswith(b"%PDF-")
    token = csrf_token(client, "/")
    with time_machine.travel(timeutil.now(), tick=False) as clock:
        beats = []
        for _ in range(5):
            beats.append(client.post("/api/v1/study/heartbeat", json={"material_id": material.id, "visible": True},
                                     headers={"X-CSRFToken": token}).get_json())
            clock.shift(timedelta(seconds=30))
    assert [b["credited_seconds"] for b in beats] == [0, 30, 30, 30, 30]
    assert beats[-1]["today_minutes"] == 2
    assert "今日已学习 <strong data-today-minutes>2</strong>" in client.get(
        f"/study/materials/{material.id}").get_data(as_text=True)


def test_attached_pdfs_are_only_for_those_who_may_read_the_material(client):
    token = organiser(client)
    upload = send(client, token, pdf_bytes(), "内部.pdf", "pdf").get_json()
    # Published for a department the officer is not in.
    departments = client.get("/study/manage/new").get_data(as_text=True)
    assert "市公安局/治安大队" in departments
    from quizapp.roster.services import ensure_department

    other = ensure_department("市公安局/刑侦大队")
    db.session.commit()
    response = client.post("/study/manage/new", data={
        "csrf_token": token, "title": "刑侦内部学习", "series": "", "published_on": "2026-01-05",
        "body": "<p>内容</p>", "attachments": [upload["key"]], "departments": [other.id]})
    assert response.status_code == 302
    as_officer(client)  # in 治安大队
    assert client.get(upload["url"]).status_code == 404


def test_a_refused_save_keeps_the_uploaded_pdf_and_a_foreign_key_is_refused(client):
    token = organiser(client)
    upload = send(client, token, pdf_bytes(), "附件.pdf", "pdf").get_json()
    refused = publish(client, token, "", [upload["key"]], title="")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and f'value="{upload["key"]}"' in page
    # Another organiser cannot attach (and so publish) someone else's upload.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    token = organiser(client, badge="380003")
    page = publish(client, token, "<p>正文</p>", [upload["key"]]).get_data(as_text=True)
    assert "PDF附件不存在或已失效，请重新上传。" in page
    assert db.session.scalar(sa.select(sa.func.count(StudyMaterial.id))) == 0


def test_an_edit_removes_a_pdf_and_the_audit_names_the_attachments(client):
    from quizapp.audit.models import AuditEntry

    token = organiser(client)
    first = send(client, token, pdf_bytes(), "第一份.pdf", "pdf").get_json()
    second = send(client, token, pdf_bytes(), "第二份.pdf", "pdf").get_json()
    publish(client, token, "<p>正文</p>", [second["key"], first["key"]])
    material = db.session.scalar(sa.select(StudyMaterial))
    assert [f.filename for f in material.attachments] == ["第二份.pdf", "第一份.pdf"]  # the publisher's order
    edit = client.get(f"/study/manage/{material.id}").get_data(as_text=True)
    assert f'value="{first["key"]}"' in edit and f'value="{second["key"]}"' in edit and ">移除<" in edit
    client.post(f"/study/manage/{material.id}", data={
        "csrf_token": token, "title": material.title, "series": "", "published_on": "2026-01-05",
        "body": "<p>正文</p>", "attachments": [first["key"]]})
    db.session.expire_all()
    assert [f.filename for f in material.attachments] == ["第一份.pdf"]
    assert client.get(second["url"]).status_code == 404  # removed from the database, not only from the page
    summaries = list(db.session.scalars(sa.select(AuditEntry.summary).order_by(AuditEntry.id)))
    assert "附PDF“第二份.pdf”，附PDF“第一份.pdf”" in summaries[0] and "附PDF“第一份.pdf”）" in summaries[1]
