"""Study uploads: the content decides the type, bombs and empty files are refused, unused uploads are swept."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from quizapp import timeutil
from quizapp.extensions import db
from quizapp.periods import local_day
from quizapp.study import files, materials
from quizapp.study.models import StudyFile
from tests.factories import make_officer
from tests.study_files import pdf_bytes, png_bytes


def image_bytes(fmt: str, size=(30, 20), mode="RGB") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt,content_type", [("JPEG", "image/jpeg"), ("GIF", "image/gif"),
                                              ("WEBP", "image/webp"), ("PNG", "image/png")])
def test_each_image_format_is_kept_with_the_type_its_content_shows(app, fmt, content_type):
    organiser = make_officer(badge="381001", role="organiser")
    item = files.store_upload(organiser, "C:\\照片\\名字是.png", image_bytes(fmt), "image")
    assert (item.kind, item.content_type, item.filename) == ("image", content_type, "名字是.png")


def test_a_pdf_header_after_some_junk_is_still_a_pdf(app):
    organiser = make_officer(badge="381002", role="organiser")
    item = files.store_upload(organiser, "扫描件", b"\r\n" * 100 + pdf_bytes())
    assert (item.kind, item.content_type) == ("pdf", "application/pdf")


def test_empty_files_and_decompression_bombs_are_refused(app):
    organiser = make_officer(badge="381003", role="organiser")
    with pytest.raises(files.UploadError, match="文件是空的"):
        files.store_upload(organiser, "a.png", b"", "image")
    bomb = image_bytes("PNG", size=(8_000, 8_000), mode="1")  # a few kB on disk, 64 Mpx decoded
    assert len(bomb) < files.MAX_IMAGE_BYTES
    with pytest.raises(files.UploadError, match="图片尺寸太大"):
        files.store_upload(organiser, "bomb.png", bomb, "image")
    with pytest.raises(files.UploadError, match="只能上传图片"):
        files.store_upload(organiser, "a.html", b"<html></html>")
    assert db.session.scalar(sa.select(sa.func.count(StudyFile.id))) == 0


def test_uploads_no_material_uses_are_swept_after_a_week(app):
    organiser = make_officer(badge="381004", role="organiser")
    with time_machine.travel(timeutil.now(), tick=False) as clock:
        used_image = files.store_upload(organiser, "用了.png", png_bytes(), "image")
        unused_image = files.store_upload(organiser, "没用.png", png_bytes(), "image")
        attached = files.store_upload(organiser, "附件.pdf", pdf_bytes(), "pdf")
        never_attached = files.store_upload(organiser, "没附上.pdf", pdf_bytes(), "pdf")
        materials.save_material(organiser, materials.MaterialInput(
            title="第1期", body=f'<p><img src="/study/files/{used_image.key}"></p>', published_on=local_day(),
            attachment_keys=[attached.key]))
        kept_ids, gone_ids = {used_image.id, attached.id}, {unused_image.id, never_attached.id}
        clock.shift(files.UNUSED_AFTER - timedelta(minutes=1))
        files.store_upload(organiser, "新的.png", png_bytes(), "image")
        assert db.session.scalar(sa.select(sa.func.count(StudyFile.id))) == 5  # nothing is a week old yet
        clock.shift(timedelta(minutes=2))
        fresh = files.store_upload(organiser, "又一张.png", png_bytes(), "image").id
    remaining = set(db.session.scalars(sa.select(StudyFile.id)))
    assert kept_ids <= remaining and not gone_ids & remaining
    assert fresh in remaining and len(remaining) == 4
