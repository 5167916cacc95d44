"""How an exam is going: the live board, reminders to those who have not started, and who
needs a makeup."""
from __future__ import annotations

import sqlalchemy as sa

from .. import timeutil
from ..audit.services import record
from ..extensions import db
from ..notifications.services import notify
from ..roster.models import Department
from ..transactions import transaction
from .access import require_manager
from .errors import ExamError
from .models import Attempt, Candidate, Exam


def board(exam: Exam) -> dict:
    """Invited / started / submitted / not started, overall and per department (SQL aggregates)."""
    started = (sa.select(Attempt.officer_id, sa.func.max(sa.case((Attempt.submitted_at.is_not(None), 1), else_=0))
                         .label("submitted"))
               .where(Attempt.exam_id == exam.id).group_by(Attempt.officer_id).subquery())
    rows = db.session.execute(
        sa.select(Department.path, sa.func.count(Candidate.id), sa.func.count(started.c.officer_id),
                  sa.func.coalesce(sa.func.sum(started.c.submitted), 0))
        .select_from(Candidate)
        .join(Department, Department.id == Candidate.department_id)
        .outerjoin(started, started.c.officer_id == Candidate.officer_id)
        .where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None))
        .group_by(Department.path).order_by(Department.path)
    ).all()
    departments = [{"department": path, "invited": invited, "started": int(begun), "submitted": int(done),
                    "not_started": invited - int(begun)} for path, invited, begun, done in rows]
    totals = {key: sum(d[key] for d in departments) for key in ("invited", "started", "submitted", "not_started")}
    return {**totals, "departments": departments}


def not_started_officer_ids(exam: Exam) -> list[int]:
    """Invited candidates who have not started the exam."""
    return list(db.session.scalars(
        sa.select(Candidate.officer_id).where(
            Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None),
            Candidate.officer_id.not_in(sa.select(Attempt.officer_id).where(Attempt.exam_id == exam.id)))
    ))


def remind_not_started(actor, exam: Exam) -> int:
    """Send an in-app reminder to candidates who have not started (at most once an hour). Commits."""
    require_manager(actor, exam)
    if exam.is_closed:
        raise ExamError("考试已结束。", status=409, code="exam_closed")
    stamp = timeutil.now().strftime("%Y%m%d%H")
    with transaction():
        count = notify(not_started_officer_ids(exam), "reminder", f"请尽快参加考试：{exam.title}",
                       f"考试将于{timeutil.format_local(exam.closes_at)}结束，请及时完成。", link=f"/exams/{exam.id}",
                       dedupe_key=f"exam-{exam.id}-remind-{stamp}")
        record(actor, "exam.remind", target=exam, summary=f"提醒“{exam.title}”未参考人员{count}人", count=count)
    return count


def makeup_officer_ids(exam: Exam) -> list[int]:
    """Invited candidates who failed the exam or never submitted it."""
    passed = sa.select(Attempt.officer_id).where(Attempt.exam_id == exam.id, Attempt.passed.is_(True))
    return list(db.session.scalars(
        sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None),
                                              Candidate.officer_id.not_in(passed)).order_by(Candidate.officer_id)))
