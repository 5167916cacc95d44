"""The scheduler's notice and reminder sweeps, with a controlled clock."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import time_machine

from quizapp.exams import attempts, definitions, saving
from quizapp.extensions import db
from quizapp.notifications.models import Notification
from quizapp.reports import study
from quizapp.schedules import jobs
from quizapp.study.models import StudyDay
from tests.exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer
from tests.factories import make_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def titles(officer_id=None):
    query = sa.select(Notification.title).order_by(Notification.id)
    if officer_id is not None:
        query = query.where(Notification.officer_id == officer_id)
    return db.session.scalars(query).all()


def test_opening_and_closing_soon_notices_go_out_once(app):
    bank = make_bank("政治理论")
    organiser = make_organiser()
    sitter = make_officer(name="交卷人", department="市公安局/一所")
    idle = make_officer(name="未答人", department="市公安局/一所")
    with time_machine.travel(local(2027, 1, 1, 10), tick=False):
        exam = definitions.create_exam(organiser, exam_spec(
            bank, title="元旦测试", opens_at=local(2027, 1, 4, 9), closes_at=local(2027, 1, 8, 18),
            departments=("市公安局/一所",)))
    assert titles(idle.id) == ["考试通知：元旦测试"]  # the exams area's invitation

    with time_machine.travel(local(2027, 1, 4, 8, 55), tick=False):
        assert jobs.send_exam_notices() == 0
    with time_machine.travel(local(2027, 1, 4, 9, 5), tick=False):
        assert jobs.send_exam_notices() == 2
        assert jobs.send_exam_notices() == 0
        attempt = attempts.start_attempt(sitter, exam)
        for item in items_of(attempt.id):
            saving.save_answer(sitter.id, attempt.id, item.question_id, right_answer(item), seq=1)
        attempts.submit_attempt(attempt.id)
    with time_machine.travel(local(2027, 1, 7, 17), tick=False):
        assert jobs.send_exam_notices() == 0  # more than a day left
    with time_machine.travel(local(2027, 1, 7, 18, 30), tick=False):
        assert jobs.send_exam_notices() == 1
        assert jobs.send_exam_notices() == 0
    assert titles(idle.id)[-1] == "考试即将结束：元旦测试"
    assert "考试即将结束：元旦测试" not in titles(sitter.id)


def test_study_day_reminder_on_wednesday_morning_once_a_week(app):
    active = make_officer()
    make_officer(active=False)
    assert jobs.send_study_day_reminders(local(2027, 1, 6, 7, 30)) == 0  # Wednesday, too early
    assert jobs.send_study_day_reminders(local(2027, 1, 5, 10)) == 0  # Tuesday
    assert jobs.send_study_day_reminders(local(2027, 1, 6, 8, 30)) == 1
    assert jobs.send_study_day_reminders(local(2027, 1, 6, 15)) == 0
    assert jobs.send_study_day_reminders(local(2027, 1, 13, 9)) == 1
    db.session.commit()
    assert titles(active.id) == ["今天是政治学习日", "今天是政治学习日"]
    # The hourly job sends both kinds: the officer has studied nothing this quarter.
    with time_machine.travel(local(2027, 1, 20, 9), tick=False):
        assert jobs.send_study_reminders() == 2
        assert jobs.send_study_reminders() == 0


def test_monthly_reminder_goes_to_officers_below_the_quarter_target_once_a_month(app):
    keen = make_officer(name="勤学")
    slow = make_officer(name="慢学")
    db.session.add_all([StudyDay(officer_id=keen.id, day=date(2027, 1, 3), seconds=700 * 60),
                        StudyDay(officer_id=slow.id, day=date(2027, 1, 3), seconds=100 * 60),
                        StudyDay(officer_id=slow.id, day=date(2026, 12, 30), seconds=900 * 60)])  # last quarter
    db.session.commit()
    with time_machine.travel(local(2027, 2, 1, 9), tick=False):
        assert jobs.send_monthly_study_reminders(local(2027, 2, 1, 9)) == 1
        assert jobs.send_monthly_study_reminders(local(2027, 2, 20, 9)) == 0
        assert jobs.send_monthly_study_reminders(local(2027, 3, 1, 9)) == 1
    bodies = db.session.scalars(sa.select(Notification.body).where(Notification.officer_id == slow.id)).all()
    assert bodies[0] == "本季度您已学习100分钟，目标为600分钟，还差500分钟，请抓紧学习。"
    assert titles(keen.id) == []


def test_study_report_rows_sum_minutes_per_department(app):
    a = make_officer(department="市公安局/一所")
    b = make_officer(department="市公安局/一所")
    c = make_officer(department="市公安局/二所")
    db.session.add_all([StudyDay(officer_id=a.id, day=date(2027, 1, 3), seconds=650 * 60),
                        StudyDay(officer_id=b.id, day=date(2027, 2, 3), seconds=50 * 60 + 59),
                        StudyDay(officer_id=b.id, day=date(2027, 4, 1), seconds=999 * 60)])  # next quarter
    db.session.commit()
    start, end = date(2027, 1, 1), date(2027, 3, 31)
    rows = {r.department: r for r in study.department_rows(start, end)}
    assert (rows["一所"].officers, rows["一所"].total_minutes, rows["一所"].below_target) == (2, 700, 1)
    assert rows["一所"].average_minutes == 350.0
    assert (rows["二所"].total_minutes, rows["二所"].below_target) == (0, 1)
    below = study.officers_below_target(start, end)
    assert [(r.officer_id, r.minutes) for r in below] == [(c.id, 0), (b.id, 50)]
    assert study.period_target(date(2027, 1, 1), date(2027, 1, 9)) == 60  # 600 × 9/90
