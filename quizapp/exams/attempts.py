"""Sitting an exam: opening an attempt, starting or resuming, submitting, the overdue sweep, absences.

An attempt read after its deadline plus the network grace is submitted there and then
(``open_attempt``, ``start_attempt``, a refused save through ``submit_overdue``), with
the answers saved in time; the periodic sweep ``close_overdue_attempts`` does the same
for attempts nobody reads.

Concurrency: a save and a submit of the same attempt never interleave badly.
- Submitting claims the attempt with ``UPDATE … WHERE submitted_at IS NULL`` (a row
  lock on PostgreSQL, the database write lock on SQLite); a second submit finds
  nothing to claim and returns the first result. It then locks the attempt's paper
  items (``FOR NO KEY UPDATE``) before it reads the answers, and grades every item
  in the same transaction.
- A save (``saving.py``) is one autocommit statement, ``INSERT … SELECT … ON CONFLICT
  DO UPDATE … WHERE excluded.seq > seq``, that selects the question's paper item
  ``WHERE earned IS NULL … FOR SHARE``: it either commits before the submit's lock
  (and is graded) or waits for the submit and then finds the item graded, writes
  nothing and is refused. On SQLite the statement runs under the write lock.
- Two devices saving the same question: the upsert keeps the larger ``seq``.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import signals, timeutil
from ..extensions import db
from ..transactions import transaction
from .candidates import admit_latecomer
from .errors import NOT_A_CANDIDATE, ExamError
from .grading import PaperQuestion, grade_paper
from .models import Absence, Answer, Attempt, Exam, PaperItem
from .papers import build_paper
from .queries import is_candidate


def network_grace() -> timedelta:
    """How long after the deadline a save in flight is still accepted (at most 10 s)."""
    return timedelta(seconds=min(max(int(current_app.config.get("EXAM_NETWORK_GRACE_SECONDS", 5)), 0), 10))


def past_cutoff(deadline: datetime, now: datetime) -> bool:
    """Whether ``now`` is past the deadline plus the network grace: nothing more is saved."""
    return now > deadline + network_grace()


def start_offset_seconds(exam: Exam, officer_id: int) -> int:
    """A fixed per-candidate delay in [0, start_delay_seconds] that spreads a big exam's entry."""
    if not exam.start_delay_seconds:
        return 0
    digest = hashlib.sha256(f"{exam.id}:{officer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % (exam.start_delay_seconds + 1)


def ready_at(exam: Exam, officer_id: int) -> datetime:
    """When the officer may start the exam: its opening plus his start delay."""
    return exam.opens_at + timedelta(seconds=start_offset_seconds(exam, officer_id))


def seconds_until_ready(exam: Exam, officer_id: int, now: datetime | None = None) -> int:
    """Whole seconds (rounded up) until the officer may start; 0 once he may, or once the exam has closed."""
    now = now or timeutil.now()
    if exam.is_closed or now >= ready_at(exam, officer_id):
        return 0
    return int((ready_at(exam, officer_id) - now).total_seconds()) + 1


# ---------------------------------------------------------------- opening

def open_attempt(officer, attempt_id: int, now: datetime | None = None) -> Attempt:
    """The officer's own attempt as it stands now (404 when missing, 403 when someone else's);
    one past its deadline plus the grace is submitted first."""
    return _submitted_if_overdue(_own_attempt(officer, attempt_id), now or timeutil.now())


def _own_attempt(officer, attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise ExamError("答卷不存在。", status=404, code="not_found")
    if attempt.officer_id != officer.id:
        raise ExamError("这不是您的答卷。", status=403, code="forbidden")
    return attempt


def submit_overdue(attempt_id: int, now: datetime | None = None) -> Attempt:
    """Submit the attempt (reason "deadline") if it is past its deadline plus the grace; the attempt as it stands."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise ExamError("答卷不存在。", status=404, code="not_found")
    return _submitted_if_overdue(attempt, now or timeutil.now())


def _submitted_if_overdue(attempt: Attempt, now: datetime) -> Attempt:
    if attempt.submitted_at is None and past_cutoff(attempt.deadline, now):
        return submit_attempt(attempt.id, reason="deadline", now=now)
    return attempt


# ---------------------------------------------------------------- start

def start_attempt(officer, exam: Exam, now: datetime | None = None) -> Attempt:
    """Start the officer's attempt with its own paper, or resume the open one. Commits.

    Never checks a password: logging in is the expensive step, done beforehand.
    """
    now = now or timeutil.now()
    if not is_candidate(officer.id, exam.id) and not admit_latecomer(officer, exam):
        raise ExamError(NOT_A_CANDIDATE, status=403, code="not_candidate")
    attempts = list(db.session.scalars(sa.select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.officer_id == officer.id).order_by(Attempt.number)))
    latest = attempts[-1] if attempts else None
    if latest is not None and latest.submitted_at is None:
        latest = _submitted_if_overdue(latest, now)
        if latest.submitted_at is None:
            return latest
    if exam.closed_at is not None or now >= exam.closes_at:
        raise ExamError("考试已结束。", status=409, code="exam_closed",
                        attempt_id=latest.id if latest else None)
    if now < exam.opens_at:
        raise ExamError(f"考试尚未开始，开始时间：{timeutil.format_local(exam.opens_at)}。", status=409,
                        code="exam_not_open", retry_after=int((exam.opens_at - now).total_seconds()) + 1)
    if len(attempts) >= exam.attempts_allowed:
        raise ExamError("您已用完本次考试的作答次数。", status=409, code="no_attempts_left",
                        attempt_id=latest.id if latest else None)
    wait = seconds_until_ready(exam, officer.id, now)
    if wait:
        raise ExamError(f"为避免拥堵，请{wait}秒后再开始考试。", status=409, code="start_delayed", retry_after=wait)
    seed = secrets.randbits(62)
    attempt = Attempt(exam_id=exam.id, officer_id=officer.id, number=len(attempts) + 1, paper_seed=seed,
                      started_at=now, deadline=min(now + timedelta(minutes=exam.duration_minutes), exam.closes_at))
    try:
        with transaction():
            rows = build_paper(exam, seed)
            db.session.add(attempt)
            db.session.flush()
            db.session.execute(sa.insert(PaperItem), [dict(row, attempt_id=attempt.id) for row in rows])
            # Kept on the instance (not mapped, so the commit leaves it): the start response
            # is built from it instead of reading back what was just written.
            fresh = {"attempt_id": attempt.id, "exam_id": exam.id, "title": exam.title,
                     "started_at": attempt.started_at, "deadline": attempt.deadline, "rows": rows}
    except IntegrityError:
        # Another device started it at the same moment: resume that one.
        return db.session.scalars(sa.select(Attempt).where(
            Attempt.exam_id == exam.id, Attempt.officer_id == officer.id).order_by(Attempt.number.desc())).first()
    attempt.fresh_paper = fresh
    return attempt


def saved_answers(attempt: Attempt) -> dict[int, object]:
    """The attempt's saved answers by question id."""
    return dict(db.session.execute(sa.select(Answer.question_id, Answer.answer).where(
        Answer.attempt_id == attempt.id)).all())


# ---------------------------------------------------------------- submit

def submit_attempt(attempt_id: int, reason: str = "officer", now: datetime | None = None) -> Attempt:
    """Submit and grade an attempt on the server. Idempotent: a second call returns the first result. Commits.

    Only answers saved by the deadline plus the network grace count. Sends
    ``signals.attempt_submitted`` inside the transaction.
    """
    now = now or timeutil.now()
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise ExamError("答卷不存在。", status=404, code="not_found")
    cutoff = attempt.deadline + network_grace()
    if now > cutoff:
        reason, submitted_at = ("deadline" if reason == "officer" else reason), attempt.deadline
    else:
        submitted_at = min(now, attempt.deadline)
    with transaction():
        claimed = db.session.execute(
            sa.update(Attempt).where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
            .values(submitted_at=submitted_at, submit_reason=reason).execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            _grade(attempt, cutoff)
    if not claimed:  # submitted already: the first result stands
        db.session.refresh(attempt)
    return attempt


def _grade(attempt: Attempt, cutoff: datetime) -> None:
    """Grade the claimed attempt from the answers saved by the cutoff (in the submit's transaction)."""
    attempt_id = attempt.id
    exam = db.session.get(Exam, attempt.exam_id)
    # Locking the items waits for saves in flight (they hold FOR SHARE on theirs) and makes
    # later ones wait for this commit, then find their item graded (see saving.py).
    items = list(db.session.scalars(sa.select(PaperItem).where(PaperItem.attempt_id == attempt_id)
                                    .with_for_update(key_share=True)))
    answers = dict(db.session.execute(sa.select(Answer.question_id, Answer.answer).where(
        Answer.attempt_id == attempt_id, Answer.saved_at <= cutoff)).all())
    result = grade_paper(
        [PaperQuestion(i.question_id, i.type, i.key, i.points, tuple(i.options or ())) for i in items], answers,
        partial_credit=exam.partial_credit, pass_mark=exam.pass_mark, total_points=exam.total_points)
    for item in items:
        grade = result.grades[item.question_id]
        item.earned, item.correct = round(grade.score, 4), grade.correct
    db.session.execute(sa.update(Attempt).where(Attempt.id == attempt_id)
                       .values(score=result.score, passed=result.passed)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(attempt)
    signals.attempt_submitted.send(attempt)


def close_overdue_attempts(now: datetime | None = None, limit: int = 5000) -> int:
    """The periodic sweep: submit every attempt past its deadline plus grace. Idempotent; returns how many."""
    now = now or timeutil.now()
    due = list(db.session.scalars(sa.select(Attempt.id).where(
        Attempt.submitted_at.is_(None), Attempt.deadline < now - network_grace()).order_by(Attempt.id).limit(limit)))
    db.session.rollback()
    done = 0
    for attempt_id in due:
        attempt = submit_attempt(attempt_id, reason="deadline", now=now)
        done += attempt.submit_reason == "deadline"
    return done


def submit_open_attempts(exam_id: int, reason: str = "closed", now: datetime | None = None) -> int:
    """Submit every unsubmitted attempt of an exam (when it is closed by hand)."""
    open_ids = list(db.session.scalars(sa.select(Attempt.id).where(
        Attempt.exam_id == exam_id, Attempt.submitted_at.is_(None))))
    db.session.rollback()
    for attempt_id in open_ids:
        submit_attempt(attempt_id, reason=reason, now=now)
    return len(open_ids)


# ---------------------------------------------------------------- absences

def absence_grace(exam: Exam) -> int:
    """Seconds of absence tolerated without a flag."""
    if exam.absence_grace_seconds is not None:
        return exam.absence_grace_seconds
    return int(current_app.config.get("EXAM_ABSENCE_GRACE_SECONDS", 60))


def log_absence(officer, attempt_id: int, seconds: float, now: datetime | None = None) -> Absence:
    """Record that the exam page was hidden for ``seconds`` (measured on the phone's monotonic clock). Commits."""
    now = now or timeutil.now()
    attempt = _own_attempt(officer, attempt_id)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise ExamError("离开时长应为非负数。", status=422, code="invalid_seconds")
    seconds = int(min(seconds, max((now - attempt.started_at).total_seconds(), 0)))
    exam = db.session.get(Exam, attempt.exam_id)
    absence = Absence(attempt_id=attempt.id, left_at=now - timedelta(seconds=seconds), returned_at=now,
                      seconds=seconds, tolerated=seconds <= absence_grace(exam))
    with transaction():
        db.session.add(absence)
    return absence
