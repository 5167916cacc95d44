"""Study minutes: the heartbeat that credits honest time, and the totals people see.

The page sends a heartbeat about every 30 s while it is visible and the officer
has been active within two minutes. The server credits the real time since the
officer's previous heartbeat (from any tab), at most 60 s, nothing when the gap
shows the page had stopped reporting, nothing for hidden or idle pages, and never
beyond the daily cap. One state row per officer is updated by compare-and-swap,
so two tabs (or two workers) can never both credit the same interval.

The state row also carries the seconds of its local day (for the daily cap);
study_days, one row per officer and day, is the record every total is read from,
kept current by the same atomic write that moves the state row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .. import timeutil
from ..extensions import db
from ..periods import local_day, quarter_end, quarter_start, week_start
from ..site_settings import get_setting
from ..upsert import insert_ignore
from ..write_turns import write_turn
from .models import StudyDay, StudyHeartbeatState

MAX_CREDIT_SECONDS = 60
# A longer silence means the page stopped reporting (hidden, asleep, idle):
# the first heartbeat after it starts a new interval and credits nothing.
MAX_GAP_SECONDS = 120
CAS_RETRIES = 3


@dataclass(frozen=True)
class HeartbeatResult:
    credited_seconds: int
    today_seconds: int

    @property
    def today_minutes(self) -> int:
        return self.today_seconds // 60


class _Statements:
    """The heartbeat's statements, built once per dialect: the endpoint is hot and
    building SQLAlchemy constructs per request would cost more than running them."""

    def __init__(self, dialect: str):
        state, days = StudyHeartbeatState.__table__, StudyDay.__table__
        oid, last, day, seconds = (sa.bindparam(n) for n in ("oid", "last", "day", "seconds"))
        self.read = sa.select(state.c.last_beat_ms, state.c.day, state.c.today_seconds).where(
            state.c.officer_id == oid)
        values = {"last_beat_ms": sa.bindparam("new_last"), "day": sa.bindparam("new_day"),
                  "today_seconds": sa.bindparam("new_seconds")}
        unchanged = (state.c.officer_id == oid, state.c.day == day, state.c.today_seconds == seconds)
        # Compare-and-swap: only if nobody moved the row since it was read.
        self.swap = sa.update(state).where(state.c.last_beat_ms == last, *unchanged).values(**values)
        self.swap_from_null = sa.update(state).where(state.c.last_beat_ms.is_(None), *unchanged).values(**values)
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(days)
        upsert = insert.values(officer_id=oid, day=sa.bindparam("new_day"), seconds=sa.bindparam("credit"))
        self.add_day = upsert.on_conflict_do_update(index_elements=["officer_id", "day"],
                                                    set_={"seconds": days.c.seconds + upsert.excluded.seconds})
        # PostgreSQL: the swap and the day's total in one statement, so that an
        # autocommit connection makes both at once or neither, in one round trip.
        self.combined = dialect == "postgresql"
        if self.combined:
            self.swap_and_add = self._with_day(self.swap, days)
            self.swap_from_null_and_add = self._with_day(self.swap_from_null, days)

    @staticmethod
    def _with_day(swap, days):
        state = StudyHeartbeatState.__table__
        swapped = swap.returning(state.c.officer_id).cte("swapped")
        credit = sa.cast(sa.bindparam("credit"), sa.Integer)
        added = postgresql.insert(days).from_select(
            ["officer_id", "day", "seconds"],
            sa.select(swapped.c.officer_id, sa.cast(sa.bindparam("new_day"), sa.Date), credit).where(credit > 0),
        )
        added = added.on_conflict_do_update(index_elements=["officer_id", "day"],
                                            set_={"seconds": days.c.seconds + added.excluded.seconds})
        return sa.select(sa.func.count()).select_from(swapped).add_cte(added.cte("added"))


_statements: dict[str, _Statements] = {}
_UNREAD = object()


def _prepared(connection) -> _Statements:
    name = connection.dialect.name
    if name not in _statements:
        _statements[name] = _Statements(name)
    return _statements[name]


def record_heartbeat(officer_id: int, visible: bool = True, active: bool = True,
                     at: datetime | None = None, state=_UNREAD, autocommit=None) -> HeartbeatResult:
    """Credit the time since the officer's previous heartbeat, by the rules above. Commits.

    ``state`` may carry the officer's (last_beat_ms, day, today_seconds) row, or None
    when he has none, read by the caller in the same query that authenticated him.
    With ``autocommit`` (a connection in autocommit mode) the usual case runs with
    no BEGIN/COMMIT round trips: one statement on PostgreSQL, a short explicit
    transaction on SQLite. The first heartbeat and points due go through a
    transaction on the session.
    """
    moment = at or timeutil.now()
    now_ms = int(moment.timestamp() * 1000)
    today = local_day(moment)
    counting = bool(visible and active)
    # SQLite's busy handler waits by sleeping: take a write turn (nothing on PostgreSQL).
    with write_turn(db.engine):
        return _record(officer_id, counting, moment, now_ms, today, state, autocommit)


def _plan(row, counting: bool, now_ms: int, today: date) -> tuple[int, int, dict]:
    """What a heartbeat changes, given the state row read: (credit, today's base, statement parameters)."""
    last_ms, day, seconds = row
    base = seconds if day == today else 0
    credit = 0
    if counting and last_ms is not None:
        gap = (now_ms - last_ms) / 1000
        if 0 < gap <= MAX_GAP_SECONDS:
            credit = min(round(gap), MAX_CREDIT_SECONDS)
    if credit:
        credit = max(0, min(credit, get_setting("study.daily_cap_minutes") * 60 - base))
    params = {"last": last_ms, "day": day, "seconds": seconds, "new_last": now_ms if counting else None,
              "new_day": today, "new_seconds": base + credit, "credit": credit}
    return credit, base, params


def _record(officer_id, counting, moment, now_ms, today, known, autocommit) -> HeartbeatResult:
    from ..points.services import study_points_due

    if autocommit is not None and known not in (_UNREAD, None):
        credit, base, params = _plan(known, counting, now_ms, today)
        if not (credit and study_points_due(base, base + credit)):
            params["oid"] = officer_id
            if _swap_autocommit(autocommit, known[0] is None, credit, params):
                return HeartbeatResult(credit, base + credit)
            known = _UNREAD  # lost a race with another tab: read again, in a transaction
    return _credit(officer_id, counting, moment, now_ms, today, known)


def _swap_autocommit(connection, from_null: bool, credit: int, params: dict) -> bool:
    """The compare-and-swap (and the day's total when time is credited), atomically; True if it won."""
    sql = _prepared(connection)
    if not credit:
        return connection.execute(sql.swap_from_null if from_null else sql.swap, params).rowcount == 1
    if sql.combined:
        return connection.execute(sql.swap_from_null_and_add if from_null else sql.swap_and_add,
                                  params).scalar() == 1
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        won = connection.execute(sql.swap_from_null if from_null else sql.swap, params).rowcount == 1
        if won:
            connection.execute(sql.add_day, params)
    except BaseException:
        connection.exec_driver_sql("ROLLBACK")
        raise
    connection.exec_driver_sql("COMMIT" if won else "ROLLBACK")
    return won


def _credit(officer_id: int, counting: bool, moment: datetime, now_ms: int, today: date, known) -> HeartbeatResult:
    """The compare-and-swap loop, in a transaction on the session."""
    from ..points.services import award_study_seconds

    for _ in range(CAS_RETRIES):
        connection = db.session.connection()
        sql = _prepared(connection)
        if known is _UNREAD:
            row = connection.execute(sql.read, {"oid": officer_id}).first()
        else:
            row, known = known, _UNREAD
        if row is None:
            inserted = insert_ignore(StudyHeartbeatState, {
                "officer_id": officer_id, "last_beat_ms": now_ms if counting else None, "day": today,
                "today_seconds": 0}, ["officer_id"])
            db.session.commit()
            if inserted:
                return HeartbeatResult(0, 0)
            continue
        credit, base, params = _plan(row, counting, now_ms, today)
        params["oid"] = officer_id
        swapped = connection.execute(sql.swap if row[0] is not None else sql.swap_from_null, params).rowcount
        if swapped != 1:  # another tab or worker got there first: read again
            db.session.rollback()
            continue
        if credit:
            connection.execute(sql.add_day, params)
            award_study_seconds(officer_id, today, base, base + credit, moment)
        db.session.commit()
        return HeartbeatResult(credit, base + credit)
    return HeartbeatResult(0, daily_seconds(officer_id, today, today).get(today, 0))


def daily_seconds(officer_id: int, start: date, end: date) -> dict[date, int]:
    """Seconds credited to an officer per local day between two days inclusive."""
    rows = db.session.execute(
        sa.select(StudyDay.day, StudyDay.seconds)
        .where(StudyDay.officer_id == officer_id, StudyDay.day >= start, StudyDay.day <= end)
    ).all()
    return {day: int(seconds) for day, seconds in rows}


@dataclass(frozen=True)
class MinutesSummary:
    today: int
    week: int
    quarter: int
    target: int
    quarter_start: date
    quarter_end: date

    @property
    def percent(self) -> int:
        """Share of the quarter's target reached, 0–100."""
        return 100 if not self.target else min(100, self.quarter * 100 // self.target)


def minutes_summary(officer_id: int, today: date | None = None) -> MinutesSummary:
    """Minutes today, this week and this quarter, with the quarter's target (one query)."""
    today = today or local_day()
    week, quarter = week_start(today), quarter_start(today)
    seconds = StudyDay.seconds
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((StudyDay.day == today, seconds), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((StudyDay.day >= week, seconds), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((StudyDay.day >= quarter, seconds), else_=0)), 0),
        ).where(StudyDay.officer_id == officer_id, StudyDay.day >= min(week, quarter), StudyDay.day <= today)
    ).one()
    return MinutesSummary(int(row[0]) // 60, int(row[1]) // 60, int(row[2]) // 60,
                          get_setting("study.quarter_target_minutes"), quarter, quarter_end(today))


def minutes_by_officer(start: date, end: date, officer_ids=None) -> dict[int, int]:
    """Minutes per officer between two local days inclusive (GROUP BY), for reports and reminders."""
    query = (sa.select(StudyDay.officer_id, sa.func.sum(StudyDay.seconds))
             .where(StudyDay.day >= start, StudyDay.day <= end).group_by(StudyDay.officer_id))
    if officer_ids is not None:
        query = query.where(StudyDay.officer_id.in_(list(officer_ids)))
    return {officer_id: int(total) // 60 for officer_id, total in db.session.execute(query)}


def quarter_minutes(officer_ids=None, day: date | None = None) -> dict[int, int]:
    """Minutes per officer in the quarter containing ``day`` (today by default)."""
    day = day or local_day()
    return minutes_by_officer(quarter_start(day), quarter_end(day), officer_ids)


__all__ = ["HeartbeatResult", "MinutesSummary", "record_heartbeat", "minutes_summary", "minutes_by_officer",
           "quarter_minutes", "daily_seconds"]
