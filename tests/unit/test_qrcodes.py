import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image

from quizapp.qrcodes import qr_png, qr_svg
from tests.qr_reader import read_qr

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("url", [
    "https://ks.gaj.example.cn/e/7Kp2Qx",
    "http://192.168.10.5:8000/exams/12/intro?from=qr",
    "https://ks.gaj.example.cn/login?next=%2Fexams%2F3%2Fintro%3F%E5%85%A8%E5%91%98%E6%99%AE%E6%B5%8B",
])
def test_png_scans_back_to_the_link(url):
    assert read_qr(qr_png(url)) == url


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_/", min_size=1, max_size=120))
def test_any_link_path_scans_back(path):
    url = f"https://ks.gaj.example.cn/{path}"
    assert read_qr(qr_png(url)) == url


def test_png_is_black_on_white_with_a_quiet_zone():
    image = Image.open(io.BytesIO(qr_png("https://ks.gaj.example.cn/e/7Kp2Qx", scale=10))).convert("L")
    assert image.size[0] == image.size[1] and image.size[0] % 10 == 0
    # The 4-module border is white all round; the finder pattern starts right after it.
    assert image.getpixel((0, 0)) == 255 and image.getpixel((39, 39)) == 255
    assert image.getpixel((40, 40)) == 0


def test_larger_scale_gives_a_larger_png():
    url = "https://ks.gaj.example.cn/e/7Kp2Qx"
    small = Image.open(io.BytesIO(qr_png(url, scale=4)))
    large = Image.open(io.BytesIO(qr_png(url, scale=12)))
    assert large.size[0] == small.size[0] * 3
    assert read_qr(qr_png(url, scale=4)) == url


def test_svg_is_a_standalone_document_sized_by_css():
    svg = qr_svg("https://ks.gaj.example.cn/e/7Kp2Qx")
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("class") == "qr-code" and root.get("viewBox")
    assert root.get("width") is None and root.get("height") is None
    # White ground drawn in the picture itself: it scans on a dark card too.
    assert root.find(f"{SVG}path").get("fill") == "#fff"


def test_svg_title_is_escaped_text():
    svg = qr_svg("https://ks.gaj.example.cn/e/7Kp2Qx", title='扫码参加"<全员普测>"&')
    root = ET.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == '扫码参加"<全员普测>"&'
    assert root.find(f"{SVG}script") is None


@pytest.mark.parametrize("url", ["/exams/3/intro", "ks.gaj.example.cn/e/1", "javascript:alert(1)", ""])
def test_relative_or_odd_links_are_refused(url):
    with pytest.raises(ValueError):
        qr_png(url)
    with pytest.raises(ValueError):
        qr_svg(url)
