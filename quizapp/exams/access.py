"""Who may run which exam: organisers' scopes over exams and departments."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..roster.models import PATH_SEPARATOR, Department
from ..roster.services import in_scope, scope_departments
from .errors import ExamError
from .models import Exam, exam_departments


def can_manage(user, exam: Exam) -> bool:
    """Admins, and organisers whose scope covers every department of the exam."""
    if user is None or user.role not in ("organiser", "admin"):
        return False
    if scope_departments(user) is None:
        return True
    return bool(exam.departments) and all(in_scope(user, d) for d in exam.departments)


def require_manager(actor, exam: Exam) -> None:
    """Refuse (403) an actor who may not manage the exam; ``None`` is the system (a schedule)."""
    if actor is not None and not can_manage(actor, exam):
        raise ExamError("没有权限管理这场考试。", status=403, code="forbidden")


def exams_for_organiser(user):
    """A select of the exams the organiser may manage, newest first."""
    query = sa.select(Exam).order_by(Exam.opens_at.desc(), Exam.id.desc())
    scopes = scope_departments(user)
    if scopes is None:
        return query
    outside = (sa.select(exam_departments.c.exam_id).join(Department, Department.id == exam_departments.c.department_id)
               .where(sa.not_(sa.or_(*[d.subtree_clause() for d in scopes]))))
    inside = sa.select(exam_departments.c.exam_id)
    return query.where(Exam.id.in_(inside), Exam.id.not_in(outside))


def managed_exam(user, exam_id: int) -> Exam:
    """The exam by id for someone who manages it: 404 when missing, 403 when outside his scope."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise ExamError("考试不存在。", status=404, code="not_found")
    if not can_manage(user, exam):
        raise ExamError("没有权限管理这场考试。", status=403, code="forbidden")
    return exam


def resolve_departments(actor, paths) -> list[Department]:
    """Departments by path, each within the actor's scope; none given: the actor's scope (or all)."""
    departments = []
    for path in paths:
        path = str(path).strip().strip(PATH_SEPARATOR)
        department = db.session.scalar(sa.select(Department).where(Department.path == path))
        if department is None:
            raise ExamError(f"部门“{path}”不存在。")
        if actor is not None and not in_scope(actor, department):
            raise ExamError(f"部门“{path}”不在您的管理范围内。", status=403, code="out_of_scope")
        departments.append(department)
    if not departments and actor is not None:
        departments = scope_departments(actor) or []
    return departments
