"""Grading an exam paper: pure functions over the question-type registry.

Single and judge are exact; multiple is all-or-nothing, or half points for a
correct subset with no wrong choice when the exam allows partial credit; fill
matches any accepted alternative after normalising spaces, width and case.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..banks.types import QUESTION_TYPES, AnswerError, Grade


@dataclass(frozen=True)
class PaperQuestion:
    """What grading needs of a paper question (shown keys, not the bank's)."""

    question_id: int
    type: str
    key: object
    points: float
    options: tuple = ()


@dataclass(frozen=True)
class PaperGrade:
    """The graded paper: total score, per-question grades, and pass or fail."""

    score: float
    passed: bool
    grades: dict[int, Grade]


def grade_answer(question: PaperQuestion, answer, partial_credit: bool = False) -> Grade:
    """Grade one answer; a missing or malformed answer earns nothing."""
    qtype = QUESTION_TYPES[question.type]
    if answer is None or qtype.is_blank(answer):
        return Grade(0.0, False)
    try:
        canonical = qtype.parse_answer(answer, list(question.options))
    except AnswerError:
        return Grade(0.0, False)
    return qtype.grade(question.key, canonical, question.points, partial_credit)


def grade_paper(questions: Iterable[PaperQuestion], answers: Mapping[int, object], *,
                partial_credit: bool, pass_mark: float, total_points: float) -> PaperGrade:
    """Grade every question; the score is rounded to 2 places and capped at the total."""
    grades = {q.question_id: grade_answer(q, answers.get(q.question_id), partial_credit) for q in questions}
    score = round(min(sum(g.score for g in grades.values()), total_points), 2)
    return PaperGrade(score=score, passed=score >= pass_mark, grades=grades)


def scale_points(raw_points: list[float], total_points: float) -> list[float]:
    """Per-question points scaled so that the paper totals ``total_points``."""
    raw_total = sum(raw_points)
    if raw_total <= 0:
        return [0.0 for _ in raw_points]
    factor = total_points / raw_total
    return [round(points * factor, 4) for points in raw_points]
