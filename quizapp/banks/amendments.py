"""Amended sources and the questions to review (待复核).

An organiser records that a document was amended (date, articles changed; no
articles: the whole text). Every question in circulation that cites an amended
article — in any bank — gets a review row and ``needs_review``, which keeps it
out of new exam papers, practice and mock exams (``Question.in_circulation``)
until an admin keeps, edits or retires it. Each step is audited; each use case
commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import timeutil
from ..audit.services import record, register_actions
from ..extensions import db
from .citations import MAX_ARTICLE, cites_amended, clean_document, split_articles
from .errors import BankError
from .models import REVIEW_OUTCOMES, Question, QuestionBank, QuestionReview, SourceAmendment

register_actions({"source.amend": "记录文件修订", "question.review": "复核试题"})

MAX_NOTE = 1000


@dataclass
class AmendmentInput:
    """An amendment as a form states it: the articles as typed (、，; or one a line)."""

    document: str
    amended_on: date | None
    articles: str = ""
    note: str = ""


def _checked(data: AmendmentInput) -> tuple[str, list[str]]:
    document = clean_document(data.document)
    if not document:
        raise BankError("请填写修订的文件名称。")
    if data.amended_on is None:
        raise BankError("请填写修订日期。")
    articles = list(dict.fromkeys(split_articles(data.articles.replace("\n", "、"))))
    if any(len(article) > MAX_ARTICLE for article in articles):
        raise BankError(f"每个条款不能超过{MAX_ARTICLE}字，多个条款请用顿号分隔。")
    if len(data.note or "") > MAX_NOTE:
        raise BankError(f"说明不能超过{MAX_NOTE}字。")
    return document, articles


def record_amendment(actor, data: AmendmentInput) -> tuple[SourceAmendment, int]:
    """Record an amendment and flag the questions citing its articles 待复核; returns it and how many were flagged."""
    document, articles = _checked(data)
    duplicate = db.session.scalar(sa.select(SourceAmendment).where(
        SourceAmendment.document == document, SourceAmendment.amended_on == data.amended_on))
    if duplicate is not None and sorted(duplicate.articles) == sorted(articles):
        raise BankError(f"已记录过《{document}》{data.amended_on:%Y年%m月%d日}的这次修订。")
    amendment = SourceAmendment(document=document, amended_on=data.amended_on, articles=articles,
                                note=(data.note or "").strip(), recorded_by_id=getattr(actor, "id", None))
    db.session.add(amendment)
    db.session.flush()
    citing = db.session.execute(sa.select(Question.id, Question.source_article).where(
        Question.source_document == document, Question.retired.is_(False))).all()
    flagged = [question_id for question_id, article in citing if cites_amended(article, articles)]
    if flagged:
        db.session.execute(sa.insert(QuestionReview), [
            {"question_id": question_id, "amendment_id": amendment.id, "created_at": timeutil.now()}
            for question_id in flagged])
        db.session.execute(sa.update(Question).where(Question.id.in_(flagged)).values(needs_review=True)
                           .execution_options(synchronize_session=False))
    record(actor, "source.amend", target=amendment,
           summary=f"记录《{document}》于{data.amended_on:%Y年%m月%d日}修订（{amendment.articles_text}），"
                   f"{len(flagged)}道试题待复核", document=document, articles=articles, flagged=len(flagged))
    db.session.commit()
    return amendment, len(flagged)


def resolve_pending(actor, question: Question, outcome: str) -> int:
    """Close the question's pending reviews with an outcome (in the caller's transaction); returns how many."""
    if outcome not in REVIEW_OUTCOMES:
        raise BankError("复核结果应为保留、修改或停用。")
    moment = timeutil.now()
    closed = db.session.execute(
        sa.update(QuestionReview).where(QuestionReview.question_id == question.id, QuestionReview.outcome.is_(None))
        .values(outcome=outcome, reviewed_by_id=getattr(actor, "id", None), reviewed_at=moment)
        .execution_options(synchronize_session=False)).rowcount
    question.needs_review = False
    if closed:
        record(actor, "question.review", target=question,
               summary=f"复核题库“{question.bank.name}”的试题（{REVIEW_OUTCOMES[outcome]}）：{question.stem[:40]}",
               outcome=outcome)
    return closed


def review_question(actor, question: Question, outcome: str) -> None:
    """Keep the question as it is, or retire it, closing its pending reviews. Commits."""
    if outcome not in ("kept", "retired"):
        raise BankError("复核时可以保留或停用此题；要修改请编辑试题。")
    if not question.needs_review:
        raise BankError("此题已复核，无需再次复核。")
    if outcome == "retired":
        question.retired = True
    resolve_pending(actor, question, outcome)
    db.session.commit()


# ---------------------------------------------------------------- reading

@dataclass
class PendingQuestion:
    """A question awaiting review, with the amendments that flagged it (oldest first)."""

    question: Question
    amendments: list[SourceAmendment]


def pending_reviews(bank: QuestionBank | None = None) -> list[PendingQuestion]:
    """Questions 待复核 (in one bank or all), by bank and question, each with its amendments."""
    query = (sa.select(QuestionReview).join(Question, Question.id == QuestionReview.question_id)
             .where(QuestionReview.outcome.is_(None))
             .options(joinedload(QuestionReview.amendment), joinedload(QuestionReview.question).joinedload(Question.bank))
             .order_by(Question.bank_id, Question.id, QuestionReview.amendment_id))
    if bank is not None:
        query = query.where(Question.bank_id == bank.id)
    pending: dict[int, PendingQuestion] = {}
    for review in db.session.scalars(query):
        entry = pending.setdefault(review.question_id, PendingQuestion(review.question, []))
        entry.amendments.append(review.amendment)
    return list(pending.values())


def pending_count(bank: QuestionBank | None = None) -> int:
    """How many questions await review (in one bank or all)."""
    query = sa.select(sa.func.count()).select_from(Question).where(Question.needs_review.is_(True))
    if bank is not None:
        query = query.where(Question.bank_id == bank.id)
    return db.session.scalar(query) or 0


def amendments_of(documents: list[str]) -> dict[str, list[SourceAmendment]]:
    """The amendments recorded for these documents, newest first."""
    found: dict[str, list[SourceAmendment]] = {document: [] for document in documents}
    if documents:
        for amendment in db.session.scalars(sa.select(SourceAmendment).where(SourceAmendment.document.in_(documents))
                                            .order_by(SourceAmendment.amended_on.desc(), SourceAmendment.id.desc())):
            found[amendment.document].append(amendment)
    return found


def pending_amendments(question: Question) -> list[SourceAmendment]:
    """The amendments a question awaits review for (for its edit form)."""
    return list(db.session.scalars(
        sa.select(SourceAmendment).join(QuestionReview, QuestionReview.amendment_id == SourceAmendment.id)
        .where(QuestionReview.question_id == question.id, QuestionReview.outcome.is_(None))
        .order_by(SourceAmendment.amended_on)))


def held_for_review(question_ids) -> set[int]:
    """Which of these questions await review (exams leave them out of the papers they draw)."""
    ids = list(question_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Question.id).where(Question.id.in_(ids), Question.needs_review.is_(True))))
