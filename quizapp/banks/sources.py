"""The documents a bank's questions cite, and the questions by source (one GROUP BY)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from .citations import article_units
from .models import Question, QuestionBank


@dataclass
class ArticleCount:
    """One article of a document and how many of the bank's active questions cite it."""

    article: str
    questions: int


@dataclass
class DocumentSources:
    """A cited document with its articles in the document's own order."""

    document: str
    questions: int = 0
    articles: list[ArticleCount] = field(default_factory=list)


# Numbered parts of a document, from the largest: 编 > 章 > 节 > 条 > 款 > 项 > 目.
UNIT_ORDER = {kind: order for order, kind in enumerate("编章节条款项目")}


def _article_order(article: str) -> tuple:
    """Whole-document citations first, then named parts (总纲), then numbered parts in order."""
    return tuple((0, 0, value, 0) if kind == "名" else (1, UNIT_ORDER[kind], "", value)
                 for kind, value in article_units(article))


def bank_sources(bank: QuestionBank) -> tuple[list[DocumentSources], int]:
    """The documents the bank's active questions cite, by question count, and how many cite nothing."""
    documents: dict[str, DocumentSources] = {}
    uncited = 0
    for document, article, count in db.session.execute(
        sa.select(Question.source_document, Question.source_article, sa.func.count())
        .where(Question.bank_id == bank.id, Question.retired.is_(False))
        .group_by(Question.source_document, Question.source_article)
    ):
        if not document:
            uncited += count
            continue
        entry = documents.setdefault(document, DocumentSources(document))
        entry.questions += count
        entry.articles.append(ArticleCount(article, count))
    for entry in documents.values():
        entry.articles.sort(key=lambda a: _article_order(a.article))
    return sorted(documents.values(), key=lambda d: (-d.questions, d.document)), uncited


def cited_documents(bank: QuestionBank) -> list[str]:
    """The distinct documents the bank's questions cite, by name (for the filter)."""
    return list(db.session.scalars(
        sa.select(Question.source_document).where(Question.bank_id == bank.id, Question.source_document != "")
        .distinct().order_by(Question.source_document)))
