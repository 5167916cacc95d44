"""The points ledger: one row per award or correction, never edited."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db

REASONS = {
    "study": "学习时长",
    "practice": "练习答对",
    "exam_taken": "参加考试",
    "exam_passed": "考试合格",
    "contest_taken": "参加竞赛",
    "contest_place": "竞赛名次",
    "manual": "管理员调整",
}


class PointsEntry(db.Model):
    """Points given (or taken) for one reason; (officer, reason, reference) is unique,
    so awarding the same thing twice adds nothing."""

    __tablename__ = "points_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"))
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(20))
    reference: Mapped[str] = mapped_column(sa.String(100))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    day: Mapped[date] = mapped_column(sa.Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))

    officer = relationship("Officer", foreign_keys=[officer_id])
    actor = relationship("Officer", foreign_keys=[actor_id])

    __table_args__ = (
        sa.UniqueConstraint("officer_id", "reason", "reference"),
        sa.Index("ix_points_entries_officer_day", "officer_id", "day"),
        sa.Index("ix_points_entries_day", "day"),
    )

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)
