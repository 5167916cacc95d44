"""Whether anything (an exam) uses a bank, so that it may not be deleted.

Other areas register a check with ``register_bank_usage``; when the exams area's
models are importable their paper references are checked as well, so a bank an
exam drew from or fixed questions of is never deleted.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa

from ..extensions import db

BANK_USAGE_CHECKS: list[Callable[[object], str | None]] = []
log = logging.getLogger(__name__)


def register_bank_usage(check: Callable[[object], str | None]) -> None:
    """Add a check: given a bank, return a Chinese description of what uses it, or None."""
    if check not in BANK_USAGE_CHECKS:
        BANK_USAGE_CHECKS.append(check)


def _exam_references(bank) -> str | None:
    """Blueprint rules, fixed papers or sat papers that refer to this bank's questions."""
    try:
        from ..exams import models as exams
    except ImportError:
        return None
    from .models import Question

    question_ids = sa.select(Question.id).where(Question.bank_id == bank.id)
    checks = []
    if hasattr(exams, "BlueprintRule"):
        checks.append(("组卷规则", sa.select(exams.BlueprintRule.exam_id).where(exams.BlueprintRule.bank_id == bank.id)))
    if hasattr(exams, "ExamQuestion"):
        checks.append(("固定试卷", sa.select(exams.ExamQuestion.exam_id)
                       .where(exams.ExamQuestion.question_id.in_(question_ids))))
    if hasattr(exams, "PaperItem"):
        checks.append(("已生成的试卷", sa.select(exams.PaperItem.id).where(exams.PaperItem.question_id.in_(question_ids))))
    for label, query in checks:
        if db.session.scalar(query.limit(1)) is not None:
            return label
    return None


def bank_in_use(bank) -> str | None:
    """What uses the bank (a Chinese phrase), or None when it may be deleted."""
    for check in [_exam_references, *BANK_USAGE_CHECKS]:
        try:
            with db.session.begin_nested():
                usage = check(bank)
        except sa.exc.SQLAlchemyError:
            # A missing table (an area not migrated yet) means nothing of it uses the bank.
            log.warning("bank usage check %s failed", getattr(check, "__name__", check), exc_info=True)
            continue
        if usage:
            return usage
    return None
