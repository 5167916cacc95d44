"""Exam reports: SQL aggregations (GROUP BY) turned into figures, rows and a summary sentence.

Who counts:
- candidates: invited candidates (``Candidate.replaced_at IS NULL``);
- participants: candidates with a submitted attempt; with several attempts
  allowed, an officer's best score counts;
- per-question statistics: every submitted attempt's paper items.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..audit.services import record
from ..banks.health import ExamItem
from ..banks.models import Question, QuestionBank
from ..exams.models import Attempt, Candidate, Exam, PaperItem
from ..extensions import db
from ..notifications.services import notify
from ..roster.models import PATH_SEPARATOR, Department, Officer
from .statistics import (FLAG_LABELS, Bin, ItemStatistics, SummaryFigures, figures, item_from_sums, ratio,
                         summary_sentence)

DISTRIBUTION_BANDS = 10


@dataclass(frozen=True)
class DepartmentRow:
    """One department's line of the report."""

    department: str
    candidates: int
    participated: int
    passed: int
    pass_rate: float | None
    average: float | None

    def as_api(self) -> dict:
        return {"department": self.department, "candidates": self.candidates, "participated": self.participated,
                "pass_rate": self.pass_rate, "average": self.average}


@dataclass(frozen=True)
class QuestionRow:
    """One question's statistics."""

    question_id: int
    stem: str
    type: str
    bank: str | None
    owner_id: int | None
    stats: ItemStatistics

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.stats.flags]

    def as_api(self) -> dict:
        return {"question_id": self.question_id, "stem": self.stem, "correct_rate": self.stats.correct_rate,
                "facility": self.stats.facility, "discrimination": self.stats.discrimination}


@dataclass(frozen=True)
class OfficerRow:
    """One candidate's result."""

    badge: str
    name: str
    department: str
    score: float | None
    passed: bool | None
    submitted_at: datetime | None


@dataclass
class ExamReport:
    """Everything an exam report shows."""

    exam: Exam
    figures: SummaryFigures
    departments: list[DepartmentRow]
    questions: list[QuestionRow]
    distribution: list[Bin]
    summary: str
    officers: list[OfficerRow] = field(default_factory=list)

    def as_api(self) -> dict:
        """The PRODUCT.md §5.2 shape; rates are fractions 0–1, scores on the exam's scale."""
        f = self.figures
        return {
            "candidates": f.candidates, "participated": f.participated,
            "participation_rate": f.participation_rate, "pass_rate": f.pass_rate,
            "average": f.average, "highest": f.highest, "lowest": f.lowest,
            "departments": [row.as_api() for row in self.departments],
            "questions": [row.as_api() for row in self.questions],
            "summary": self.summary,
        }

    @property
    def flagged(self) -> list[QuestionRow]:
        return [q for q in self.questions if q.stats.flags]


def _best_scores(exam_id: int):
    """Subquery: each officer's best submitted score in the exam."""
    return (sa.select(Attempt.officer_id.label("officer_id"), sa.func.max(Attempt.score).label("score"),
                      sa.func.max(Attempt.submitted_at).label("submitted_at"))
            .where(Attempt.exam_id == exam_id, Attempt.submitted_at.is_not(None))
            .group_by(Attempt.officer_id).subquery("best"))


def _invited(exam_id: int):
    return sa.and_(Candidate.exam_id == exam_id, Candidate.replaced_at.is_(None))


def summary_figures(exam: Exam) -> SummaryFigures:
    """Candidates, participants, passes and score aggregates in one query."""
    return summary_figures_for([exam])[exam.id]


def summary_figures_for(exams: list[Exam]) -> dict[int, SummaryFigures]:
    """Headline figures of several exams in one GROUP BY (the report lists show dozens)."""
    ids = [exam.id for exam in exams]
    best = (sa.select(Attempt.exam_id.label("exam_id"), Attempt.officer_id.label("officer_id"),
                      sa.func.max(Attempt.score).label("score"))
            .where(Attempt.exam_id.in_(ids), Attempt.submitted_at.is_not(None))
            .group_by(Attempt.exam_id, Attempt.officer_id).subquery("best"))
    rows = db.session.execute(
        sa.select(Candidate.exam_id, sa.func.count(Candidate.id), sa.func.count(best.c.score),
                  sa.func.count(sa.case((best.c.score >= Exam.pass_mark, 1))),
                  sa.func.sum(best.c.score), sa.func.max(best.c.score), sa.func.min(best.c.score))
        .select_from(Candidate).join(Exam, Exam.id == Candidate.exam_id)
        .outerjoin(best, sa.and_(best.c.exam_id == Candidate.exam_id, best.c.officer_id == Candidate.officer_id))
        .where(Candidate.exam_id.in_(ids), Candidate.replaced_at.is_(None))
        .group_by(Candidate.exam_id)
    ).all()
    found = {row[0]: figures(*row[1:]) for row in rows}
    return {exam_id: found.get(exam_id) or figures(0, 0, 0, None, None, None) for exam_id in ids}


def department_rows(exam: Exam) -> list[DepartmentRow]:
    """Per department (the candidate's department when invited): counts, pass rate, average."""
    best = _best_scores(exam.id)
    rows = db.session.execute(
        sa.select(Department.path, sa.func.count(Candidate.id), sa.func.count(best.c.score),
                  sa.func.count(sa.case((best.c.score >= exam.pass_mark, 1))), sa.func.avg(best.c.score))
        .select_from(Candidate).join(Department, Department.id == Candidate.department_id)
        .outerjoin(best, best.c.officer_id == Candidate.officer_id)
        .where(_invited(exam.id)).group_by(Department.path).order_by(Department.path)
    ).all()
    return [DepartmentRow(display_department(path), candidates, participated, passed, ratio(passed, participated),
                          round(float(average), 2) if average is not None else None)
            for path, candidates, participated, passed, average in rows]


def display_department(path: str) -> str:
    """A department path without the bureau at its root (市公安局/治安大队 → 治安大队)."""
    parts = path.split(PATH_SEPARATOR)
    return PATH_SEPARATOR.join(parts[1:]) if len(parts) > 1 else path


def _item_sums(condition, *group_by):
    """Per-question sums over the submitted papers matching ``condition``: x = item score, y = rest of the test."""
    x = sa.func.coalesce(PaperItem.earned, 0.0)
    y = sa.func.coalesce(Attempt.score, 0.0) - x
    return (
        sa.select(PaperItem.question_id.label("question_id"), *group_by, sa.func.count().label("n"),
                  sa.func.count(sa.case((PaperItem.correct.is_(True), 1))).label("correct"),
                  sa.func.sum(x).label("sx"), sa.func.sum(PaperItem.points).label("possible"),
                  sa.func.sum(y).label("sy"), sa.func.sum(x * x).label("sxx"), sa.func.sum(y * y).label("syy"),
                  sa.func.sum(x * y).label("sxy"), sa.func.max(PaperItem.stem).label("stem"),
                  sa.func.max(PaperItem.type).label("type"), sa.func.min(PaperItem.position).label("position"))
        .join(Attempt, Attempt.id == PaperItem.attempt_id)
        .where(condition, Attempt.submitted_at.is_not(None))
        .group_by(PaperItem.question_id, *group_by)
    )


def _item_statistics(row) -> ItemStatistics:
    return item_from_sums(row.n, row.correct, float(row.sx or 0), float(row.possible or 0), float(row.sx or 0),
                          float(row.sy or 0), float(row.sxx or 0), float(row.syy or 0), float(row.sxy or 0))


def question_rows(exam: Exam) -> list[QuestionRow]:
    """Per-question statistics over every submitted paper, as sums from one GROUP BY."""
    grouped = _item_sums(Attempt.exam_id == exam.id).subquery("items")
    rows = db.session.execute(
        sa.select(grouped, QuestionBank.name, QuestionBank.owner_id)
        .outerjoin(Question, Question.id == grouped.c.question_id)
        .outerjoin(QuestionBank, QuestionBank.id == Question.bank_id)
        .order_by(grouped.c.position, grouped.c.question_id)
    ).all()
    return [QuestionRow(row.question_id, row.stem, row.type, row.name, row.owner_id, _item_statistics(row))
            for row in rows]


def bank_exam_items(bank_id: int) -> list[ExamItem]:
    """Each of a bank's questions' statistics in each exam sat (one GROUP BY), for the bank's health check."""
    bank_questions = sa.select(Question.id).where(Question.bank_id == bank_id)
    grouped = _item_sums(PaperItem.question_id.in_(bank_questions), Attempt.exam_id.label("exam_id")).subquery("items")
    rows = db.session.execute(
        sa.select(grouped, Exam.title).join(Exam, Exam.id == grouped.c.exam_id)
        .order_by(grouped.c.question_id, grouped.c.exam_id)
    ).all()
    return [ExamItem(row.question_id, row.exam_id, row.title, _item_statistics(row)) for row in rows]


def distribution(exam: Exam, bands: int = DISTRIBUTION_BANDS) -> list[Bin]:
    """How many participants scored in each tenth of the full marks (full marks in the last band)."""
    best = _best_scores(exam.id)
    width = exam.total_points / bands
    # CAST truncates on SQLite but rounds on PostgreSQL: step back when it rounded up.
    rounded = sa.cast(best.c.score / width, sa.Integer)
    band = sa.case((rounded * width > best.c.score, rounded - 1), else_=rounded)
    counts = dict(db.session.execute(
        sa.select(band, sa.func.count()).select_from(Candidate)
        .join(best, best.c.officer_id == Candidate.officer_id).where(_invited(exam.id)).group_by(band)
    ).all())
    result = [0] * bands
    for index, count in counts.items():
        result[min(max(int(index), 0), bands - 1)] += count
    return [Bin(round(i * width, 2), round((i + 1) * width, 2), c) for i, c in enumerate(result)]


def officer_rows(exam: Exam) -> list[OfficerRow]:
    """Every invited candidate with his best score (absent ones without)."""
    best = _best_scores(exam.id)
    rows = db.session.execute(
        sa.select(Officer.badge, Officer.name, Department.path, best.c.score, best.c.submitted_at)
        .select_from(Candidate).join(Officer, Officer.id == Candidate.officer_id)
        .join(Department, Department.id == Candidate.department_id)
        .outerjoin(best, best.c.officer_id == Candidate.officer_id)
        .where(_invited(exam.id)).order_by(Department.path, Officer.badge)
    ).all()
    return [OfficerRow(badge, name, display_department(path), score,
                       None if score is None else score >= exam.pass_mark, submitted_at)
            for badge, name, path, score, submitted_at in rows]


def exam_scope(exam: Exam) -> str | None:
    """The departments an exam covered, for the summary sentence; None for the whole bureau."""
    departments = [d for d in exam.departments if d.parent_id is not None]
    if not departments or len(departments) < len(exam.departments):
        return None
    return "、".join(d.name for d in departments)


def summary_sentence_for(exam: Exam, headline: SummaryFigures | None = None) -> str:
    """The exam's summary sentence in the bureau's style."""
    mode = "makeup" if exam.makeup_of_id is not None and exam.mode == "full" else exam.mode
    who = "、".join(exam.groups) or "民警"
    return summary_sentence(mode, headline or summary_figures(exam), exam_scope(exam), who)


def exam_report(exam: Exam, with_officers: bool = False) -> ExamReport:
    """The full report of one exam."""
    headline = summary_figures(exam)
    return ExamReport(
        exam=exam, figures=headline, departments=department_rows(exam), questions=question_rows(exam),
        distribution=distribution(exam), summary=summary_sentence_for(exam, headline),
        officers=officer_rows(exam) if with_officers else [],
    )


def notify_flagged_questions(exam: Exam, actor) -> int:
    """Notify each bank owner once about the exam's questions that look broken. Commits; audited."""
    by_owner: dict[int, list[QuestionRow]] = {}
    for row in question_rows(exam):
        if row.stats.flags and row.owner_id:
            by_owner.setdefault(row.owner_id, []).append(row)
    sent = 0
    for owner_id, rows in by_owner.items():
        lines = [f"#{r.question_id}（{r.bank}）{r.stem[:40]}：{'；'.join(r.flag_labels)}" for r in rows]
        sent += notify([owner_id], "system", f"请检查题目：{exam.title}中有{len(rows)}道题可能有误",
                       "\n".join(lines), f"/reports/exams/{exam.id}", dedupe_key=f"flagged:{exam.id}")
    if sent:
        record(actor, "report.notify_flagged", target=exam,
               summary=f"就“{exam.title}”的{sum(len(r) for r in by_owner.values())}道可疑题目提醒题库负责人")
    db.session.commit()
    return sent
