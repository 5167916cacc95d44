"""Uploads waiting between preview and confirm, kept in the database.

App servers stay stateless (PRODUCT.md §7): whichever worker serves the confirm
finds the file the preview read.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from . import timeutil
from .extensions import UTCDateTime, db

KEEP_FOR = timedelta(hours=6)


class PendingUpload(db.Model):
    """A file uploaded for preview, confirmed or discarded later."""

    __tablename__ = "pending_uploads"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("officers.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    options: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=timeutil.now, index=True)


def stash(kind: str, owner, filename: str, data: bytes, **options) -> str:
    """Keep an upload for a later confirm; returns its token. Commits."""
    db.session.execute(sa.delete(PendingUpload).where(PendingUpload.created_at < timeutil.now() - KEEP_FOR))
    token = secrets.token_urlsafe(24)
    db.session.add(PendingUpload(token=token, kind=kind, owner_id=owner.id, filename=filename, data=data, options=options))
    db.session.commit()
    return token


def fetch(kind: str, owner, token: str | None) -> PendingUpload | None:
    """The owner's live upload of this kind, or None when stale or foreign."""
    if not token:
        return None
    upload = db.session.get(PendingUpload, token)
    if upload is None or upload.kind != kind or upload.owner_id != owner.id:
        return None
    if upload.created_at < timeutil.now() - KEEP_FOR:
        return None
    return upload


def discard(upload: PendingUpload) -> None:
    """Forget a confirmed upload (in the caller's transaction)."""
    db.session.delete(upload)
