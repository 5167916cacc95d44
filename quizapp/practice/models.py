"""Practice records: every answer, each officer's state per question, cursors and mock exams."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db


class PracticeAnswer(db.Model):
    """One practice answer, as given; progress and points are counted from these."""

    __tablename__ = "practice_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"))
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("question_banks.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(16))
    answer: Mapped[object] = mapped_column(sa.JSON)
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    question = relationship("Question")

    __table_args__ = (
        sa.Index("ix_practice_answers_officer_bank", "officer_id", "bank_id"),
        sa.Index("ix_practice_answers_officer_answered_at", "officer_id", "answered_at"),
    )


class PracticeState(db.Model):
    """An officer's record on one question: tries, streak, wrong-answer book, favourite."""

    __tablename__ = "practice_states"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("question_banks.id", ondelete="CASCADE"))
    attempts: Mapped[int] = mapped_column(default=0)
    correct_count: Mapped[int] = mapped_column(default=0)
    right_streak: Mapped[int] = mapped_column(default=0)
    in_wrong_book: Mapped[bool] = mapped_column(default=False)
    favourite: Mapped[bool] = mapped_column(default=False)
    last_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wrong_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    question = relationship("Question")

    __table_args__ = (sa.Index("ix_practice_states_officer_bank", "officer_id", "bank_id"),)


class PracticeCursor(db.Model):
    """Where sequential practice stopped, per bank and chapter ('' = whole bank)."""

    __tablename__ = "practice_cursors"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("question_banks.id", ondelete="CASCADE"), primary_key=True)
    chapter: Mapped[str] = mapped_column(sa.String(200), primary_key=True, default="")
    last_question_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now, onupdate=timeutil.now)


class MockExam(db.Model):
    """A timed random paper from one bank, graded like an exam but kept apart from exams."""

    __tablename__ = "practice_mock_exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("question_banks.id", ondelete="CASCADE"))
    question_ids: Mapped[list] = mapped_column(sa.JSON)
    points_each: Mapped[float]
    pass_mark: Mapped[float] = mapped_column(default=60.0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    results: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    expired: Mapped[bool] = mapped_column(default=False)

    bank = relationship("QuestionBank")

    @property
    def total(self) -> float:
        return round(self.points_each * len(self.question_ids), 2)

    @property
    def finished(self) -> bool:
        return self.submitted_at is not None
