"""Question use cases: add, edit, retire and restore questions; list and filter them."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..audit.services import field_changes, record
from ..extensions import db
from .amendments import resolve_pending
from .chapters import sorted_chapters
from .errors import QuestionInvalid
from .formats import ParsedQuestion, build_question
from .formats.common import InvalidQuestion, make_options
from .models import DIFFICULTY_LABELS, Question, QuestionBank
from .types import TYPE_LABELS, has_options, question_identity, stem_key

@dataclass
class QuestionInput:
    """A question as a form or API states it: option texts in order, the answer as typed."""

    type: str
    stem: str
    options: list[str] = field(default_factory=list)
    answer: object = None
    explanation: str = ""
    chapter: str = ""
    difficulty: int = 2
    tags: object = ""
    source_document: str = ""
    source_article: str = ""
    any_order: bool = False


def _validated(data: QuestionInput) -> ParsedQuestion:
    try:
        options = make_options(list(data.options)) if has_options(data.type) else []
        answer = data.answer
        if data.type == "multiple" and isinstance(answer, str):
            answer = [c for c in answer.upper() if c.strip() and c not in ",，、"]
        return build_question(type_=data.type, stem=data.stem, options=options, answer=answer,
                              explanation=data.explanation, chapter=data.chapter, difficulty=data.difficulty,
                              tags=data.tags, source=(data.source_document, data.source_article),
                              any_order=data.any_order)
    except InvalidQuestion as error:
        raise QuestionInvalid(error.column, error.message) from None


def _check_duplicate(bank: QuestionBank, question: ParsedQuestion, key: str, own_id: int | None = None) -> None:
    query = sa.select(Question.stem, Question.options).where(Question.bank_id == bank.id,
                                                             Question.type == question.type, Question.stem_key == key)
    if own_id is not None:
        query = query.where(Question.id != own_id)
    identity = question_identity(question.type, question.stem, question.options)
    if any(question_identity(question.type, stem, options) == identity for stem, options in db.session.execute(query)):
        raise QuestionInvalid("题干", "题库中已有题型、题干和选项都相同的试题。")


def _apply(question: Question, parsed: ParsedQuestion, key: str) -> None:
    question.type, question.stem, question.stem_key = parsed.type, parsed.stem, key
    question.options, question.answer = parsed.options, parsed.answer
    question.explanation, question.chapter, question.difficulty = parsed.explanation, parsed.chapter, parsed.difficulty
    question.tags, question.any_order = parsed.tags, parsed.any_order
    question.source_document, question.source_article = parsed.source_document, parsed.source_article


def shown_fields(question: Question) -> dict[str, str]:
    """A question's fields as the audit log shows them: Chinese names, values as people read them."""
    return {
        "题型": TYPE_LABELS.get(question.type, question.type),
        "题干": question.stem,
        "选项": "；".join(f"{o['key']}. {o['text']}" for o in question.options or []),
        "答案": question.qtype.describe_key(question.answer) if question.answer is not None else "",
        "填空顺序不限": ("是" if question.any_order else "否") if question.type == "fill" else "",
        "解析": question.explanation or "",
        "章节": question.chapter or "",
        "难度": DIFFICULTY_LABELS.get(question.difficulty, str(question.difficulty or "")),
        "标签": "、".join(question.tags or []),
        "出处": question.citation,
    }


def create_question(actor, bank: QuestionBank, data: QuestionInput) -> Question:
    """Add a checked question to a bank."""
    parsed = _validated(data)
    key = stem_key(parsed.stem)
    _check_duplicate(bank, parsed, key)
    question = Question(bank_id=bank.id)
    _apply(question, parsed, key)
    db.session.add(question)
    db.session.flush()
    record(actor, "question.create", target=question, summary=f"在题库“{bank.name}”新增{TYPE_LABELS[parsed.type]}题：{parsed.stem[:40]}")
    db.session.commit()
    return question


def update_question(actor, question: Question, data: QuestionInput, reviewed: bool = False) -> Question:
    """Edit a question; exams already sat keep their own snapshot of it.

    ``reviewed``: the editor checked it against the amended text, which closes its
    pending reviews (待复核) as edited.
    """
    parsed = _validated(data)
    key = stem_key(parsed.stem)
    _check_duplicate(question.bank, parsed, key, own_id=question.id)
    before = shown_fields(question)
    _apply(question, parsed, key)
    changes = field_changes(before, shown_fields(question))
    record(actor, "question.update", target=question, summary=f"修改题库“{question.bank.name}”的试题：{parsed.stem[:40]}",
           changes=changes)
    if reviewed and question.needs_review:
        resolve_pending(actor, question, "edited")
    db.session.commit()
    return question


def set_retired(actor, question: Question, retired: bool) -> None:
    """Retire a question (no longer drawn or practised) or restore it; retiring closes its pending reviews."""
    if question.retired == retired:
        return
    question.retired = retired
    record(actor, "question.retire" if retired else "question.restore", target=question,
           summary=f"{'停用' if retired else '恢复'}题库“{question.bank.name}”的试题：{question.stem[:40]}")
    if retired and question.needs_review:
        resolve_pending(actor, question, "retired")
    db.session.commit()


@dataclass
class QuestionFilter:
    """What the question list narrows by."""

    type: str | None = None
    chapter: str | None = None
    difficulty: int | None = None
    text: str | None = None
    retired: bool | None = None
    document: str | None = None  # '' for the questions that cite no source
    needs_review: bool | None = None
    article: str | None = None


def question_query(bank: QuestionBank, criteria: QuestionFilter):
    """A select of a bank's questions matching the filter, in bank order."""
    query = sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id)
    if criteria.type:
        query = query.where(Question.type == criteria.type)
    if criteria.chapter is not None:
        query = query.where(Question.chapter == criteria.chapter)
    if criteria.difficulty:
        query = query.where(Question.difficulty == criteria.difficulty)
    if criteria.retired is not None:
        query = query.where(Question.retired.is_(criteria.retired))
    if criteria.needs_review is not None:
        query = query.where(Question.needs_review.is_(criteria.needs_review))
    if criteria.document is not None:
        query = query.where(Question.source_document == criteria.document)
    if criteria.article is not None:
        query = query.where(Question.source_article == criteria.article)
    if criteria.text:
        pattern = "%" + criteria.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.or_(Question.stem.like(pattern, escape="\\"),
                                   Question.explanation.like(pattern, escape="\\")))
    return query


def bank_chapters(bank: QuestionBank) -> list[str]:
    """The distinct chapters of a bank, in natural Chinese order."""
    return sorted_chapters(db.session.scalars(
        sa.select(Question.chapter).where(Question.bank_id == bank.id).distinct()))
