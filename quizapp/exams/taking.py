"""Sitting an exam: start or resume, save answers, submit, the overdue sweep, absences.

Concurrency: a save and a submit of the same attempt never interleave badly.
- Submitting first claims the attempt with ``UPDATE … WHERE submitted_at IS NULL``
  (a row lock on PostgreSQL, the database write lock on SQLite), then grades
  the answers it can see; a second submit finds nothing to claim and returns the
  first result.
- Saving takes a shared row lock on the attempt on PostgreSQL (``FOR SHARE``),
  so a submit waits for it and then sees the answer; on SQLite the upsert is a
  single conditional statement (``INSERT … SELECT … WHERE submitted_at IS NULL
  ON CONFLICT … DO UPDATE … WHERE excluded.seq > seq``) run under the write lock.
- Two devices saving the same question: the upsert keeps the larger ``seq``.
"""
from __future__ import annotations

import hashlib
import random
import secrets
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import signals, timeutil
from ..banks.models import Question
from ..banks.types import QUESTION_TYPES, grading_key
from ..extensions import db
from .candidates import admit_latecomer
from .errors import ExamError
from .grading import PaperQuestion, grade_paper, scale_points
from .models import Absence, Answer, Attempt, Candidate, Exam, PaperItem

OPTION_LETTERS = "ABCDEFGH"


def network_grace() -> timedelta:
    """How long after the deadline a save in flight is still accepted (at most 10 s)."""
    return timedelta(seconds=min(max(int(current_app.config.get("EXAM_NETWORK_GRACE_SECONDS", 5)), 0), 10))


def start_offset_seconds(exam: Exam, officer_id: int) -> int:
    """A fixed per-candidate delay in [0, start_delay_seconds] that spreads a big exam's entry."""
    if not exam.start_delay_seconds:
        return 0
    digest = hashlib.sha256(f"{exam.id}:{officer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % (exam.start_delay_seconds + 1)


# ---------------------------------------------------------------- paper

def _shown_options(question, rng: random.Random, shuffle: bool) -> tuple[list, dict]:
    options = list(question.options or [])
    if shuffle:
        rng.shuffle(options)
    shown, mapping = [], {}
    for letter, option in zip(OPTION_LETTERS, options):
        shown.append({"key": letter, "text": option["text"]})
        mapping[letter] = option["key"]
    return shown, mapping


def _shown_key(question, mapping: dict):
    qtype = QUESTION_TYPES[question.type]
    key = qtype.validate_key(question.answer, list(question.options or []))
    if question.type not in ("single", "multiple"):
        return grading_key(question.type, key, question.any_order)
    back = {original: shown for shown, original in mapping.items()}
    if question.type == "single":
        return back[key]
    return sorted(back[k] for k in key)


# Question-id pools per blueprint rule, kept briefly: at 09:00 a thousand officers
# start the same exam and would otherwise run the same pool queries a thousand times.
POOL_SECONDS = 30
_POOLS: dict[tuple, tuple[float, list[int]]] = {}


def _rule_pool(rule, fresh: bool = False) -> list[int]:
    key = (rule.id, rule.bank_id, rule.type, rule.chapter)
    cached = _POOLS.get(key)
    if cached and not fresh and time.monotonic() - cached[0] < POOL_SECONDS:
        return cached[1]
    query = sa.select(Question.id).where(Question.bank_id == rule.bank_id, Question.type == rule.type,
                                         Question.retired.is_(False))
    if rule.chapter:
        query = query.where(Question.chapter == rule.chapter)
    pool = sorted(db.session.scalars(query))
    if len(_POOLS) > 1000:
        _POOLS.clear()
    _POOLS[key] = (time.monotonic(), pool)
    return pool


def _pick_questions(exam: Exam, rng: random.Random, fresh: bool = False) -> list[tuple[int, float]]:
    """(question id, raw points) for a new paper, in the order shown."""
    if not exam.rules_rows and exam.fixed_rows:
        picked = [(row.question_id, row.points) for row in exam.fixed_rows]
        if exam.shuffle_questions:
            rng.shuffle(picked)
        return picked
    picked, used = [], set()
    for rule in exam.rules_rows:
        pool = [qid for qid in _rule_pool(rule, fresh) if qid not in used]
        if len(pool) < rule.count and not fresh:
            pool = [qid for qid in _rule_pool(rule, True) if qid not in used]
        if len(pool) < rule.count:
            raise ExamError("题库中的题目已不足以组卷，请联系考试组织者。", status=409, code="not_enough_questions")
        chosen = rng.sample(pool, rule.count)
        if not exam.shuffle_questions:
            chosen.sort()
        used.update(chosen)
        picked += [(qid, rule.points) for qid in chosen]
    return picked


def build_paper(exam: Exam, seed: int) -> list[dict]:
    """A candidate's own paper drawn from the blueprint, options shuffled: PaperItem rows (snapshots)."""
    for fresh in (False, True):
        rng = random.Random(seed)
        picked = _pick_questions(exam, rng, fresh)
        questions = {q.id: q for q in db.session.execute(
            sa.select(Question.id, Question.type, Question.stem, Question.options, Question.answer,
                      Question.explanation, Question.any_order).where(Question.id.in_([p[0] for p in picked]),
                                                  Question.retired.is_(False)))}
        if len(questions) == len(picked):
            break
        # A cached pool named a question deleted or retired since: draw again from fresh pools.
    else:
        raise ExamError("题库中的题目已不足以组卷，请联系考试组织者。", status=409, code="not_enough_questions")
    points = scale_points([p[1] for p in picked], exam.total_points)
    rows = []
    for position, ((qid, _), scaled) in enumerate(zip(picked, points), start=1):
        question = questions[qid]
        shuffle = exam.shuffle_options and question.type in ("single", "multiple")
        options, mapping = _shown_options(question, rng, shuffle) if question.type in ("single", "multiple") else ([], {})
        rows.append(dict(position=position, question_id=qid, type=question.type, stem=question.stem, options=options,
                         option_map=mapping, key=_shown_key(question, mapping),
                         explanation=question.explanation or "", points=scaled))
    return rows


# ---------------------------------------------------------------- start

def attempt_for_officer(officer, attempt_id: int) -> Attempt:
    """The officer's own attempt (404 when missing, 403 when someone else's)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise ExamError("答卷不存在。", status=404, code="not_found")
    if attempt.officer_id != officer.id:
        raise ExamError("这不是您的答卷。", status=403, code="forbidden")
    return attempt


def start_attempt(officer, exam: Exam, now: datetime | None = None) -> Attempt:
    """Start the officer's attempt with its own paper, or resume the open one. Commits.

    Never checks a password: logging in is the expensive step, done beforehand.
    """
    now = now or timeutil.now()
    if not db.session.scalar(sa.select(sa.exists().where(
            Candidate.exam_id == exam.id, Candidate.officer_id == officer.id, Candidate.replaced_at.is_(None)))) \
            and not admit_latecomer(officer, exam):
        raise ExamError("您不在本次考试的考生名单中。", status=403, code="not_candidate")
    attempts = list(db.session.scalars(sa.select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.officer_id == officer.id).order_by(Attempt.number)))
    latest = attempts[-1] if attempts else None
    if latest is not None and latest.submitted_at is None:
        if now <= latest.deadline + network_grace():
            return latest
        submit_attempt(latest.id, reason="deadline", now=now)
        db.session.refresh(latest)
    if exam.closed_at is not None or now >= exam.closes_at:
        raise ExamError("考试已结束。", status=409, code="exam_closed",
                        attempt_id=latest.id if latest else None)
    if now < exam.opens_at:
        raise ExamError(f"考试尚未开始，开始时间：{timeutil.format_local(exam.opens_at)}。", status=409,
                        code="exam_not_open", retry_after=int((exam.opens_at - now).total_seconds()) + 1)
    if len(attempts) >= exam.attempts_allowed:
        raise ExamError("您已用完本次考试的作答次数。", status=409, code="no_attempts_left",
                        attempt_id=latest.id if latest else None)
    ready_at = exam.opens_at + timedelta(seconds=start_offset_seconds(exam, officer.id))
    if now < ready_at:
        wait = int((ready_at - now).total_seconds()) + 1
        raise ExamError(f"为避免拥堵，请{wait}秒后再开始考试。", status=409, code="start_delayed", retry_after=wait)
    seed = secrets.randbits(62)
    attempt = Attempt(exam_id=exam.id, officer_id=officer.id, number=len(attempts) + 1, paper_seed=seed,
                      started_at=now, deadline=min(now + timedelta(minutes=exam.duration_minutes), exam.closes_at))
    try:
        rows = build_paper(exam, seed)
        db.session.add(attempt)
        db.session.flush()
        db.session.execute(sa.insert(PaperItem), [dict(row, attempt_id=attempt.id) for row in rows])
        # Kept on the instance (not mapped, so the commit leaves it): the start response
        # is built from it instead of reading back what was just written.
        fresh = {"attempt_id": attempt.id, "exam_id": exam.id, "title": exam.title, "started_at": attempt.started_at,
                 "deadline": attempt.deadline, "rows": rows}
        db.session.commit()
        attempt.fresh_paper = fresh
    except IntegrityError:
        # Another device started it at the same moment: resume that one.
        db.session.rollback()
        return db.session.scalars(sa.select(Attempt).where(
            Attempt.exam_id == exam.id, Attempt.officer_id == officer.id).order_by(Attempt.number.desc())).first()
    except Exception:
        db.session.rollback()
        raise
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
    try:
        claimed = db.session.execute(
            sa.update(Attempt).where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
            .values(submitted_at=submitted_at, submit_reason=reason).execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            db.session.rollback()
            db.session.refresh(attempt)
            return attempt
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
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return attempt


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
    attempt = attempt_for_officer(officer, attempt_id)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise ExamError("离开时长应为非负数。", status=422, code="invalid_seconds")
    seconds = int(min(seconds, max((now - attempt.started_at).total_seconds(), 0)))
    exam = db.session.get(Exam, attempt.exam_id)
    absence = Absence(attempt_id=attempt.id, left_at=now - timedelta(seconds=seconds), returned_at=now,
                      seconds=seconds, tolerated=seconds <= absence_grace(exam))
    db.session.add(absence)
    db.session.commit()
    return absence
