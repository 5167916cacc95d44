"""Study materials, who read them, and study minutes (one state row per officer plus daily totals)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timeutil
from ..extensions import UTCDateTime, db

material_departments = sa.Table(
    "study_material_departments",
    db.metadata,
    sa.Column("material_id", sa.ForeignKey("study_materials.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class StudyMaterial(db.Model):
    """A published study text (学习资料); its HTML is sanitised before it is stored."""

    __tablename__ = "study_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    series: Mapped[str] = mapped_column(sa.String(50), default="")
    body_html: Mapped[str] = mapped_column(sa.Text)
    published_on: Mapped[date] = mapped_column(sa.Date, index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now, onupdate=timeutil.now)

    author = relationship("Officer")
    # Empty means the whole bureau; otherwise these departments and everything below them.
    departments = relationship("Department", secondary=material_departments, order_by="Department.path")
    # PDF attachments shown inline under the text, in the publisher's order.
    attachments = relationship("StudyFile", order_by="StudyFile.position", cascade="all, delete-orphan",
                               passive_deletes=True)


class MaterialRead(db.Model):
    """An officer opened a material (first time kept)."""

    __tablename__ = "study_material_reads"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("study_materials.id", ondelete="CASCADE"),
                                             primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)


class StudyHeartbeatState(db.Model):
    """The one row per officer the heartbeat compares and swaps: when the last
    counting heartbeat came (epoch milliseconds, null when the page went hidden
    or idle) and the seconds credited on the current local day."""

    __tablename__ = "study_heartbeat_states"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    last_beat_ms: Mapped[int | None] = mapped_column(sa.BigInteger)
    day: Mapped[date] = mapped_column(sa.Date)
    today_seconds: Mapped[int] = mapped_column(default=0)


class StudyDay(db.Model):
    """Seconds of study credited to an officer on one local day (reports sum these)."""

    __tablename__ = "study_days"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    seconds: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.Index("ix_study_days_day", "day"),)


class StudyFile(db.Model):
    """An image or PDF uploaded for study materials, kept in the database so that
    every app server can serve it (PRODUCT.md §7: app servers keep no files).

    Images are referenced from a material's HTML by their URL; a PDF belongs to
    the material it is attached to (``material_id``), or to nobody yet while the
    publisher is still writing."""

    __tablename__ = "study_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unguessable: the file URL is /study/files/<key>, so an id cannot be walked.
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # "image" or "pdf"
    content_type: Mapped[str] = mapped_column(sa.String(50))
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    material_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("study_materials.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    uploader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now)
