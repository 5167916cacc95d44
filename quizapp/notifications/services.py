"""Sending and reading notifications."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from .. import timeutil
from ..extensions import db
from .models import Notification

KIND_LABELS = {
    "exam": "考试",
    "reminder": "提醒",
    "study": "学习",
    "system": "系统",
}


def notify(officer_ids: Iterable[int], kind: str, title: str, body: str = "", link: str | None = None,
           dedupe_key: str | None = None) -> int:
    """Queue one notification per officer (in the caller's transaction).

    With a dedupe_key, officers who already have a notification with that key are
    skipped, so a job that runs twice sends nothing twice. Returns how many were added.
    """
    ids = sorted(set(officer_ids))
    if not ids:
        return 0
    if dedupe_key:
        already = set(db.session.scalars(
            sa.select(Notification.officer_id).where(
                Notification.dedupe_key == dedupe_key, Notification.officer_id.in_(ids)
            )
        ))
        ids = [i for i in ids if i not in already]
    moment = timeutil.now()
    db.session.execute(
        sa.insert(Notification),
        [dict(officer_id=i, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key, created_at=moment)
         for i in ids],
    ) if ids else None
    return len(ids)


def unread_count(officer_id: int) -> int:
    """How many unread notifications the officer has."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.officer_id == officer_id, Notification.read_at.is_(None))
    ) or 0


def inbox(officer_id: int, limit: int = 100) -> list[Notification]:
    """The officer's notifications, newest first."""
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.officer_id == officer_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def mark_read(officer_id: int, notification_id: int | None = None) -> None:
    """Mark one (or all) of the officer's notifications read. Commits."""
    query = sa.update(Notification).where(Notification.officer_id == officer_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=timeutil.now()))
    db.session.commit()
