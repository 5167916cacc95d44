"""A question's structured source (出处): the document it cites and the article in it.

Pure functions, no database. A citation is written for people as
``《中国共产党章程》第三条``; it is stored as its two parts, the document name
without the book-title marks and the article (``第三条``, ``第十七条第二款``,
``总纲``). Articles are compared by their numbered units, so that ``第3条`` and
``第三条`` are the same article and ``第十七条第二款`` lies within ``第十七条``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DOCUMENT = 200
MAX_ARTICLE = 100

TITLE_MARKS = re.compile(r"[《〈]([^《》〈〉]+)[》〉]")
# "…法第二十二条" written without book-title marks: the article starts at the first numbered unit.
FIRST_UNIT = re.compile(r"第\s*[（(]?[0-9０-９零〇一二三四五六七八九十百千两]+[）)]?\s*[编章节条款项目]")
UNIT = re.compile(r"第\s*[（(]?([0-9０-９零〇一二三四五六七八九十百千两]+)[）)]?\s*([编章节条款项目])")
# Several articles in one citation: 第三条、第四条 / 第三条和第五条.
ARTICLE_SEPARATORS = re.compile(r"[、，,；;]|和|及|以及")
DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}


class CitationError(ValueError):
    """A citation that cannot be read as one document and article; the message is Chinese."""


@dataclass(frozen=True)
class Citation:
    """A document and an article in it (the article may be empty: the whole document)."""

    document: str
    article: str = ""

    def __str__(self) -> str:
        return format_citation(self.document, self.article)


def clean_document(text: str) -> str:
    """A document name as stored: trimmed, without surrounding 《》."""
    text = re.sub(r"\s+", " ", str(text or "")).strip()
    match = TITLE_MARKS.fullmatch(text)
    return (match.group(1) if match else text).strip()


def clean_article(text: str) -> str:
    """An article as stored: trimmed, inner spaces removed (第 三 条 → 第三条)."""
    return re.sub(r"\s+", "", str(text or ""))


def format_citation(document: str, article: str = "") -> str:
    """《document》article, or '' without a document."""
    if not document:
        return ""
    return f"《{document}》{article}"


def parse_citation(text: str) -> Citation | None:
    """'《中国共产党章程》第三条' (or '中华人民共和国人民警察法第二十二条', or a bare name) → Citation.

    None for empty text; CitationError when the text names several documents or
    an article without a document, since either would be a guess.
    """
    text = re.sub(r"\s+", " ", str(text or "")).strip()
    if not text:
        return None
    titles = TITLE_MARKS.findall(text)
    if len(titles) > 1:
        raise CitationError("出处只能写一个文件，如“《中国共产党章程》第三条”；引用多个文件请分题填写。")
    if titles:
        document = titles[0].strip()
        article = TITLE_MARKS.sub("", text, count=1)
    else:
        unit = FIRST_UNIT.search(text)
        document, article = (text[:unit.start()], text[unit.start():]) if unit else (text, "")
    document, article = clean_document(document), clean_article(article)
    if not document:
        raise CitationError("出处缺少文件名称，应写作“《文件名称》条款”，如“《中国共产党章程》第三条”。")
    return Citation(document, article)


def check_citation(document: str, article: str) -> Citation | None:
    """Validated parts → Citation (None when both are empty); CitationError names what is wrong."""
    document, article = clean_document(document), clean_article(article)
    if not document and not article:
        return None
    if not document:
        raise CitationError("填写了条款但没有出处文件名称。")
    if "《" in document or "》" in document:
        raise CitationError("出处文件名称只写一个文件的名称（不带书名号）。")
    if len(document) > MAX_DOCUMENT:
        raise CitationError(f"出处文件名称超过{MAX_DOCUMENT}字。")
    if len(article) > MAX_ARTICLE:
        raise CitationError(f"出处条款超过{MAX_ARTICLE}字。")
    return Citation(document, article)


# ---------------------------------------------------------------- matching articles

def chinese_number(text: str) -> int:
    """'二十二' → 22, '一百零五' → 105, '12' or '１２' → 12."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        elif char in MULTIPLIERS:
            total += (current or 1) * MULTIPLIERS[char]
            current = 0
    return total + current


Unit = tuple[str, object]


def article_units(article: str) -> tuple[Unit, ...]:
    """'第十七条第二款' → (('条', 17), ('款', 2)); '总纲' → (('名', '总纲'),); '' → ()."""
    article = clean_article(article)
    units: list[Unit] = []
    position = 0
    for match in UNIT.finditer(article):
        leading = article[position:match.start()].strip("的之")
        if leading:
            units.append(("名", leading))
        units.append((match.group(2), chinese_number(match.group(1))))
        position = match.end()
    rest = article[position:].strip("的之")
    if rest:
        units.append(("名", rest))
    return tuple(units)


def split_articles(text: str) -> list[str]:
    """'第三条、第四十条和总纲' → ['第三条', '第四十条', '总纲'] (also one a line)."""
    return [part for part in (clean_article(p) for p in ARTICLE_SEPARATORS.split(str(text or ""))) if part]


def _overlap(first: tuple[Unit, ...], second: tuple[Unit, ...]) -> bool:
    """One article lies within the other: the shorter unit path is a prefix of the longer."""
    shorter = min(len(first), len(second))
    return first[:shorter] == second[:shorter]


def cites_amended(question_article: str, amended_articles: list[str]) -> bool:
    """Whether a question citing ``question_article`` may be touched by amending these articles.

    No amended articles means the whole document changed; a question citing the
    whole document (no article) is touched by any amendment of it.
    """
    if not amended_articles:
        return True
    cited = [article_units(a) for a in split_articles(question_article)] or [()]
    amended = [article_units(a) for a in amended_articles]
    return any(_overlap(c, a) for c in cited for a in amended)
