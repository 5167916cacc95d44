"""The scheduler's periodic sweeps: select what is due and not done, do it, mark it done.

Every notice carries a dedupe key, so a sweep that runs twice (a retry, a
takeover by another process) sends nothing twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .. import timeutil
from ..extensions import db
from ..notifications.services import notify

CLOSING_SOON = timedelta(hours=24)
# 政治学习日: ISO weekday (1 = Monday) of the weekly study day, and the local hour
# from which its reminder goes out.
STUDY_WEEKDAY_DEFAULT = 3
STUDY_REMINDER_HOUR = 8


def exam_link(exam_id: int) -> str:
    """Where an officer opens an exam (the same link as the exams area's invitations)."""
    return f"/exams/{exam_id}"


def _invited_ids(exam, unsubmitted_only: bool = False, invited_before=None) -> list[int]:
    """Officer ids of the invited candidates, optionally only those who have not submitted
    or who were invited before a moment."""
    from ..exams.models import Attempt, Candidate

    query = sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None))
    if unsubmitted_only:
        submitted = sa.select(Attempt.id).where(Attempt.exam_id == exam.id, Attempt.officer_id == Candidate.officer_id,
                                                Attempt.submitted_at.is_not(None))
        query = query.where(~sa.exists(submitted))
    if invited_before is not None:
        query = query.where(Candidate.created_at < invited_before)
    return list(db.session.scalars(query))


def send_exam_notices(now: datetime | None = None) -> int:
    """Opening notices for exams that have opened, closing-soon notices for those about to close."""
    from ..exams.models import Exam

    now = now or timeutil.now()
    sent = 0
    open_exams = db.session.scalars(sa.select(Exam).where(
        Exam.closed_at.is_(None), Exam.opens_at <= now, Exam.closes_at > now)).all()
    for exam in open_exams:
        closes = timeutil.format_local(exam.closes_at)
        # Candidates invited after the exam opened were told it is open by the invitation.
        sent += notify(_invited_ids(exam, invited_before=exam.opens_at), "exam", f"考试已开始：{exam.title}",
                       f"请在 {closes} 前完成。",
                       exam_link(exam.id), dedupe_key=f"exam-open:{exam.id}")
        if exam.closes_at - now <= CLOSING_SOON:
            sent += notify(_invited_ids(exam, unsubmitted_only=True), "exam", f"考试即将结束：{exam.title}",
                           f"考试将于 {closes} 结束，请尽快完成。", exam_link(exam.id),
                           dedupe_key=f"exam-closing:{exam.id}")
    db.session.commit()
    return sent


def close_overdue_attempts() -> None:
    """Submit every attempt past its deadline (the exams area's sweep)."""
    from ..exams.attempts import close_overdue_attempts as submit_overdue_attempts

    submit_overdue_attempts()


def study_weekday() -> int:
    """ISO weekday of the weekly study day (QUIZAPP_STUDY_WEEKDAY, default Wednesday)."""
    return int(current_app.config.get("QUIZAPP_STUDY_WEEKDAY") or STUDY_WEEKDAY_DEFAULT)


def send_study_reminders(now: datetime | None = None) -> int:
    """Monthly reminders to officers below their study target, and the weekly study-day reminder."""
    now = now or timeutil.now()
    sent = send_monthly_study_reminders(now) + send_study_day_reminders(now)
    db.session.commit()
    return sent


def send_study_day_reminders(now: datetime) -> int:
    """On the study day (from 08:00 local), remind every active officer once that week."""
    from ..roster.models import Officer

    local = timeutil.to_local(now)
    if local.isoweekday() != study_weekday() or local.hour < STUDY_REMINDER_HOUR:
        return 0
    year, week, _ = local.isocalendar()
    ids = db.session.scalars(sa.select(Officer.id).where(Officer.counts_as_officer))
    return notify(ids, "study", "今天是政治学习日", "请登录学习本周的学习资料，学习时长计入个人统计。", "/",
                  dedupe_key=f"study-day:{year}-W{week:02d}")


def send_monthly_study_reminders(now: datetime) -> int:
    """Once a month (on the first sweep of the month), remind officers below the quarter's target."""
    from ..reports.study import officers_below_target, quarter_bounds

    local = timeutil.to_local(now)
    start, end = quarter_bounds(local.date())
    below = officers_below_target(start, end)
    if not below:
        return 0
    by_minutes: dict[tuple[int, int], list[int]] = {}
    for row in below:
        by_minutes.setdefault((row.minutes, row.target), []).append(row.officer_id)
    sent = 0
    key = f"study-month:{local.year}-{local.month:02d}"
    for (minutes, target), ids in by_minutes.items():
        sent += notify(ids, "study", "学习提醒",
                       f"本季度您已学习{minutes}分钟，目标为{target}分钟，还差{target - minutes}分钟，请抓紧学习。",
                       "/", dedupe_key=key)
    return sent


FLAG_WINDOW = timedelta(days=7)


def notify_flagged_questions(now: datetime | None = None) -> int:
    """Once an exam has ended, tell the bank owners about its questions that look broken (once per exam)."""
    from ..exams.models import Exam
    from ..notifications.models import Notification
    from ..reports.services import notify_flagged_questions as notify_owners

    now = now or timeutil.now()
    ended = sa.func.coalesce(Exam.closed_at, Exam.closes_at)
    already = sa.exists().where(Notification.dedupe_key == sa.literal("flagged:") + sa.cast(Exam.id, sa.String))
    exams = db.session.scalars(sa.select(Exam).where(
        sa.or_(Exam.closed_at.is_not(None), Exam.closes_at <= now), ended > now - FLAG_WINDOW, ~already)).all()
    return sum(notify_owners(exam, None) for exam in exams)
