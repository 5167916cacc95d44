"""The server-made SVG QR code, drawn by a phone's browser at odd sizes, still scans."""
import pytest

from quizapp.qrcodes import qr_svg
from tests.qr_reader import read_qr

pytestmark = pytest.mark.browser

URL = "https://ks.gaj.example.cn/exams/12/intro?from=qr"


@pytest.mark.parametrize("width", ["7.3rem", "173px", "61vw"])
def test_inline_svg_scans_from_a_phone_screenshot(phone_page, width):
    phone_page.set_content(
        f"<!doctype html><meta charset=utf-8><style>body{{background:#123}} .qr-code{{width:{width}}}</style>"
        f"<main><p style='color:#fff'>扫码参加考试</p>{qr_svg(URL, title='扫码参加考试')}</main>")
    shot = phone_page.locator("svg.qr-code").screenshot()
    assert read_qr(shot) == URL
