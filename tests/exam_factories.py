"""Builders for exam tests: banks with known keys, exams, papers answered right or wrong."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from quizapp import timeutil
from quizapp.banks.models import Question, QuestionBank
from quizapp.banks.types import stem_key
from quizapp.exams.spec import ExamSpec, RuleSpec
from quizapp.exams.models import Attempt, PaperItem
from quizapp.extensions import db

from .factories import make_officer


def make_bank(name: str = "党章题库", single: int = 10, multiple: int = 5, judge: int = 5, fill: int = 3,
              chapter: str = "总纲") -> QuestionBank:
    """A bank with the given number of questions per type; keys are A, [A, C], true, [["答案"]]."""
    bank = QuestionBank(name=name, category="theory")
    db.session.add(bank)
    options = [{"key": k, "text": f"选项{k}"} for k in "ABCD"]
    specs = ([("single", "A")] * single + [("multiple", ["A", "C"])] * multiple + [("judge", True)] * judge
             + [("fill", [["答案", "回答"]])] * fill)
    for n, (qtype, answer) in enumerate(specs, start=1):
        stem = f"{name}第{n}题（{qtype}）"
        db.session.add(Question(bank=bank, type=qtype, stem=stem, stem_key=stem_key(stem),
                                options=options if qtype in ("single", "multiple") else [], answer=answer,
                                explanation="解析", chapter=chapter))
    db.session.commit()
    return bank


def exam_spec(bank: QuestionBank | None = None, **overrides) -> ExamSpec:
    """An open exam (started a minute ago, closing in a day) on the bank."""
    now = timeutil.now()
    values = dict(
        title="第一季度政治理论测试", opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=1),
        blueprint=(RuleSpec(bank.id, "single", 5, 2), RuleSpec(bank.id, "judge", 5, 2))
        if bank else (),
        duration_minutes=30,
    )
    values.update(overrides)
    return ExamSpec(**values)


def make_organiser(badge: str = "700001", **kwargs):
    return make_officer(badge=badge, name="林组织", role="organiser", department="市公安局/政治处", **kwargs)


def right_answer(item: PaperItem):
    """The correct answer for a paper item, as the phone would send it."""
    if item.type == "fill":
        return [alternatives[0] for alternatives in item.key]
    return item.key


def wrong_answer(item: PaperItem):
    if item.type == "single":
        return next(o["key"] for o in item.options if o["key"] != item.key)
    if item.type == "multiple":
        return [o["key"] for o in item.options if o["key"] not in item.key][:1]
    if item.type == "judge":
        return not item.key
    return ["错的"]


def items_of(attempt_id: int) -> list[PaperItem]:
    return list(db.session.scalars(sa.select(PaperItem).where(PaperItem.attempt_id == attempt_id)
                                   .order_by(PaperItem.position)))


def reload_attempt(attempt_id: int) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)
