"""Setting up a live contest: its rounds and the questions drawn into them.

Questions come from a bank (a seeded random draw of choice questions, each bank
question used at most once in a contest) or from a fixed list of question ids, and
are snapshotted, so editing the bank later changes nothing in the hall.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from .. import timeutil
from ..audit.services import record
from ..banks.models import Question, QuestionBank
from ..extensions import db
from .errors import ContestError
from .models import LIVE_TYPES, ROUND_KINDS, TEAM_SCORING, LiveContest, LiveQuestion, LiveRound

MAX_QUESTIONS = 200
MAX_SECONDS = 600
MAX_POINTS = 1000


@dataclass(frozen=True)
class RoundSpec:
    """One round: its kind, scoring and where its questions come from."""

    kind: str
    points: int
    seconds: int
    penalty: int = 0
    bank_id: int | None = None
    count: int = 0
    question_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class LiveContestSpec:
    """Everything that defines a live contest, as plain values (from the form or the API)."""

    title: str
    rounds: tuple[RoundSpec, ...]
    team_scoring: str = "sum"
    seed: int | None = None


def create_live_contest(actor, spec: LiveContestSpec) -> LiveContest:
    """Check the spec, draw the questions and create the contest in its lobby (audited). Commits."""
    title = (spec.title or "").strip()
    if not title or len(title) > 200:
        raise ContestError("请填写竞赛名称（不超过200字）。", code="invalid_title")
    if spec.team_scoring not in TEAM_SCORING:
        raise ContestError("代表队得分方式应为“队员得分之和”或“队员平均分”。", code="invalid_team_scoring")
    if not spec.rounds:
        raise ContestError("请至少设置一轮题目。", code="no_rounds")
    seed = spec.seed if spec.seed is not None else secrets.randbelow(2**31)
    rng = random.Random(seed)
    contest = LiveContest(title=title, code=_free_code(), screen_token=secrets.token_urlsafe(24),
                          team_scoring=spec.team_scoring, created_by_id=getattr(actor, "id", None),
                          created_at=timeutil.now())
    used: set[int] = set()
    position = 0
    for number, round_spec in enumerate(spec.rounds, start=1):
        _check_round(number, round_spec)
        live_round = LiveRound(position=number - 1, kind=round_spec.kind, points=round_spec.points,
                               seconds=round_spec.seconds, penalty=round_spec.penalty if round_spec.kind == "buzz" else 0)
        contest.rounds.append(live_round)
        for question in _round_questions(number, round_spec, used, rng):
            used.add(question.id)
            contest.questions.append(LiveQuestion(
                round=live_round, position=position, question_id=question.id, type=question.type,
                stem=question.stem, options=list(question.options or []), key=question.answer,
                explanation=question.explanation or ""))
            position += 1
    if position > MAX_QUESTIONS:
        raise ContestError(f"一场竞赛最多{MAX_QUESTIONS}道题。", code="too_many_questions")
    db.session.add(contest)
    db.session.flush()
    record(actor, "contest.live_create", target=contest,
           summary=f"创建现场竞赛“{title}”：{len(spec.rounds)}轮、{position}道题", seed=seed,
           rounds=[{"kind": r.kind, "bank_id": r.bank_id, "count": r.count, "question_ids": list(r.question_ids)}
                   for r in spec.rounds])
    db.session.commit()
    return contest


def delete_live_contest(actor, contest: LiveContest) -> None:
    """Delete a contest that has not started (audited). Commits."""
    if contest.status != "lobby":
        raise ContestError("竞赛已开始，不能删除；结果会保留备查。", status=409, code="started")
    record(actor, "contest.live_delete", target=contest, summary=f"删除现场竞赛“{contest.title}”")
    db.session.delete(contest)
    db.session.commit()


def _check_round(number: int, spec: RoundSpec) -> None:
    where = f"第{number}轮"
    if spec.kind not in ROUND_KINDS:
        raise ContestError(f"{where}：题型应为必答题、抢答题或风险题。", code="invalid_round")
    if not 1 <= spec.seconds <= MAX_SECONDS:
        raise ContestError(f"{where}：每题作答时间应为1到{MAX_SECONDS}秒。", code="invalid_round")
    if spec.kind != "risk" and not 1 <= spec.points <= MAX_POINTS:
        raise ContestError(f"{where}：每题分值应为1到{MAX_POINTS}分。", code="invalid_round")
    if not 0 <= spec.penalty <= MAX_POINTS:
        raise ContestError(f"{where}：答错扣分应为0到{MAX_POINTS}分。", code="invalid_round")
    if bool(spec.question_ids) == bool(spec.bank_id):
        raise ContestError(f"{where}：请选择题库并填写题数，或填写指定的题目编号（二选一）。", code="invalid_round")
    if spec.bank_id and not 1 <= spec.count <= MAX_QUESTIONS:
        raise ContestError(f"{where}：题数应为1到{MAX_QUESTIONS}。", code="invalid_round")


def _round_questions(number: int, spec: RoundSpec, used: set[int], rng: random.Random) -> list[Question]:
    where = f"第{number}轮"
    if spec.question_ids:
        wanted = list(dict.fromkeys(spec.question_ids))
        found = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(wanted)))}
        missing = [str(i) for i in wanted if i not in found]
        if missing:
            raise ContestError(f"{where}：找不到题目编号 {'、'.join(missing)}。", code="question_not_found")
        unsuitable = [str(i) for i in wanted if found[i].type not in LIVE_TYPES or found[i].retired]
        if unsuitable:
            raise ContestError(f"{where}：题目 {'、'.join(unsuitable)} 不能用于现场竞赛"
                               "（只能用单选、多选、判断题，且未停用）。", code="unsuitable_question")
        repeated = [str(i) for i in wanted if i in used]
        if repeated:
            raise ContestError(f"{where}：题目 {'、'.join(repeated)} 在前面的轮次已经用过。", code="repeated_question")
        return [found[i] for i in wanted]
    bank = db.session.get(QuestionBank, spec.bank_id)
    if bank is None:
        raise ContestError(f"{where}：题库不存在。", code="bank_not_found")
    pool = list(db.session.scalars(
        sa.select(Question).where(Question.bank_id == bank.id, Question.retired.is_(False),
                                  Question.type.in_(LIVE_TYPES)).order_by(Question.id)))
    pool = [q for q in pool if q.id not in used]
    if len(pool) < spec.count:
        raise ContestError(f"{where}：题库“{bank.name}”只有{len(pool)}道可用的选择题或判断题，不够{spec.count}道。",
                           code="not_enough_questions")
    return rng.sample(pool, spec.count)


def _free_code() -> str:
    """Six digits no unfinished contest uses."""
    taken = set(db.session.scalars(sa.select(LiveContest.code).where(LiveContest.status != "finished")))
    while True:
        code = f"{secrets.randbelow(900000) + 100000}"
        if code not in taken:
            return code
