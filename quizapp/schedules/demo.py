"""Demo steps: the default quarterly schedule, and a finished exam so the report pages have figures."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import timeutil
from ..demo import DemoContext, demo_step, has_table
from ..extensions import db

SCHEDULE_NAME = "季度政治理论知识测试（全员普测）"
FINISHED_TITLE = "演示：已结束的政治理论知识测试（全员普测）"


def _template() -> dict | None:
    """A quarterly template drawing from the demo banks (None without banks)."""
    from ..banks.models import QuestionBank
    from ..exams.demo import demo_blueprint

    blueprint = demo_blueprint()
    if not blueprint:
        return None
    names = dict(db.session.execute(sa.select(QuestionBank.id, QuestionBank.name)).all())
    return {"title": "{year}年第{quarter}季度政治理论知识测试", "mode": "full", "pass_mark": 60,
            "duration_minutes": 60,
            "paper": {"blueprint": [{"bank": names[r.bank], "type": r.type, "count": r.count, "points": r.points}
                                    for r in blueprint]}}


@demo_step(60)
def demo_schedule(context: DemoContext) -> None:
    """The default quarterly schedule (first Monday of each quarter, 09:00, open 7 days)."""
    from .models import Schedule
    from .services import ScheduleInput, create_schedule

    if not has_table("schedules") or db.session.scalar(sa.select(Schedule.id).where(Schedule.name == SCHEDULE_NAME)):
        return
    template = _template()
    if template is None:
        return
    create_schedule(ScheduleInput(name=SCHEDULE_NAME, template=template), None)


@demo_step(65)
def demo_finished_exam(context: DemoContext) -> None:
    """An exam most officers sat (answers of varying accuracy), then closed: figures for the report pages."""
    from ..exams.attempts import start_attempt, submit_attempt
    from ..exams.definitions import close_exam, create_exam
    from ..exams.models import Answer, Candidate, Exam, PaperItem
    from ..exams.spec import ExamSpec
    from ..roster.models import Officer

    if not has_table("exams") or db.session.scalar(sa.select(Exam.id).where(Exam.title == FINISHED_TITLE)):
        return
    from ..exams.demo import demo_blueprint

    blueprint = demo_blueprint()
    if not blueprint:
        return
    now = timeutil.now()
    exam = create_exam(None, ExamSpec(
        title=FINISHED_TITLE, opens_at=now - timedelta(hours=2), closes_at=now + timedelta(days=1),
        blueprint=blueprint, duration_minutes=60, show_results="immediately"), notify_candidates=False)
    officers = db.session.scalars(sa.select(Officer).join(Candidate, Candidate.officer_id == Officer.id)
                                  .where(Candidate.exam_id == exam.id).order_by(Officer.id)).all()
    rng = context.rng
    for officer in officers:
        if rng.random() < 0.06:  # a few are absent
            continue
        ability = rng.uniform(0.55, 1.0)
        attempt = start_attempt(officer, exam)
        items = db.session.scalars(sa.select(PaperItem).where(PaperItem.attempt_id == attempt.id)).all()
        # Seeding, not sitting: the whole sheet in one insert (the save path commits
        # per answer, which would make the demo take minutes); grading stays real.
        db.session.execute(sa.insert(Answer), [
            {"attempt_id": attempt.id, "question_id": item.question_id, "seq": 1, "saved_at": attempt.started_at,
             "answer": _answer(item, right=rng.random() < ability, rng=rng)}
            for item in items
        ])
        db.session.commit()
        submit_attempt(attempt.id)
        # Seeded in an instant, but shown as sat: 用时 between 12 and 55 minutes of the hour.
        attempt.started_at = attempt.submitted_at - timedelta(seconds=rng.randint(12 * 60, 55 * 60))
        db.session.commit()
    close_exam(None, exam)


def _answer(item, right: bool, rng):
    """A right or a wrong answer to a paper item, as a phone would send it."""
    from ..banks.types import key_blanks

    if item.type == "fill":
        blanks = key_blanks(item.key)
        return [alternatives[0] for alternatives in blanks] if right else ["不知道"] * len(blanks)
    if right:
        return item.key
    keys = [o["key"] for o in item.options]
    if item.type == "judge":
        return not item.key
    if item.type == "single":
        return rng.choice([k for k in keys if k != item.key] or keys)
    wrong = [k for k in keys if k not in item.key]
    return sorted(set(item.key[:1] + wrong[:1]))
