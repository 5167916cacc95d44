"""QR codes for links (exam links, password slips, contest join codes), made on the server.

Pure functions over segno: no database, no request, no outside service. A code
carries one absolute http(s) link, at error-correction level M or higher (segno
raises the level for free when the same symbol size allows it), so that a printed
notice with a crease or a smudge still scans.
"""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from markupsafe import Markup

# Black on white whatever the page's colours: phone cameras read dark modules on a
# light ground, and a transparent code on a dark card would not scan.
DARK, LIGHT = "#000", "#fff"
# Pixels per module of the PNG: a typical exam link (version 3 to 5, 29–37 modules plus
# the 4-module quiet zone on each side) comes out at 370–450 px, sharp in a chat and
# on an A4 print-out.
PNG_SCALE = 10


def _symbol(url: str) -> segno.QRCode:
    """The QR symbol for an absolute http(s) link; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        # A phone's scanner cannot open a relative path: the caller must pass the full link.
        raise ValueError(f"a QR code needs an absolute http(s) link, got {url!r}")
    return segno.make_qr(url, error="m", boost_error=True)


def qr_svg(url: str, title: str | None = None) -> Markup:
    """The link as an SVG document, safe to put inline in a page or serve as a .svg file.

    It has a viewBox and no width or height, so the page sizes it by CSS (class
    ``qr-code``); the quiet zone is part of the picture.
    """
    buffer = io.BytesIO()
    _symbol(url).save(buffer, kind="svg", scale=1, border=4, dark=DARK, light=LIGHT, xmldecl=False,
                      svgns=True, omitsize=True, svgclass="qr-code", lineclass=None, title=title, nl=False)
    # Modules are drawn as 1-unit strokes; crisp edges keep anti-aliasing from opening
    # hairline seams between rows when the code is scaled by a fraction.
    svg = buffer.getvalue().decode("utf-8").replace("<svg ", '<svg shape-rendering="crispEdges" ', 1)
    return Markup(svg)  # segno escapes the title; everything else is generated


def qr_png(url: str, scale: int = PNG_SCALE) -> bytes:
    """The link as a PNG image (black on white, with the quiet zone), ``scale`` pixels a module."""
    buffer = io.BytesIO()
    _symbol(url).save(buffer, kind="png", scale=scale, border=4, dark=DARK, light=LIGHT)
    return buffer.getvalue()
