"""Schedules, their firings, and the scheduler's lease and heartbeat."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db
from .rules import CalendarRule


class Schedule(db.Model):
    """An exam template that becomes a real exam on a calendar rule."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The POST /api/v1/exams body without opens_at / closes_at; for mode=sample
    # also "draw": {"size", "allocation", "departments"?}. The title may use
    # {year}, {quarter}, {month} and {date}.
    template: Mapped[dict] = mapped_column(sa.JSON)
    month: Mapped[str] = mapped_column(sa.String(40), default="1,4,7,10")
    day: Mapped[str] = mapped_column(sa.String(40), default="1st mon")
    day_of_week: Mapped[str] = mapped_column(sa.String(40), default="*")
    hour: Mapped[int] = mapped_column(default=9)
    minute: Mapped[int] = mapped_column(default=0)
    open_days: Mapped[int] = mapped_column(default=7)
    paused: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)

    created_by = relationship("Officer")
    firings: Mapped[list[ScheduleFiring]] = relationship(
        back_populates="schedule", order_by="ScheduleFiring.fire_time.desc()", cascade="all, delete-orphan")

    def rule(self, timezone: str | None = None) -> CalendarRule:
        """The calendar rule of this schedule."""
        return CalendarRule(month=self.month, day=self.day, day_of_week=self.day_of_week, hour=self.hour,
                            minute=self.minute, open_days=self.open_days,
                            timezone=timezone or timeutil.local_zone().key)


class ScheduleFiring(db.Model):
    """One period of a schedule, fired once: the unique key makes a second firing a no-op."""

    __tablename__ = "schedule_firings"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(sa.ForeignKey("schedules.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(32))
    fire_time: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    exam_id: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(16), default="created")  # created | failed
    error: Mapped[str] = mapped_column(sa.Text, default="")

    schedule: Mapped[Schedule] = relationship(back_populates="firings")

    __table_args__ = (sa.UniqueConstraint("schedule_id", "period"),)


class SchedulerLease(db.Model):
    """Who runs the scheduler, until when, and its last heartbeat (one row per name)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
