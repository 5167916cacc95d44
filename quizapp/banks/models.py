"""Question banks and their questions."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db
from ..labels import DIFFICULTIES
from .citations import format_citation

CATEGORIES = {"theory": "政治理论", "regulations": "法规制度", "other": "其他"}
# Difficulty is stored as 1–3 and always shown to people as 易/中/难 (list, filter, form, audit log).
DIFFICULTY_LABELS = DIFFICULTIES


class QuestionBank(db.Model):
    """A named set of questions (题库)."""

    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    category: Mapped[str] = mapped_column(sa.String(20), default="other")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    owner = relationship("Officer")
    questions: Mapped[list[Question]] = relationship(back_populates="bank", cascade="all, delete-orphan",
                                                     passive_deletes=True, order_by="Question.id")

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)


class Question(db.Model):
    """One question. ``answer`` holds the key in the export format (PRODUCT.md §4.2).

    Exams copy what they need into their papers, so editing a question later
    never changes an exam already sat.
    """

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("question_banks.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(sa.String(16))
    stem: Mapped[str] = mapped_column(sa.Text)
    stem_key: Mapped[str] = mapped_column(sa.String(255))
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    answer: Mapped[object] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    chapter: Mapped[str] = mapped_column(sa.String(200), default="")
    difficulty: Mapped[int] = mapped_column(sa.SmallInteger, default=2)
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    source_document: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    source_article: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    retired: Mapped[bool] = mapped_column(default=False)
    # A fill question whose blanks may be answered in any order (乱序): 四大名著是____、____、____、____.
    any_order: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # 待复核: a document it cites was amended; out of new papers and practice until reviewed.
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now, onupdate=timeutil.now)

    bank: Mapped[QuestionBank] = relationship(back_populates="questions")

    __table_args__ = (
        sa.Index("ix_questions_bank_type_stem_key", "bank_id", "type", "stem_key"),
        sa.Index("ix_questions_bank_chapter", "bank_id", "chapter"),
        sa.Index("ix_questions_source_document", "source_document"),
        sa.CheckConstraint("type in ('single', 'multiple', 'judge', 'fill')", name="type"),
        sa.CheckConstraint("difficulty between 1 and 3", name="difficulty"),
    )

    @property
    def qtype(self):
        """This question's type from the registry."""
        from .types import QUESTION_TYPES

        return QUESTION_TYPES[self.type]

    @hybrid_property
    def in_circulation(self) -> bool:
        """Whether new exam papers and practice may use it: neither retired nor awaiting review."""
        return not self.retired and not self.needs_review

    @in_circulation.inplace.expression
    @classmethod
    def _in_circulation_expression(cls):
        return sa.and_(cls.retired.is_(False), cls.needs_review.is_(False))

    @property
    def difficulty_label(self) -> str:
        """易, 中 or 难."""
        return DIFFICULTY_LABELS.get(self.difficulty, str(self.difficulty))

    @property
    def citation(self) -> str:
        """The source as people write it: 《中国共产党章程》第三条 ('' without one)."""
        return format_citation(self.source_document, self.source_article)


class SourceAmendment(db.Model):
    """A recorded amendment of a cited document: when, and which articles changed (none: the whole text)."""

    __tablename__ = "source_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(sa.String(200), index=True)
    amended_on: Mapped[date] = mapped_column(sa.Date)
    articles: Mapped[list] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    recorded_by = relationship("Officer")

    @property
    def articles_text(self) -> str:
        return "、".join(self.articles) if self.articles else "全文"


REVIEW_OUTCOMES = {"kept": "保留", "edited": "已修改", "retired": "已停用"}


class QuestionReview(db.Model):
    """A question flagged 待复核 by an amendment, and how the review ended (outcome None: pending)."""

    __tablename__ = "question_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    amendment_id: Mapped[int] = mapped_column(sa.ForeignKey("source_amendments.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(10))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    question: Mapped[Question] = relationship()
    amendment: Mapped[SourceAmendment] = relationship()
    reviewed_by = relationship("Officer")

    __table_args__ = (
        sa.UniqueConstraint("question_id", "amendment_id"),
        sa.CheckConstraint("outcome is null or outcome in ('kept', 'edited', 'retired')", name="outcome"),
    )

    @property
    def outcome_label(self) -> str:
        return REVIEW_OUTCOMES.get(self.outcome or "", "待复核")
