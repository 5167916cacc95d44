"""Demo step: a live contest ready to host, drawn from the shipped banks."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import timeutil

from ..banks.models import Question, QuestionBank
from ..demo import DemoContext, demo_step, has_table
from ..extensions import db
from ..roster.models import Department, Officer
from ..exams.spec import SpecError as ExamSpecError
from .live_setup import LiveContestSpec, RoundSpec, create_live_contest
from .models import LIVE_TYPES, LiveContest

LIVE_TITLE = "党章知识竞赛"
ONLINE_TITLE = "党章知识竞答"
# The online contest's paper: 20 single-choice and 10 true/false questions, 100 points.
ONLINE_PAPER = {"single": (20, 3), "judge": (10, 4)}
# How many of each department take part (the rest stay away): 优秀组织奖 has a winner.
ONLINE_TURNOUT = (0.95, 0.9, 0.8, 0.7, 0.6)
# (kind, questions, points, seconds, wrong-buzz penalty): the bureau's usual three rounds.
LIVE_ROUNDS = (("required", 10, 10, 20, 0), ("buzz", 5, 20, 15, 10), ("risk", 3, 0, 20, 0))


@demo_step(45)
def demo_live_contest(context: DemoContext) -> None:
    """Create the demo live contest in its lobby unless it exists."""
    if not has_table("live_contests"):
        return
    existing = db.session.scalar(sa.select(LiveContest).where(LiveContest.title == LIVE_TITLE))
    if existing is None:
        bank = _largest_choice_bank()
        if bank is None:
            print("演示现场竞赛未创建：题库中没有可用的选择题或判断题。")
            return
        host = db.session.scalar(sa.select(Officer).where(Officer.role == "organiser").order_by(Officer.id))
        existing = create_live_contest(host, LiveContestSpec(
            title=LIVE_TITLE, team_scoring="sum", seed=20260701,
            rounds=tuple(RoundSpec(kind, points, seconds, penalty, bank_id=bank.id, count=count)
                         for kind, count, points, seconds, penalty in LIVE_ROUNDS)))
    if existing.status != "finished":
        print(f"现场竞赛“{existing.title}”：竞赛码 {existing.code}（组织者在“知识竞赛”页面主持，"
              "并打开大屏幕页面投影）。")


def _largest_choice_bank() -> QuestionBank | None:
    """The bank with the most live-usable questions, if it has enough for every round."""
    needed = sum(count for _kind, count, *_rest in LIVE_ROUNDS)
    row = db.session.execute(
        sa.select(Question.bank_id, sa.func.count().label("n"))
        .where(Question.retired.is_(False), Question.type.in_(LIVE_TYPES))
        .group_by(Question.bank_id).order_by(sa.func.count().desc()).limit(1)).first()
    if row is None or row.n < needed:
        return None
    return db.session.get(QuestionBank, row.bank_id)


@demo_step(66)
def demo_online_contest(context: DemoContext) -> None:
    """A finished online contest (a ranked exam): most officers sat it, some twice, then it
    closed and its points were awarded, so the ranking and 获奖名单 pages have figures."""
    from ..exams.attempts import start_attempt, submit_attempt
    from ..exams.definitions import close_exam, create_exam
    from ..exams.models import Answer, Attempt, Candidate, Exam, PaperItem
    from ..exams.spec import ExamSpec, RuleSpec
    from ..schedules.demo import _answer
    from .online import award_online_contest_points

    if not has_table("exams") or db.session.scalar(sa.select(Exam.id).where(Exam.title == ONLINE_TITLE)):
        return
    bank = _largest_choice_bank()
    if bank is None:
        return
    # The units compete, not the bureau's own leadership at the root.
    units = tuple(db.session.scalars(sa.select(Department.path).where(Department.parent_id.is_not(None))
                                     .order_by(Department.path)))
    blueprint = tuple(RuleSpec(bank.id, qtype, count, points) for qtype, (count, points) in ONLINE_PAPER.items())
    now = timeutil.now()
    try:
        exam = create_exam(None, ExamSpec(
            title=ONLINE_TITLE, ranked=True, attempts_allowed=2, departments=units, opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=1), blueprint=blueprint, duration_minutes=20, show_results="immediately",
            rules="竞答按得分排名，得分相同的用时少者在前。可作答两次，取最好成绩。"), notify_candidates=False)
    except ExamSpecError:
        print("演示线上竞答未创建：题库中的单选题或判断题不够。")
        return
    rows = db.session.execute(sa.select(Officer, Candidate.department_id).join(
        Candidate, Candidate.officer_id == Officer.id).where(Candidate.exam_id == exam.id).order_by(Officer.id)).all()
    turnout = {department: ONLINE_TURNOUT[n % len(ONLINE_TURNOUT)]
               for n, department in enumerate(sorted({d for _, d in rows}))}
    rng = context.rng
    for officer, department_id in rows:
        if rng.random() >= turnout[department_id]:
            continue
        ability = rng.uniform(0.45, 0.97)
        for _sitting in range(2 if rng.random() < 0.2 else 1):
            attempt = start_attempt(officer, exam)
            items = db.session.scalars(sa.select(PaperItem).where(PaperItem.attempt_id == attempt.id)).all()
            db.session.execute(sa.insert(Answer), [
                {"attempt_id": attempt.id, "question_id": item.question_id, "seq": 1,
                 "saved_at": attempt.started_at, "answer": _answer(item, right=rng.random() < ability, rng=rng)}
                for item in items])
            db.session.commit()
            submit_attempt(attempt.id)
            # Seeding, not sitting: the time used is set afterwards, on the contest's first days.
            finished = now - timedelta(days=rng.randint(1, 2), seconds=rng.randint(0, 36000))
            used = timedelta(seconds=rng.randint(240, 1150))
            db.session.execute(sa.update(Attempt).where(Attempt.id == attempt.id).values(
                started_at=finished - used, deadline=finished - used + timedelta(minutes=20), submitted_at=finished))
            db.session.commit()
    close_exam(None, exam)
    award_online_contest_points(db.session.get(Exam, exam.id))
