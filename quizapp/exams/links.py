"""An exam's short link and QR code: what organisers send to the work group or print.

The link is /k/<code> on the site's public address; the code is the exam's own
(``Exam.link_code``), fixed at creation. Opening it leads through login to the
exam's intro page.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..qrcodes import qr_png, qr_svg
from ..reports.xlsx import report_filename
from ..web import public_url
from .models import Exam


def exam_link(exam: Exam) -> str:
    """The exam's absolute short link: on QUIZAPP_BASE_URL when set (the address officers
    reach the site by, also used in e-mails), else on the address of this request."""
    return public_url("exams.short_link", code=exam.link_code)


def exam_by_link_code(code: str) -> Exam | None:
    """The exam of a short-link code (case and surrounding spaces ignored), None if there is none."""
    code = (code or "").strip().lower()
    if not code or len(code) > 12:
        return None
    return db.session.scalar(sa.select(Exam).where(Exam.link_code == code))


def exam_qr_svg(exam: Exam) -> str:
    """The exam's link as an SVG QR code."""
    return qr_svg(exam_link(exam), title=f"扫码进入：{exam.title}")


def exam_qr_png(exam: Exam) -> bytes:
    """The exam's link as a PNG QR code."""
    return qr_png(exam_link(exam))


def qr_file_name(exam: Exam, extension: str) -> str:
    """A download name such as 第一季度政治理论测试二维码.png."""
    return report_filename(exam.title, "二维码", extension)
