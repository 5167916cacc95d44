"""Mock exams (模拟考试): a timed random paper from one bank, graded through the type
registry like a real exam, and recorded apart from real exams. Each write commits once."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from .. import timeutil
from ..banks.models import Question
from ..banks.types import QUESTION_TYPES, AnswerError, grading_key
from ..extensions import db
from .models import MockExam
from .services import PracticeError, active_questions, get_bank

MOCK_DEFAULT_COUNT = 20
MOCK_MAX_COUNT = 100
MOCK_DEFAULT_MINUTES = 30
MOCK_MAX_MINUTES = 180
MOCK_PASS_MARK = 60.0
# Like a real exam: a submission this late after the deadline counts nothing.
MOCK_GRACE_SECONDS = 10


def start_mock(officer_id: int, bank_id: int, count: int = MOCK_DEFAULT_COUNT,
               minutes: int = MOCK_DEFAULT_MINUTES, rng: random.Random | None = None) -> MockExam:
    """Draw a timed random paper from a bank. Commits."""
    get_bank(bank_id)
    if not 1 <= count <= MOCK_MAX_COUNT:
        raise PracticeError(422, "invalid_count", f"题量应在1到{MOCK_MAX_COUNT}之间。")
    if not 1 <= minutes <= MOCK_MAX_MINUTES:
        raise PracticeError(422, "invalid_minutes", f"时长应在1到{MOCK_MAX_MINUTES}分钟之间。")
    ids = list(db.session.scalars(active_questions(bank_id).with_only_columns(Question.id).order_by(Question.id)))
    if not ids:
        raise PracticeError(409, "empty_bank", "该题库没有可用的题目。")
    chosen = (rng or random.SystemRandom()).sample(ids, min(count, len(ids)))
    moment = timeutil.now()
    mock = MockExam(officer_id=officer_id, bank_id=bank_id, question_ids=chosen,
                    points_each=round(100.0 / len(chosen), 4), pass_mark=MOCK_PASS_MARK,
                    started_at=moment, deadline=moment + timedelta(minutes=minutes), answers={}, results={})
    db.session.add(mock)
    db.session.commit()
    return mock


def get_mock(officer_id: int, mock_id: int) -> MockExam:
    """One of the officer's own mock exams, or PracticeError 404."""
    mock = db.session.get(MockExam, mock_id)
    if mock is None or mock.officer_id != officer_id:
        raise PracticeError(404, "not_found", "模拟考试不存在。")
    return mock


def mock_questions(mock: MockExam) -> list[Question]:
    """The paper's questions in paper order (retired ones included: the paper is fixed)."""
    by_id = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(mock.question_ids)))}
    return [by_id[i] for i in mock.question_ids if i in by_id]


def submit_mock(officer_id: int, mock_id: int, answers: dict) -> MockExam:
    """Grade a mock paper through the type registry; late papers count nothing. Idempotent. Commits."""
    mock = get_mock(officer_id, mock_id)
    if mock.finished:
        return mock
    moment = timeutil.now()
    late = moment > mock.deadline + timedelta(seconds=MOCK_GRACE_SECONDS)
    kept, results, score = {}, {}, 0.0
    for question in mock_questions(mock):
        raw = None if late else answers.get(str(question.id), answers.get(question.id))
        qtype = QUESTION_TYPES[question.type]
        try:
            answer = qtype.parse_answer(raw, question.options or []) if raw not in (None, "", []) else None
        except AnswerError:
            answer = None
        if answer is None or qtype.is_blank(answer):
            grade_score, correct = 0.0, False
        else:
            grade = qtype.grade(grading_key(question.type, question.answer, question.any_order), answer,
                                mock.points_each)
            grade_score, correct = grade.score, grade.correct
            kept[str(question.id)] = answer
        results[str(question.id)] = {"correct": correct, "score": round(grade_score, 2)}
        score += grade_score
    mock.answers, mock.results = kept, results
    mock.score = round(min(score, 100.0), 1)
    mock.passed = mock.score >= mock.pass_mark
    mock.expired = late
    mock.submitted_at = moment
    db.session.commit()
    return mock


def recent_mocks(officer_id: int, bank_id: int, limit: int = 5) -> list[MockExam]:
    """The officer's latest mock exams on a bank."""
    return list(db.session.scalars(
        sa.select(MockExam).where(MockExam.officer_id == officer_id, MockExam.bank_id == bank_id)
        .order_by(MockExam.started_at.desc()).limit(limit)
    ))
