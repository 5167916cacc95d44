"""The host's use cases: the steps of a live contest, settling questions, corrections,
finishing (with points by the points rules).

Each step is one transaction. On PostgreSQL it locks the contest row first and a
question row second; answers lock only their question row (FOR SHARE), so closing a
question waits for the answers in flight and every later answer finds it closed. On
SQLite the whole step takes the database's write turn. Every step that phones must see
raises ``LiveContest.version``.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import timeutil
from ..audit.services import record
from ..extensions import db
from ..points.services import award_contest_points
from ..roster.models import Officer
from ..write_turns import write_turn
from . import live_rules
from .errors import ContestError
from .models import LiveAnswer, LiveContest, LiveCorrection, LiveParticipant, LiveQuestion, LiveStake

MAX_CORRECTION = 1000
# Answering opens this long after the host's "open": every phone has learnt the opening
# time by then (they poll every second while a question is shown) and enables its
# buttons at that server instant, so no phone starts later because its poll came later.
OPEN_LEAD = timedelta(seconds=2)


@contextmanager
def contest_write():
    """One contest write: SQLite's write turn for its whole length, the session rolled back
    on any error."""
    with write_turn(db.engine):
        try:
            yield
        except Exception:
            db.session.rollback()
            raise


def lock_contest(contest_id: int) -> LiveContest:
    """The contest, locked for this transaction (PostgreSQL), or ContestError 404."""
    contest = db.session.scalar(sa.select(LiveContest).where(LiveContest.id == contest_id)
                                .with_for_update().execution_options(populate_existing=True))
    if contest is None:
        raise ContestError("竞赛不存在。", status=404, code="not_found")
    return contest


def current_question(contest: LiveContest) -> LiveQuestion | None:
    """The question the contest stands at (None in the lobby)."""
    if contest.current_position is None:
        return None
    return db.session.scalar(sa.select(LiveQuestion).where(
        LiveQuestion.contest_id == contest.id, LiveQuestion.position == contest.current_position))


def question_count(contest_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LiveQuestion)
                             .where(LiveQuestion.contest_id == contest_id)) or 0


def host_action(actor, contest_id: int, action: str, now: datetime | None = None) -> LiveContest:
    """Take one host step (start, show, open, close, reveal, leaderboard, next, finish,
    pause, resume); 409 when the contest is not where that step can be taken. Commits."""
    if action not in live_rules.ACTIONS:
        raise ContestError("未知的操作。", code="invalid_action")
    now = now or timeutil.now()
    with contest_write():
        contest = lock_contest(contest_id)
        total = question_count(contest.id)
        position = contest.current_position if contest.current_position is not None else -1
        allowed = live_rules.allowed_actions(contest.phase, contest.status, contest.paused_at is not None,
                                             position + 1 < total)
        if action not in allowed:
            label = live_rules.ACTIONS[action][0]
            raise ContestError(f"当前（{contest.phase_label}）不能“{label}”。", status=409, code="wrong_phase")
        question = current_question(contest)
        _STEPS[action](actor, contest, question, now, total)
        contest.version += 1
        db.session.commit()
    return contest


def _start(actor, contest, _question, now, total):
    if total == 0:
        raise ContestError("竞赛没有题目。", status=409, code="no_questions")
    contest.status, contest.started_at = "running", now
    _go_to(contest, 0)
    record(actor, "contest.live_start", target=contest, summary=f"开始现场竞赛“{contest.title}”")


def _go_to(contest: LiveContest, position: int) -> None:
    contest.current_position = position
    question = current_question(contest)
    contest.phase = live_rules.first_phase(question.round.kind)


def _show(_actor, contest, question, now, _total):
    question.shown_at = now
    contest.phase = "shown"


def _open(_actor, contest, question, now, _total):
    question.opened_at = now + OPEN_LEAD
    question.deadline = question.opened_at + timedelta(seconds=question.round.seconds)
    contest.phase = "open"


def _close(_actor, contest, question, now, _total):
    # Updating the row waits for answers in flight (they hold it FOR SHARE).
    question.closed_at = min(now, question.deadline)
    db.session.flush()
    settle_question(question, now)
    contest.phase = "closed"


def _reveal(_actor, contest, question, now, _total):
    question.revealed_at = now
    contest.phase = "revealed"
    contest.scores_version += 1


def _leaderboard(_actor, contest, _question, _now, _total):
    contest.phase = "leaderboard"


def _next(_actor, contest, _question, _now, _total):
    _go_to(contest, contest.current_position + 1)


def _finish(actor, contest, _question, now, _total):
    contest.status, contest.phase, contest.finished_at = "finished", "podium", now
    contest.scores_version += 1
    db.session.flush()
    _award_points(contest, now)
    record(actor, "contest.live_finish", target=contest, summary=f"结束现场竞赛“{contest.title}”")


def _pause(_actor, contest, _question, now, _total):
    contest.paused_at = now


def _resume(_actor, contest, question, now, _total):
    paused_at, contest.paused_at = contest.paused_at, None
    if question is not None and contest.phase == "open" and question.closed_at is None \
            and paused_at < question.deadline:
        # The countdown stood still: the deadline moves on by the pause, and the pause is
        # left out of everyone's answering time.
        question.deadline += now - paused_at
        question.pauses = list(question.pauses or []) + [[int(paused_at.timestamp() * 1000),
                                                          int(now.timestamp() * 1000)]]


_STEPS = {"start": _start, "show": _show, "open": _open, "close": _close, "reveal": _reveal,
          "leaderboard": _leaderboard, "next": _next, "finish": _finish, "pause": _pause, "resume": _resume}


def settle_question(question: LiveQuestion, now: datetime) -> None:
    """Score every stored answer of a question by its round's rule (inside the caller's
    transaction, which holds the question row). Running it again gives the same points."""
    rows = db.session.execute(sa.select(LiveAnswer.id, LiveAnswer.officer_id, LiveAnswer.correct,
                                        LiveAnswer.received_at, LiveAnswer.elapsed_ms)
                              .where(LiveAnswer.question_id == question.id)).all()
    stakes = dict(db.session.execute(sa.select(LiveStake.officer_id, LiveStake.stake)
                                     .where(LiveStake.question_id == question.id)).all())
    rule = live_rules.Round(question.round.kind, question.round.points, question.round.seconds,
                            question.round.penalty)
    received = [live_rules.Received(row.officer_id, bool(row.correct), row.received_at, row.elapsed_ms,
                                    stakes.get(row.officer_id), row.id) for row in rows]
    points = live_rules.score_question(rule, received)
    if rows:
        db.session.execute(sa.update(LiveAnswer), [{"id": row.id, "points": points[row.officer_id]} for row in rows])
    question.settled_at = now


def resettle_after_late_answer(question_id: int, now: datetime | None = None) -> None:
    """An answer received before the close was stored after the question was settled:
    settle it again (locking the question), and let phones know if it was revealed. Commits."""
    now = now or timeutil.now()
    with contest_write():
        question = db.session.scalar(sa.select(LiveQuestion).where(LiveQuestion.id == question_id)
                                     .with_for_update().execution_options(populate_existing=True))
        settle_question(question, now)
        revealed = question.revealed_at is not None
        contest_id = question.contest_id
        db.session.commit()
    if revealed:
        with contest_write():
            db.session.execute(sa.update(LiveContest).where(LiveContest.id == contest_id).values(
                version=LiveContest.version + 1, scores_version=LiveContest.scores_version + 1))
            db.session.commit()


def correct_score(actor, contest_id: int, badge: str, points, reason: str) -> LiveCorrection:
    """Add or take points from a participant, with a reason (audited). Commits."""
    try:
        points = round(float(str(points).strip()), 1)
    except (TypeError, ValueError):
        raise ContestError("分值应为数字（扣分用负数）。", code="invalid_points") from None
    if points == 0 or abs(points) > MAX_CORRECTION:
        raise ContestError(f"分值应为非零数字，绝对值不超过{MAX_CORRECTION}。", code="invalid_points")
    reason = (reason or "").strip()
    if not reason:
        raise ContestError("请填写更正原因。", code="missing_reason")
    with contest_write():
        contest = lock_contest(contest_id)
        officer = db.session.scalar(
            sa.select(Officer).join(LiveParticipant, LiveParticipant.officer_id == Officer.id)
            .where(LiveParticipant.contest_id == contest.id, Officer.badge == (badge or "").strip()))
        if officer is None:
            raise ContestError("该警号的民警没有参加本场竞赛。", status=404, code="not_participant")
        correction = LiveCorrection(contest_id=contest.id, officer_id=officer.id, points=points,
                                    reason=reason[:300], actor_id=getattr(actor, "id", None), at=timeutil.now())
        db.session.add(correction)
        contest.scores_version += 1
        contest.version += 1
        db.session.flush()
        record(actor, "contest.live_correct", target=contest,
               summary=f"更正“{contest.title}”中{officer.name}（{officer.badge}）的得分{points:+g}：{reason}",
               officer=officer.badge, points=points, reason=reason)
        db.session.commit()
    return correction


def _award_points(contest: LiveContest, now: datetime) -> None:
    """Points by the points rules: for taking part, and for the first three places."""
    from .live_state import standings

    table = standings(contest)
    participants = [placed.result.person for placed in table.individuals]
    places = {placed.result.person: placed.rank for placed in table.individuals
              if placed.rank <= 3 and placed.result.score > 0}
    award_contest_points(f"live:{contest.id}", contest.title, participants, places, now)
    contest.points_awarded_at = now
