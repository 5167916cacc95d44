"""Points use cases: rule-based awards (idempotent, capped per day), admin corrections
and leaderboards by SQL aggregation."""
from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from .. import timeutil
from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from ..periods import local_day
from ..roster.models import Department, Officer
from ..site_settings import get_setting
from ..transactions import transaction
from ..upsert import insert_ignore
from .models import PointsEntry

log = logging.getLogger(__name__)
MAX_ADJUSTMENT = 10000


class PointsError(DomainError):
    """A points correction refused, with a Chinese message."""


def award(officer_id: int, points: int, reason: str, reference: str, at: datetime | None = None,
          note: str = "") -> bool:
    """Add a ledger entry unless this (officer, reason, reference) was awarded before (caller commits)."""
    if not points:
        return False
    at = at or timeutil.now()
    inserted = insert_ignore(PointsEntry, {
        "officer_id": officer_id, "points": int(points), "reason": reason, "reference": reference[:100],
        "note": note[:300], "day": local_day(at), "at": at, "actor_id": None,
    }, ["officer_id", "reason", "reference"])
    return inserted > 0


def awarded_on(officer_id: int, reason: str, day: date) -> int:
    """Points an officer got for one reason on one local day."""
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PointsEntry.points), 0))
        .where(PointsEntry.officer_id == officer_id, PointsEntry.reason == reason, PointsEntry.day == day)
    ))


def award_practice_answer(officer_id: int, answer_id: int, at: datetime) -> int:
    """Points for one correct practice answer, within the daily cap (caller commits)."""
    each = get_setting("points.practice_correct_points")
    cap = get_setting("points.practice_daily_cap")
    if each <= 0 or cap <= 0:
        return 0
    room = cap - awarded_on(officer_id, "practice", local_day(at))
    given = min(each, room)
    if given > 0 and award(officer_id, given, "practice", f"answer:{answer_id}", at):
        return given
    return 0


def study_points_due(before: int, after: int) -> bool:
    """Whether going from ``before`` to ``after`` study seconds today completes a points block."""
    block = get_setting("points.study_minutes_per_block") * 60
    return after // block != before // block


def award_study_seconds(officer_id: int, day: date, before: int, after: int, at: datetime) -> int:
    """Points for each block of N study minutes completed today between two totals,
    within the daily cap (caller commits). Cheap: no query unless a block completes."""
    if not study_points_due(before, after):
        return 0
    block = get_setting("points.study_minutes_per_block") * 60
    each = get_setting("points.study_points_per_block")
    cap = get_setting("points.study_daily_cap")
    given = 0
    for number in range(before // block + 1, after // block + 1):
        points = min(each, cap - (number - 1) * each)
        if points > 0 and award(officer_id, points, "study", f"study:{day.isoformat()}:{number}", at,
                                note=f"当日学习满{number * block // 60}分钟"):
            given += points
    return given


def on_attempt_submitted(sender, **_extra) -> None:
    """Exam points when an attempt is submitted: once per exam for taking it, once for passing.

    Runs in the exam's transaction; tolerant of senders without the expected
    attributes, and idempotent (a resubmission or a second attempt adds nothing).
    """
    officer_id = getattr(sender, "officer_id", None)
    exam_id = getattr(sender, "exam_id", None)
    if officer_id is None or exam_id is None:
        return
    at = getattr(sender, "submitted_at", None) or timeutil.now()
    if not isinstance(at, datetime) or at.tzinfo is None:
        at = timeutil.now()
    title = getattr(getattr(sender, "exam", None), "title", None) or f"考试{exam_id}"
    try:
        with db.session.begin_nested():
            award(officer_id, get_setting("points.exam_taken_points"), "exam_taken", f"exam:{exam_id}", at,
                  note=f"参加“{title}”")
            if getattr(sender, "passed", False):
                award(officer_id, get_setting("points.exam_passed_points"), "exam_passed", f"exam:{exam_id}", at,
                      note=f"“{title}”合格")
    except Exception:  # points must never break an exam submission
        log.exception("exam points for attempt %s not awarded", getattr(sender, "id", None))


PLACE_SETTINGS = {1: "points.contest_first_points", 2: "points.contest_second_points", 3: "points.contest_third_points"}
PLACE_NAMES = {1: "第一名", 2: "第二名", 3: "第三名"}


def award_contest_points(reference: str, title: str, participants, places, at: datetime | None = None) -> int:
    """Contest points by the rules: every participant for taking part, and the first three
    places (shared places share the award) on top. ``places`` maps officer id to place.
    Idempotent per contest (``reference``); returns the points given (caller commits)."""
    at = at or timeutil.now()
    given = 0
    taken = get_setting("points.contest_taken_points")
    for officer_id in participants:
        if award(officer_id, taken, "contest_taken", reference, at, note=f"参加“{title}”"):
            given += taken
    for officer_id, place in places.items():
        if place in PLACE_SETTINGS:
            points = get_setting(PLACE_SETTINGS[place])
            if award(officer_id, points, "contest_place", reference, at, note=f"“{title}”{PLACE_NAMES[place]}"):
                given += points
    return given


def adjust_points(actor, officer: Officer, points, note: str) -> PointsEntry:
    """An admin's manual correction with a reason (audited). Commits."""
    try:
        points = int(str(points).strip())
    except (TypeError, ValueError):
        raise PointsError("分值应为整数（扣分用负数）。") from None
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        raise PointsError(f"分值应为非零整数，绝对值不超过{MAX_ADJUSTMENT}。")
    note = (note or "").strip()
    if not note:
        raise PointsError("请填写调整原因。")
    moment = timeutil.now()
    entry = PointsEntry(officer_id=officer.id, points=points, reason="manual", reference=f"manual:{uuid.uuid4().hex}",
                        note=note[:300], day=local_day(moment), at=moment, actor_id=getattr(actor, "id", None))
    with transaction():
        db.session.add(entry)
        db.session.flush()
        record(actor, "points.adjust", target=officer,
               summary=f"调整{officer.name}（{officer.badge}）积分{points:+d}：{note}", points=points, note=note)
    return entry


# ---------------------------------------------------------------- reading

def officer_total(officer_id: int, since: date | None = None) -> int:
    """An officer's points, all time or since a local day."""
    query = sa.select(sa.func.coalesce(sa.func.sum(PointsEntry.points), 0)).where(PointsEntry.officer_id == officer_id)
    if since:
        query = query.where(PointsEntry.day >= since)
    return int(db.session.scalar(query))


def officer_breakdown(officer_id: int, since: date | None = None) -> list[tuple[str, int]]:
    """Points per reason for an officer."""
    query = (sa.select(PointsEntry.reason, sa.func.sum(PointsEntry.points))
             .where(PointsEntry.officer_id == officer_id).group_by(PointsEntry.reason).order_by(PointsEntry.reason))
    if since:
        query = query.where(PointsEntry.day >= since)
    return [(reason, int(total)) for reason, total in db.session.execute(query)]


def history_query(officer_id: int):
    """An officer's ledger, newest first."""
    return (sa.select(PointsEntry).where(PointsEntry.officer_id == officer_id)
            .order_by(PointsEntry.at.desc(), PointsEntry.id.desc()))


def leaderboard(since: date | None = None, department: Department | None = None, limit: int = 50) -> list[dict]:
    """Officers ranked by points (GROUP BY), for the bureau or one department's subtree."""
    total = sa.func.sum(PointsEntry.points).label("total")
    query = (
        sa.select(Officer.id, Officer.name, Officer.badge, Department.path, total)
        .join(PointsEntry, PointsEntry.officer_id == Officer.id)
        .join(Department, Department.id == Officer.department_id)
        .where(Officer.counts_as_officer)
        .group_by(Officer.id, Officer.name, Officer.badge, Department.path)
        .order_by(total.desc(), Officer.badge)
        .limit(limit)
    )
    if since:
        query = query.where(PointsEntry.day >= since)
    if department is not None:
        query = query.where(department.subtree_clause())
    rows = db.session.execute(query).all()
    return [{"rank": index, "officer_id": oid, "name": name, "badge": badge, "department": path, "points": int(points)}
            for index, (oid, name, badge, path, points) in enumerate(rows, start=1)]


def department_ranking(since: date | None = None) -> list[dict]:
    """Departments ranked by average points per active officer (one GROUP BY)."""
    points = sa.select(PointsEntry.officer_id, sa.func.sum(PointsEntry.points).label("points")).group_by(
        PointsEntry.officer_id)
    if since:
        points = points.where(PointsEntry.day >= since)
    points = points.subquery()
    total = sa.func.coalesce(sa.func.sum(points.c.points), 0)
    officers = sa.func.count(Officer.id)
    rows = db.session.execute(
        sa.select(Department.path, officers, total)
        .join(Officer, Officer.department_id == Department.id)
        .outerjoin(points, points.c.officer_id == Officer.id)
        .where(Officer.counts_as_officer)
        .group_by(Department.id, Department.path)
        .order_by((total * 1.0 / officers).desc(), Department.path)
    ).all()
    return [{"department": path, "officers": count, "points": int(sum_), "average": round(int(sum_) / count, 1)}
            for path, count, sum_ in rows]
