"""The bank health check (题库体检) fed from the database: a bank's active questions and
their statistics in the exams sat, handed to the pure ``health.check_bank``.

The check of a 10,000-question bank costs about a second of CPU, mostly the
near-duplicate search, and the bank page shows it on every visit: reports are
kept per process for the last few inputs, keyed by a digest of everything the
check reads, so an unchanged bank is not checked again and any change is.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

import sqlalchemy as sa

from ..extensions import db
from .health import HealthQuestion, HealthReport, check_bank
from .models import Question, QuestionBank


def bank_questions(bank_id: int) -> list[HealthQuestion]:
    """The bank's active questions as the check reads them (one query, no ORM objects)."""
    rows = db.session.execute(
        sa.select(Question.id, Question.type, Question.stem, Question.options, Question.answer,
                  Question.explanation, Question.chapter)
        .where(Question.bank_id == bank_id, Question.retired.is_(False)).order_by(Question.id))
    return [HealthQuestion(row.id, row.type, row.stem, tuple(row.options or ()), row.answer, row.explanation or "",
                           row.chapter or "") for row in rows]


REMEMBERED_REPORTS = 16
_reports: OrderedDict[str, HealthReport] = OrderedDict()


def _remembered_check(questions: list[HealthQuestion], exam_items) -> HealthReport:
    """check_bank, remembered by a digest of its inputs (it is a pure function of them)."""
    digest = hashlib.sha256(repr((questions, exam_items)).encode()).hexdigest()
    report = _reports.get(digest)
    if report is None:
        report = _reports[digest] = check_bank(questions, exam_items)
        while len(_reports) > REMEMBERED_REPORTS:
            _reports.popitem(last=False)
    else:
        _reports.move_to_end(digest)
    return report


def bank_health(bank: QuestionBank) -> HealthReport:
    """题库体检 of a stored bank, with what the exams sat so far say about its questions."""
    from ..reports.services import bank_exam_items  # reports reads the banks' models: imported when used

    return _remembered_check(bank_questions(bank.id), bank_exam_items(bank.id))


def file_health(questions) -> HealthReport:
    """题库体检 of the questions read from a file (before or without importing it): refs are their numbers."""
    return check_bank(HealthQuestion.of(question, number) for number, question in enumerate(questions, start=1))


def file_ref(number: int) -> str:
    """How the preview names a question of the file (stored questions are named by their id)."""
    return f"文件第{number}题"


def import_health(report) -> HealthReport:
    """题库体检 of the bank as a previewed import would leave it (content only: no exam statistics).

    The bank's active questions, those the file updates in their new form, and the
    file's new questions (named 文件第N题), so that a near-copy of a question already
    in the bank, or a bank tipped towards one answer letter, shows before it is written.
    """
    updated = {bank_id: (number, question) for bank_id, number, question in report.planned_updates}
    questions = []
    for stored in (bank_questions(report.bank_id) if report.bank_id else []):
        if stored.ref in updated:
            number, question = updated[stored.ref]
            if not question.retired:
                questions.append(HealthQuestion.of(question, stored.ref))
        else:
            questions.append(stored)
    questions += [HealthQuestion.of(question, file_ref(number))
                  for number, question in report.planned_inserts if not question.retired]
    return check_bank(questions)


def after_import_health(report) -> HealthReport:
    """题库体检 of the bank an import leaves (or, on a dry run, would leave)."""
    if report.dry_run or not report.bank_id:
        return import_health(report)
    return bank_health(db.session.get(QuestionBank, report.bank_id))


def health_summary(report: HealthReport) -> dict:
    """The short form of a report that an import answers with: counts and each finding's title."""
    return {"warnings": len(report.warnings), "notices": len(report.notices),
            "findings": [{"code": f.code, "severity": f.severity, "title": f.title, "detail": f.detail}
                         for f in report.findings]}

