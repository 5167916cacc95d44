"""Small real files for study upload tests: PNG images and text PDFs built in memory."""
from __future__ import annotations

import io

from quizapp.study.demo import chinese_pdf


def png_bytes(width: int = 40, height: int = 30, colour=(200, 30, 30)) -> bytes:
    """A real PNG image."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(pages: list[str] | None = None) -> bytes:
    """A valid PDF with one line of text per page (the demo's PDF writer)."""
    return chinese_pdf([[text] for text in pages or ["学习资料第1页"]])
