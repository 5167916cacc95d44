"""Demo step: an open full-staff exam and a drawn random-sample exam on the loaded banks."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from .. import periods, timeutil
from ..banks.models import Question, QuestionBank
from ..demo import DemoContext, demo_step, has_table
from ..extensions import db
from ..roster.models import Officer
from .candidates import draw_candidates
from .definitions import create_exam
from .models import Exam
from .spec import ExamSpec, RuleSpec

# Named after the quarter the demo is built in, as the bureau names its tests.
_QUARTER = periods.quarter_label(timeutil.to_local(timeutil.now()).date())
FULL_TITLE = f"{_QUARTER}政治理论知识测试（全员普测）"
SAMPLE_TITLE = f"{_QUARTER}政治理论知识测试（随机抽测）"
# Per question type: how many to draw (at most what the banks hold) and points each: 100 in all.
PAPER = {"single": (20, 2), "multiple": (10, 3), "judge": (10, 2), "fill": (5, 2)}


def demo_blueprint() -> tuple[RuleSpec, ...]:
    """Rules drawing from the largest bank holding each type."""
    rows = db.session.execute(
        sa.select(Question.bank_id, Question.type, sa.func.count())
        .where(Question.retired.is_(False)).group_by(Question.bank_id, Question.type)).all()
    best: dict[str, tuple[int, int]] = {}
    for bank_id, qtype, count in rows:
        if qtype in PAPER and count > best.get(qtype, (0, 0))[1]:
            best[qtype] = (bank_id, count)
    return tuple(RuleSpec(bank_id, qtype, min(PAPER[qtype][0], count), PAPER[qtype][1])
                 for qtype, (bank_id, count) in sorted(best.items(), key=lambda item: list(PAPER).index(item[0])))


@demo_step(40)
def demo_exams(context: DemoContext) -> None:
    """Create the two demo exams unless they exist (skipped, with a note, when no banks are loaded)."""
    if not has_table("exams"):
        return
    if db.session.scalar(sa.select(Exam.id).where(Exam.title == FULL_TITLE)) is not None:
        return
    if db.session.scalar(sa.select(sa.func.count()).select_from(QuestionBank)) == 0:
        print("演示考试未创建：还没有题库（请先导入 question_banks/ 中的题库）。")
        return
    blueprint = demo_blueprint()
    if not blueprint:
        print("演示考试未创建：题库中没有可用的题目。")
        return
    organiser = db.session.scalar(sa.select(Officer).where(Officer.role == "organiser").order_by(Officer.id))
    admin = db.session.scalar(sa.select(Officer).where(Officer.role == "admin").order_by(Officer.id))
    actor = admin or organiser
    now = timeutil.now()
    opens = now - timedelta(hours=1)
    common = dict(blueprint=blueprint, duration_minutes=60, pass_mark=60, opens_at=opens,
                  closes_at=opens + timedelta(days=7), shuffle_questions=True, shuffle_options=True,
                  rules="请独立完成，不得翻阅资料。每道题作答后自动保存，到时自动交卷。")
    create_exam(actor, ExamSpec(title=FULL_TITLE, mode="full", **common))
    sample = create_exam(actor, ExamSpec(title=SAMPLE_TITLE, mode="sample", partial_credit=True,
                                                           **common))
    population = db.session.scalar(sa.select(sa.func.count()).select_from(Officer).where(Officer.counts_as_officer))
    draw_candidates(actor, sample, min(20, population), "proportional", seed=20260101)
