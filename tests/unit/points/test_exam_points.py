"""Exam points end to end: a real attempt submitted through the exams area earns them once."""
from __future__ import annotations

import sqlalchemy as sa

from quizapp.exams import attempts, definitions, saving
from quizapp.extensions import db
from quizapp.points.models import PointsEntry
from quizapp.points.services import officer_total
from tests.exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer
from tests.factories import make_officer


def test_a_passed_exam_earns_taking_and_passing_points_once(app):
    bank = make_bank(single=10, judge=10)
    officer = make_officer(department="市公安局/治安大队")
    exam = definitions.create_exam(make_organiser(), exam_spec(bank, departments=("市公安局/治安大队",)))
    attempt = attempts.start_attempt(officer, exam)
    for item in items_of(attempt.id):
        saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    attempts.submit_attempt(attempt.id)
    attempts.submit_attempt(attempt.id)  # submitting twice changes nothing
    reasons = sorted(db.session.scalars(sa.select(PointsEntry.reason).where(PointsEntry.officer_id == officer.id)))
    assert reasons == ["exam_passed", "exam_taken"]
    assert officer_total(officer.id) == 10  # default rules: 5 for taking, 5 for passing
