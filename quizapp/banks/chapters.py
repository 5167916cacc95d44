"""The one order in which chapters are listed: natural Chinese order.

第一章 < 第二章 < … < 第十章 < 第十一章, 第01讲 < 第2讲 < 第10讲: runs of digits or
Chinese numerals compare as numbers, the rest as text. Every list of chapters
(question filters, bank summaries, practice, the exam form, health checks) sorts
with ``chapter_sort_key``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .citations import chinese_number

# Digits (ASCII or full-width) or Chinese numerals, including 〇/零 and the units 十百千.
_NUMBER = re.compile(r"[0-9０-９]+|[零〇一二两三四五六七八九十百千]+")


def chapter_sort_key(chapter: str | None) -> tuple:
    """Sort key for a chapter name; no chapter sorts last."""
    text = (chapter or "").strip()
    if not text:
        return (1, ())
    parts: list[tuple[int, object]] = []
    position = 0
    for match in _NUMBER.finditer(text):
        if match.start() > position:
            parts.append((1, text[position:match.start()]))
        parts.append((0, chinese_number(match.group())))
        position = match.end()
    if position < len(text):
        parts.append((1, text[position:]))
    # The text itself breaks ties ("第01讲" and "第1讲") so the order is total and stable.
    return (0, tuple(parts), text)


def sorted_chapters(chapters: Iterable[str | None]) -> list[str | None]:
    """Chapters in natural Chinese order."""
    return sorted(chapters, key=chapter_sort_key)
