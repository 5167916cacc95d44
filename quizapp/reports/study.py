"""Study-minute and points reports: GROUP BY queries per officer, per department and per month."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from .. import periods, timeutil
from ..extensions import db
from ..roster.models import Department, Officer
from ..roster.services import subtree_condition
from .services import display_department


def quarter_bounds(day: date) -> tuple[date, date]:
    """First and last day of the quarter containing ``day``."""
    return periods.quarter_start(day), periods.quarter_end(day)


def period_target(start: date, end: date) -> int:
    """The study target for a period: the quarter's target, prorated by days for other periods."""
    from ..site_settings import get_setting

    target = get_setting("study.quarter_target_minutes")
    quarter = quarter_bounds(start)
    if (start, end) == quarter:
        return target
    quarter_days = (quarter[1] - quarter[0]).days + 1
    return round(target * ((end - start).days + 1) / quarter_days)


@dataclass(frozen=True)
class OfficerStudyRow:
    """One officer's minutes and points in a period."""

    officer_id: int
    badge: str
    name: str
    department: str
    minutes: int
    points: int
    target: int

    @property
    def below_target(self) -> bool:
        return self.minutes < self.target


@dataclass(frozen=True)
class DepartmentStudyRow:
    """One department's study figures in a period."""

    department: str
    officers: int
    total_minutes: int
    average_minutes: float
    below_target: int
    points: int


def _minutes_per_officer(start: date, end: date):
    """Subquery: officer_id, minutes studied between two local days inclusive."""
    from ..study.models import StudyDay

    return (sa.select(StudyDay.officer_id.label("officer_id"),
                      (sa.func.sum(StudyDay.seconds) // 60).label("minutes"))
            .where(StudyDay.day >= start, StudyDay.day <= end)
            .group_by(StudyDay.officer_id).subquery("minutes"))


def _points_per_officer(start: date, end: date):
    """Subquery: officer_id, points earned between two local days inclusive."""
    from ..points.models import PointsEntry

    return (sa.select(PointsEntry.officer_id.label("officer_id"), sa.func.sum(PointsEntry.points).label("points"))
            .where(PointsEntry.day >= start, PointsEntry.day <= end)
            .group_by(PointsEntry.officer_id).subquery("points"))


def _officer_query(start: date, end: date, departments=None):
    minutes, points = _minutes_per_officer(start, end), _points_per_officer(start, end)
    minutes_col = sa.cast(sa.func.coalesce(minutes.c.minutes, 0), sa.Integer).label("minutes")
    points_col = sa.cast(sa.func.coalesce(points.c.points, 0), sa.Integer).label("points")
    query = (sa.select(Officer.id, Officer.badge, Officer.name, Department.path, minutes_col, points_col)
             .join(Department, Department.id == Officer.department_id)
             .outerjoin(minutes, minutes.c.officer_id == Officer.id)
             .outerjoin(points, points.c.officer_id == Officer.id)
             .where(Officer.counts_as_officer))
    if departments is not None:
        query = query.where(subtree_condition(departments))
    return query, minutes_col, points_col


def officer_rows(start: date, end: date, departments=None, below_only: bool = False) -> list[OfficerStudyRow]:
    """Every active officer (within ``departments`` when given) with minutes and points, fewest minutes first."""
    target = period_target(start, end)
    query, minutes_col, _ = _officer_query(start, end, departments)
    if below_only:
        query = query.where(minutes_col < target)
    rows = db.session.execute(query.order_by(minutes_col, Department.path, Officer.badge)).all()
    return [OfficerStudyRow(oid, badge, name, display_department(path), int(m), int(p), target)
            for oid, badge, name, path, m, p in rows]


def officers_below_target(start: date, end: date, departments=None) -> list[OfficerStudyRow]:
    """Active officers whose minutes in the period are below its target."""
    return officer_rows(start, end, departments, below_only=True)


def department_rows(start: date, end: date, departments=None) -> list[DepartmentStudyRow]:
    """Per department: officers, total and average minutes, how many are below target, points."""
    target = period_target(start, end)
    per_officer, minutes_col, points_col = _officer_query(start, end, departments)
    per_officer = per_officer.subquery("per_officer")
    rows = db.session.execute(
        sa.select(per_officer.c.path, sa.func.count(), sa.func.sum(per_officer.c.minutes),
                  sa.func.avg(per_officer.c.minutes),
                  sa.func.count(sa.case((per_officer.c.minutes < target, 1))), sa.func.sum(per_officer.c.points))
        .group_by(per_officer.c.path).order_by(per_officer.c.path)
    ).all()
    return [DepartmentStudyRow(display_department(path), count, int(total or 0), round(float(avg or 0), 1),
                               int(below), int(points or 0))
            for path, count, total, avg, below, points in rows]


@dataclass(frozen=True)
class MonthRow:
    """Participation in one month of a year."""

    month: int
    exams: int
    candidates: int
    participated: int
    studying_officers: int
    study_minutes: int

    @property
    def participation_rate(self) -> float | None:
        return round(self.participated / self.candidates, 4) if self.candidates else None


def year_rows(year: int, departments=None) -> list[MonthRow]:
    """Per month of the year: exams opened, their candidates and participants, and who studied how long."""
    from ..exams.models import Attempt, Candidate, Exam
    from ..study.models import StudyDay

    zone = timeutil.local_zone()
    month_of = sa.extract("month", StudyDay.day)
    study_query = (sa.select(month_of, sa.func.count(sa.distinct(StudyDay.officer_id)), sa.func.sum(StudyDay.seconds))
                   .join(Officer, Officer.id == StudyDay.officer_id)
                   .where(StudyDay.day >= date(year, 1, 1), StudyDay.day <= date(year, 12, 31),
                          Officer.is_service_account.is_(False)))  # past study of since-deactivated officers still counts
    if departments is not None:
        study_query = (study_query.join(Department, Department.id == Officer.department_id)
                       .where(subtree_condition(departments)))
    study = {int(m): (n, int(s or 0) // 60) for m, n, s in db.session.execute(study_query.group_by(month_of))}

    submitted = (sa.select(Attempt.exam_id, Attempt.officer_id).where(Attempt.submitted_at.is_not(None))
                 .distinct().subquery("submitted"))
    rows = []
    for month in range(1, 13):
        since = datetime.combine(date(year, month, 1), time(), zone).astimezone(UTC)
        following = date(year + (month == 12), month % 12 + 1, 1)
        until = datetime.combine(following, time(), zone).astimezone(UTC)
        query = (sa.select(sa.func.count(sa.distinct(Exam.id)), sa.func.count(Candidate.id),
                           sa.func.count(submitted.c.officer_id))
                 .select_from(Exam)
                 .outerjoin(Candidate, sa.and_(Candidate.exam_id == Exam.id, Candidate.replaced_at.is_(None)))
                 .outerjoin(submitted, sa.and_(submitted.c.exam_id == Exam.id,
                                               submitted.c.officer_id == Candidate.officer_id))
                 .where(Exam.opens_at >= since, Exam.opens_at < until))
        if departments is not None:
            query = (query.join(Department, Department.id == Candidate.department_id)
                     .where(subtree_condition(departments)))
        exams, candidates, participated = db.session.execute(query).one()
        studying, minutes = study.get(month, (0, 0))
        rows.append(MonthRow(month, exams, candidates, participated, studying, minutes))
    return rows


def default_period(today: date | None = None) -> tuple[date, date]:
    """The current quarter."""
    return quarter_bounds(today or periods.local_day())
