"""How an exam is going: the live board, reminders to those who have not started, and who
needs a makeup."""
from __future__ import annotations

import sqlalchemy as sa

from .. import timeutil
from ..audit.services import record
from ..extensions import db
from ..notifications.services import notify
from ..roster.models import Department, Officer
from ..transactions import transaction
from .access import require_manager
from .errors import ExamError
from .models import Attempt, Candidate, Exam


# Each candidate is in exactly one of these, in this order on the board.
STATES = {"not_started": "未开始", "in_progress": "答题中", "submitted": "已交卷"}


def _officer_states(exam: Exam):
    """Subquery: per officer who began, whether an attempt is still open (answering) or all are
    submitted, and when the latest began and was submitted. An officer absent from it has not started."""
    return (sa.select(Attempt.officer_id,
                      sa.func.max(sa.case((Attempt.submitted_at.is_(None), 1), else_=0)).label("open"),
                      sa.func.max(Attempt.started_at).label("started_at"),
                      sa.func.max(Attempt.submitted_at).label("submitted_at"))
            .where(Attempt.exam_id == exam.id).group_by(Attempt.officer_id).subquery())


def _candidates(exam: Exam, department: str | None = None):
    """Conditions for the exam's current (not replaced) candidates, optionally of one department."""
    conditions = [Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None)]
    if department:
        conditions.append(Department.path == department)
    return conditions


def board(exam: Exam) -> dict:
    """Invited / not started / answering (started, not submitted) / submitted, overall and per department.

    ``started`` (answering + submitted) stays for the API's readers. SQL aggregates, one query.
    """
    states = _officer_states(exam)
    rows = db.session.execute(
        sa.select(Department.path, sa.func.count(Candidate.id), sa.func.count(states.c.officer_id),
                  sa.func.coalesce(sa.func.sum(states.c.open), 0))
        .select_from(Candidate)
        .join(Department, Department.id == Candidate.department_id)
        .outerjoin(states, states.c.officer_id == Candidate.officer_id)
        .where(*_candidates(exam))
        .group_by(Department.path).order_by(Department.path)
    ).all()
    departments = [{"department": path, "invited": invited, "started": int(begun), "in_progress": int(answering),
                    "submitted": int(begun) - int(answering), "not_started": invited - int(begun)}
                   for path, invited, begun, answering in rows]
    keys = ("invited", "started", "in_progress", "submitted", "not_started")
    totals = {key: sum(d[key] for d in departments) for key in keys}
    return {**totals, "departments": departments}


def board_people(exam: Exam, state: str, department: str | None = None) -> list[dict]:
    """The candidates in one board state (not_started / in_progress / submitted), optionally of one department."""
    if state not in STATES:
        raise ExamError("未知的答题状态。", status=422, code="invalid_state")
    states = _officer_states(exam)
    condition = {"not_started": states.c.officer_id.is_(None), "in_progress": states.c.open == 1,
                 "submitted": states.c.open == 0}[state]
    rows = db.session.execute(
        sa.select(Officer.badge, Officer.name, Department.path, states.c.started_at, states.c.submitted_at)
        .select_from(Candidate)
        .join(Officer, Officer.id == Candidate.officer_id)
        .join(Department, Department.id == Candidate.department_id)
        .outerjoin(states, states.c.officer_id == Candidate.officer_id)
        .where(*_candidates(exam, department), condition)
        .order_by(Department.path, Officer.badge)
    ).all()
    return [{"badge": badge, "name": name, "department": path, "started_at": started, "submitted_at": submitted}
            for badge, name, path, started, submitted in rows]


def not_started_officer_ids(exam: Exam, department: str | None = None) -> list[int]:
    """Invited candidates who have not started the exam (the board's 未开始), optionally of one department."""
    states = _officer_states(exam)
    return list(db.session.scalars(
        sa.select(Candidate.officer_id)
        .join(Department, Department.id == Candidate.department_id)
        .outerjoin(states, states.c.officer_id == Candidate.officer_id)
        .where(*_candidates(exam, department), states.c.officer_id.is_(None))
    ))


def remind_not_started(actor, exam: Exam, department: str | None = None) -> int:
    """Send an in-app reminder to candidates who have not started — all, or one department's —
    at most once an hour each. Commits."""
    require_manager(actor, exam)
    if exam.is_closed:
        raise ExamError("考试已结束。", status=409, code="exam_closed")
    if department and not db.session.scalar(
            sa.select(sa.func.count(Candidate.id)).join(Department, Department.id == Candidate.department_id)
            .where(*_candidates(exam, department))):
        raise ExamError(f"本次考试没有“{department}”的考生。", code="unknown_department", field="department")
    stamp = timeutil.now().strftime("%Y%m%d%H")
    with transaction():
        count = notify(not_started_officer_ids(exam, department), "reminder", f"请尽快参加考试：{exam.title}",
                       f"考试将于{timeutil.format_local(exam.closes_at)}结束，请及时完成。", link=f"/exams/{exam.id}",
                       dedupe_key=f"exam-{exam.id}-remind-{stamp}")
        who = f"{department}未参考人员" if department else "未参考人员"
        record(actor, "exam.remind", target=exam, summary=f"提醒“{exam.title}”{who}{count}人", count=count,
               department=department)
    return count


def makeup_officer_ids(exam: Exam) -> list[int]:
    """Invited candidates who failed the exam or never submitted it."""
    passed = sa.select(Attempt.officer_id).where(Attempt.exam_id == exam.id, Attempt.passed.is_(True))
    return list(db.session.scalars(
        sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None),
                                              Candidate.officer_id.not_in(passed)).order_by(Candidate.officer_id)))
