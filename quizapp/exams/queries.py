"""Reads for the exam pages and the API: each one query, none of them writes."""
from __future__ import annotations

import sqlalchemy as sa

from ..banks.models import QuestionBank
from ..extensions import db
from ..roster.models import Department, Officer, OfficerTag
from .access import exams_for_organiser
from .models import Absence, Attempt, Candidate, Draw, Exam


def my_exams(officer) -> list[tuple[Exam, Attempt | None]]:
    """The exams an officer is invited to, each with his latest attempt, latest closing first."""
    latest = (sa.select(Attempt.exam_id, sa.func.max(Attempt.id).label("attempt_id"))
              .where(Attempt.officer_id == officer.id).group_by(Attempt.exam_id).subquery())
    rows = db.session.execute(
        sa.select(Exam, Attempt)
        .join(Candidate, sa.and_(Candidate.exam_id == Exam.id, Candidate.officer_id == officer.id,
                                 Candidate.replaced_at.is_(None)))
        .outerjoin(latest, latest.c.exam_id == Exam.id)
        .outerjoin(Attempt, Attempt.id == latest.c.attempt_id)
        .order_by(Exam.closes_at.desc(), Exam.id.desc())
    ).all()
    return [(exam, attempt) for exam, attempt in rows]


def is_candidate(officer_id: int, exam_id: int) -> bool:
    """Whether the officer is an invited candidate of the exam."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Candidate.exam_id == exam_id, Candidate.officer_id == officer_id, Candidate.replaced_at.is_(None)))))


def latest_attempt(officer_id: int, exam_id: int) -> Attempt | None:
    """The officer's latest attempt at the exam, or None."""
    return db.session.scalar(sa.select(Attempt).where(Attempt.exam_id == exam_id, Attempt.officer_id == officer_id)
                             .order_by(Attempt.number.desc()).limit(1))


def has_attempts(exam: Exam) -> bool:
    """Whether anyone has started the exam."""
    return db.session.scalar(sa.select(sa.exists().where(Attempt.exam_id == exam.id)))


def latest_draw(exam: Exam) -> Draw | None:
    """The exam's last recorded draw, or None."""
    return db.session.scalar(sa.select(Draw).where(Draw.exam_id == exam.id).order_by(Draw.id.desc()).limit(1))


def drawn_officers(draw: Draw) -> list[tuple[str, str, str]]:
    """(badge, name, department path) of the candidates a draw chose, by department then badge."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Officer.badge, Officer.name, Department.path).join(Candidate, Candidate.officer_id == Officer.id)
        .join(Department, Department.id == Candidate.department_id)
        .where(Candidate.draw_id == draw.id).order_by(Department.path, Officer.badge))]


def candidates_with_progress(exam: Exam) -> list:
    """Every candidate (replaced ones last) with officer, department path, latest attempt and
    absences (count, seconds, flagged), by department then badge."""
    latest = (sa.select(Attempt.officer_id, sa.func.max(Attempt.id).label("attempt_id"))
              .where(Attempt.exam_id == exam.id).group_by(Attempt.officer_id).subquery())
    absences = (sa.select(Absence.attempt_id, sa.func.count().label("count"),
                          sa.func.sum(Absence.seconds).label("seconds"),
                          sa.func.sum(sa.case((Absence.tolerated.is_(False), 1), else_=0)).label("flagged"))
                .group_by(Absence.attempt_id).subquery())
    return db.session.execute(
        sa.select(Candidate, Officer, Department.path, Attempt, absences.c.count, absences.c.seconds, absences.c.flagged)
        .join(Officer, Officer.id == Candidate.officer_id).join(Department, Department.id == Candidate.department_id)
        .outerjoin(latest, latest.c.officer_id == Candidate.officer_id)
        .outerjoin(Attempt, Attempt.id == latest.c.attempt_id)
        .outerjoin(absences, absences.c.attempt_id == Attempt.id)
        .where(Candidate.exam_id == exam.id).order_by(Candidate.replaced_at.is_not(None), Department.path, Officer.badge)
    ).all()


def candidate_of(exam: Exam, candidate_id: int) -> Candidate | None:
    """The exam's candidate by id, or None (also when it belongs to another exam)."""
    return db.session.scalar(sa.select(Candidate).where(Candidate.id == candidate_id, Candidate.exam_id == exam.id))


def attempt_of(exam: Exam, attempt_id: int) -> Attempt | None:
    """The exam's attempt by id, or None (also when it belongs to another exam)."""
    return db.session.scalar(sa.select(Attempt).where(Attempt.id == attempt_id, Attempt.exam_id == exam.id))


def absences_of(attempt: Attempt) -> list[Absence]:
    """The attempt's absence log, earliest first."""
    return list(db.session.scalars(sa.select(Absence).where(Absence.attempt_id == attempt.id)
                                   .order_by(Absence.left_at)))


def managed_exams_page(user, per_page: int):
    """The request's page of the exams the organiser manages, with the rows their question counts need."""
    query = exams_for_organiser(user).options(sa.orm.selectinload(Exam.rules_rows),
                                              sa.orm.selectinload(Exam.fixed_rows))
    return db.paginate(query, per_page=per_page, error_out=False)


def banks_by_name() -> list[QuestionBank]:
    """Every question bank, for a blueprint's bank choice."""
    return list(db.session.scalars(sa.select(QuestionBank).order_by(QuestionBank.name)))


def officer_tags() -> set[str]:
    """Every tag in use on the roster, for narrowing an exam to a group."""
    return set(db.session.scalars(sa.select(OfficerTag.tag).distinct()))


def bank_references(bank) -> str | None:
    """What of the exams uses a bank's questions — blueprint rules, fixed papers or sat papers — or None."""
    from ..banks.models import Question
    from .models import BlueprintRule, ExamQuestion, PaperItem

    question_ids = sa.select(Question.id).where(Question.bank_id == bank.id)
    checks = (
        ("组卷规则", sa.select(BlueprintRule.exam_id).where(BlueprintRule.bank_id == bank.id)),
        ("固定试卷", sa.select(ExamQuestion.exam_id).where(ExamQuestion.question_id.in_(question_ids))),
        ("已生成的试卷", sa.select(PaperItem.id).where(PaperItem.question_id.in_(question_ids))),
    )
    for label, query in checks:
        if db.session.scalar(query.limit(1)) is not None:
            return label
    return None
