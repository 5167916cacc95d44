"""The officers' use cases in a live contest: join (or rejoin), choose a 风险题 stake,
answer. Every deciding time is the server's time of receipt, taken by the view as
the request arrives and passed in here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .. import timeutil
from ..banks.types import QUESTION_TYPES, AnswerError
from ..extensions import db
from ..upsert import insert_ignore, insert_or_replace
from . import live_rules
from .errors import ContestError
from .live_host import contest_write, resettle_after_late_answer
from .models import (RISK_STAKES, LiveAnswer, LiveContest, LiveJoin, LiveParticipant, LiveQuestion, LiveRound,
                     LiveStake)


@dataclass(frozen=True)
class AnswerReceipt:
    """What an officer learns when his answer is stored: it counts, and when it arrived."""

    position: int
    received_at: datetime


def contest_by_code(code: str) -> LiveContest:
    """The unfinished contest with this join code, else ContestError 404."""
    code = (code or "").strip()
    contest = None
    if code.isdigit() and len(code) == 6:
        contest = db.session.scalar(sa.select(LiveContest).where(LiveContest.code == code)
                                    .order_by(LiveContest.status == "finished", LiveContest.id.desc()).limit(1))
    if contest is None:
        raise ContestError("没有找到这个竞赛码，请核对大屏幕上的6位数字。", status=404, code="not_found")
    return contest


def join_contest(officer, contest: LiveContest, address: str | None = None,
                 now: datetime | None = None) -> bool:
    """Join the contest with one's department as team, or rejoin; every join is logged.
    Returns True for a first join. Commits."""
    if contest.status == "finished":
        raise ContestError("本场竞赛已经结束。", status=409, code="finished")
    if not officer.counts_as_officer:  # teams are departments' officers; a service account is nobody's
        raise ContestError("服务账号不参加竞赛，请使用民警账号加入。", status=403, code="service_account")
    now = now or timeutil.now()
    with contest_write():
        first = insert_ignore(LiveParticipant, {
            "contest_id": contest.id, "officer_id": officer.id, "department_id": officer.department_id,
            "team": officer.department.name, "joined_at": now}, ["contest_id", "officer_id"]) > 0
        db.session.add(LiveJoin(contest_id=contest.id, officer_id=officer.id, at=now, rejoin=not first,
                                position=contest.current_position, address=(address or "")[:64] or None))
        db.session.commit()
    return first


def is_participant(contest_id: int, officer_id: int) -> bool:
    return db.session.scalar(sa.select(LiveParticipant.id).where(
        LiveParticipant.contest_id == contest_id, LiveParticipant.officer_id == officer_id)) is not None


def choose_stake(officer_id: int, contest_id: int, position: int, stake, now: datetime | None = None) -> int:
    """风险题: choose (or change) one's stake while the question is not yet shown. Commits."""
    if stake not in RISK_STAKES:
        raise ContestError("分值只能选10、20或30分。", code="invalid_stake")
    now = now or timeutil.now()
    with contest_write():
        row = _question_row(officer_id, contest_id, position)
        if row.kind != "risk":
            raise ContestError("这道题不是风险题。", status=409, code="not_risk")
        if row.current_position != position or row.shown_at is not None:
            raise ContestError("题目已经出示，不能再选择分值。", status=409, code="too_late")
        insert_or_replace(LiveStake, {"question_id": row.id, "officer_id": officer_id, "stake": stake,
                                      "chosen_at": now}, ["question_id", "officer_id"], ["stake", "chosen_at"])
        db.session.commit()
    return stake


def submit_answer(officer_id: int, contest_id: int, position: int, answer, received_at: datetime) -> AnswerReceipt:
    """Store an officer's one answer to the open question, if it was received in time. Commits.

    Refused: 403 not joined, 404 no such question, 409 not open / paused / too late /
    already answered / 抢答 already taken, 422 an answer of the wrong shape.
    """
    with contest_write():
        row = _question_row(officer_id, contest_id, position)
        if row.current_position != position:
            raise ContestError("这道题不是当前题目。", status=409, code="not_current")
        taken_at = row.taken_at if row.kind == "buzz" else None
        reason = live_rules.refusal(received_at, row.opened_at, row.deadline, row.closed_at, taken_at, row.paused_at,
                                    row.pauses or ())
        if reason:
            raise ContestError(reason[1], status=409, code=reason[0])
        options = row.options or []
        try:
            canonical = QUESTION_TYPES[row.type].parse_answer(answer, options)
        except AnswerError as error:
            raise ContestError(str(error), code="invalid_answer") from error
        correct = live_rules.is_right(row.type, row.key, canonical, options)
        stored = insert_ignore(LiveAnswer, {
            "contest_id": contest_id, "question_id": row.id, "officer_id": officer_id, "answer": canonical,
            "received_at": received_at, "elapsed_ms": live_rules.elapsed_ms(received_at, row.opened_at, row.pauses or ()),
            "correct": correct, "points": 0.0}, ["question_id", "officer_id"])
        if not stored:
            raise ContestError("本题已作答，答案不能修改。", status=409, code="already_answered")
        db.session.commit()
    if row.kind == "buzz" and correct and (taken_at is None or received_at < taken_at):
        _announce(contest_id)  # phones show 已被抢答
    if row.settled_at is not None:
        resettle_after_late_answer(row.id)
    return AnswerReceipt(position, received_at)


def _announce(contest_id: int) -> None:
    """Raise the version so that phones and the screen fetch the state again. Commits."""
    with contest_write():
        db.session.execute(sa.update(LiveContest).where(LiveContest.id == contest_id)
                           .values(version=LiveContest.version + 1))
        db.session.commit()


def _question_row(officer_id: int, contest_id: int, position: int):
    """The question at ``position`` with its round, the contest's position and pause, and
    the earliest right answer so far; the question row held FOR SHARE (PostgreSQL)."""
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise ContestError("题号有误。", code="invalid_position")
    if not is_participant(contest_id, officer_id):
        raise ContestError("请先扫码或输入竞赛码加入竞赛。", status=403, code="not_joined")
    taken = (sa.select(sa.func.min(LiveAnswer.received_at))
             .where(LiveAnswer.question_id == LiveQuestion.id, LiveAnswer.correct.is_(True)).scalar_subquery())
    row = db.session.execute(
        sa.select(LiveQuestion.id, LiveQuestion.type, LiveQuestion.options, LiveQuestion.key,
                  LiveQuestion.shown_at, LiveQuestion.opened_at, LiveQuestion.deadline, LiveQuestion.closed_at,
                  LiveQuestion.pauses, LiveQuestion.settled_at, LiveRound.kind, LiveContest.current_position,
                  LiveContest.paused_at, taken.label("taken_at"))
        .join(LiveRound, LiveRound.id == LiveQuestion.round_id)
        .join(LiveContest, LiveContest.id == LiveQuestion.contest_id)
        .where(LiveQuestion.contest_id == contest_id, LiveQuestion.position == position)
        .with_for_update(read=True, of=LiveQuestion)
    ).first()
    if row is None:
        raise ContestError("题目不存在。", status=404, code="question_not_found")
    return row
