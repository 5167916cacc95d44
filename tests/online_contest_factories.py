"""Builders for online-contest tests: a ranked exam and attempts with a chosen score and time."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from quizapp import timeutil
from quizapp.exams import attempts, definitions
from quizapp.exams.models import Answer, Attempt
from quizapp.extensions import db

from .exam_factories import exam_spec, items_of, right_answer, wrong_answer


def ranked_exam(bank, organiser, **overrides):
    """A ranked exam of 10 questions (10 points each after scaling) for 治安大队 and 刑侦大队."""
    overrides.setdefault("departments", ("市公安局/治安大队", "市公安局/刑侦大队"))
    overrides.setdefault("attempts_allowed", 2)
    return definitions.create_exam(organiser, exam_spec(bank, title="党章知识竞答", ranked=True, **overrides))


def sit(officer, exam, right: int, seconds: int, finished: datetime | None = None) -> Attempt:
    """A submitted attempt with ``right`` correct answers (10 points each), ``seconds`` used,
    submitted at ``finished`` (default: now)."""
    attempt = attempts.start_attempt(officer, exam)
    items = items_of(attempt.id)
    db.session.execute(sa.insert(Answer), [
        {"attempt_id": attempt.id, "question_id": item.question_id, "seq": 1, "saved_at": attempt.started_at,
         "answer": right_answer(item) if n < right else wrong_answer(item)} for n, item in enumerate(items)])
    db.session.commit()
    attempts.submit_attempt(attempt.id)
    finished = finished or timeutil.now()
    db.session.execute(sa.update(Attempt).where(Attempt.id == attempt.id).values(
        started_at=finished - timedelta(seconds=seconds), submitted_at=finished))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)
