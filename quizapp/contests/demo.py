"""Demo step: a live contest ready to host, drawn from the shipped banks."""
from __future__ import annotations

import sqlalchemy as sa

from ..banks.models import Question, QuestionBank
from ..demo import DemoContext, demo_step, has_table
from ..extensions import db
from ..roster.models import Officer
from .live_setup import LiveContestSpec, RoundSpec, create_live_contest
from .models import LIVE_TYPES, LiveContest

LIVE_TITLE = "党章知识竞赛"
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
