"""Firing schedules with a controlled clock: quarters, the year end, restarts and catch-up."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from quizapp.banks.models import Question
from quizapp.exams.models import Candidate, Exam
from quizapp.extensions import db
from quizapp.notifications.models import Notification
from quizapp.schedules import services
from quizapp.schedules.models import Schedule, ScheduleFiring
from tests.exam_factories import make_bank, make_organiser
from tests.factories import make_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def template(bank_name: str, **overrides) -> dict:
    value = {"title": "{year}年第{quarter}季度政治理论测试", "mode": "full",
             "paper": {"blueprint": [{"bank": bank_name, "type": "single", "count": 5, "points": 4},
                                     {"bank": bank_name, "type": "judge", "count": 5, "points": 4}]},
             "pass_mark": 60, "duration_minutes": 30}
    value.update(overrides)
    return value


@pytest.fixture
def bureau(app):
    """Two stations of three officers, an organiser and a bank, as of 1 December 2026."""
    with time_machine.travel(local(2026, 12, 1, 10), tick=False):
        organiser = make_organiser()
        for station in ("一所", "二所"):
            for n in range(3):
                make_officer(name=f"{station}民警{n}", department=f"市公安局/{station}")
        bank = make_bank("政治理论")
    return organiser, bank


def _schedule(organiser, bank, **template_overrides):
    with time_machine.travel(local(2026, 12, 1, 10), tick=False):
        return services.create_schedule(services.ScheduleInput(
            name="季度测试", template=template(bank.name, **template_overrides)), organiser)


def _sweep_at(*moment):
    with time_machine.travel(local(*moment), tick=False):
        return services.fire_due_schedules()


def test_quarterly_schedule_fires_across_the_year_end_once_per_quarter(bureau):
    organiser, bank = bureau
    schedule = _schedule(organiser, bank)
    assert _sweep_at(2027, 1, 4, 8, 59) == []

    fired = _sweep_at(2027, 1, 4, 9, 0, 30)
    assert [f.period for f in fired] == ["2027-01-04T09:00"]
    exam = db.session.get(Exam, fired[0].exam_id)
    assert exam.title == "2027年第1季度政治理论测试"
    assert exam.opens_at == local(2027, 1, 4, 9) and exam.closes_at == local(2027, 1, 11, 9)
    candidates = set(db.session.scalars(sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id)))
    assert len(candidates) == 7  # six officers and the organiser, all active
    notified = set(db.session.scalars(sa.select(Notification.officer_id)))
    assert notified == candidates

    # The same period again — the next minute, or after a restart two days later — creates nothing.
    assert _sweep_at(2027, 1, 4, 9, 1) == []
    assert _sweep_at(2027, 1, 6, 14, 0) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 1

    assert [f.period for f in _sweep_at(2027, 4, 5, 9, 0, 10)] == ["2027-04-05T09:00"]
    titles = db.session.scalars(sa.select(Exam.title).order_by(Exam.opens_at)).all()
    assert titles == ["2027年第1季度政治理论测试", "2027年第2季度政治理论测试"]
    assert schedule.id == fired[0].schedule_id


def test_a_period_missed_while_down_is_caught_up_while_its_window_is_open(bureau):
    organiser, bank = bureau
    _schedule(organiser, bank)
    # Nothing ran on Monday 4 January; the scheduler comes back on Wednesday.
    fired = _sweep_at(2027, 1, 6, 15, 0)
    assert [f.period for f in fired] == ["2027-01-04T09:00"]
    exam = db.session.get(Exam, fired[0].exam_id)
    assert exam.closes_at == local(2027, 1, 11, 9)


def test_a_period_whose_window_passed_while_down_is_not_fired(bureau):
    organiser, bank = bureau
    _schedule(organiser, bank)
    assert _sweep_at(2027, 1, 12, 9, 0) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleFiring)) == 0


def test_firing_the_same_period_twice_directly_creates_one_exam(bureau):
    organiser, bank = bureau
    schedule = _schedule(organiser, bank)
    with time_machine.travel(local(2027, 1, 4, 9, 0, 5), tick=False):
        first = services.fire_schedule(schedule, local(2027, 1, 4, 9))
        second = services.fire_schedule(schedule, local(2027, 1, 4, 9))
    assert first is not None and first.status == "created" and second is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 1


def test_sample_schedule_draws_and_notifies_only_the_drawn(bureau):
    organiser, bank = bureau
    _schedule(organiser, bank, mode="sample", departments=["市公安局"],
              draw={"size": 2, "allocation": "equal", "seed": 42}, title="{year}年第{quarter}季度随机抽测")
    fired = _sweep_at(2027, 1, 4, 9, 0, 30)
    exam = db.session.get(Exam, fired[0].exam_id)
    assert exam.mode == "sample" and exam.sample_size == 2
    drawn = set(db.session.scalars(sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id)))
    assert len(drawn) == 2
    assert set(db.session.scalars(sa.select(Notification.officer_id))) == drawn


def test_paused_schedule_does_not_fire_and_resumes(bureau):
    organiser, bank = bureau
    schedule = _schedule(organiser, bank)
    services.set_paused(schedule, True, organiser)
    assert _sweep_at(2027, 1, 4, 9, 1) == []
    services.set_paused(schedule, False, organiser)
    assert len(_sweep_at(2027, 1, 4, 9, 2)) == 1


def test_a_template_too_big_for_its_bank_is_refused_when_saved(bureau):
    organiser, bank = bureau
    with pytest.raises(services.ScheduleError, match="只有10道单选题") as refused:
        _schedule(organiser, bank, paper={"blueprint": [{"bank": bank.name, "type": "single", "count": 99, "points": 1},
                                                        {"bank": "政治理论学习", "type": "judge", "count": 1, "points": 1}]})
    # Every problem at once, each with its field.
    assert [e["field"] for e in refused.value.extra["errors"]] == ["paper.blueprint[0].count", "paper.blueprint[1].bank"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0


def test_a_refused_exam_is_recorded_on_the_firing_and_not_retried(bureau):
    organiser, bank = bureau
    schedule = _schedule(organiser, bank)
    # The bank is emptied after the schedule was saved: its page says so before it fires.
    with time_machine.travel(local(2026, 12, 1, 10), tick=False):
        db.session.execute(sa.update(Question).where(Question.bank_id == bank.id, Question.type == "single")
                           .values(retired=True))
        db.session.commit()
        assert services.schedule_health(schedule) == ["题库“政治理论”只有0道单选题，组卷规则要求5道，请减少题数或补充题目。"]
        assert [s.id for s, _ in services.schedules_needing_attention()] == [schedule.id]
    fired = _sweep_at(2027, 1, 4, 9, 0, 30)
    assert fired[0].status == "failed" and "只有0道" in fired[0].error
    assert _sweep_at(2027, 1, 4, 9, 5) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 0


def test_bad_templates_are_refused_in_chinese(bureau):
    organiser, bank = bureau
    with pytest.raises(services.ScheduleError, match="抽取人数"):
        _schedule(organiser, bank, mode="sample")
    with pytest.raises(services.ScheduleError, match="无法识别"):
        _schedule(organiser, bank, colour="red")
    with pytest.raises(services.ScheduleError, match="占位符"):
        _schedule(organiser, bank, title="{season}测试")


def test_schedule_page_lists_fired_periods_with_their_reports(bureau, client):
    from tests.factories import login

    organiser, bank = bureau
    schedule = _schedule(organiser, bank)
    fired = _sweep_at(2027, 1, 4, 9, 0, 30)
    with time_machine.travel(local(2027, 1, 4, 10), tick=False):
        login(client, organiser.badge)
        html = client.get(f"/schedules/{schedule.id}").get_data(as_text=True)
    assert "2027-01-04T09:00" in html and "已创建考试" in html
    assert f"/reports/exams/{fired[0].exam_id}" in html
    assert "2027-04-05 09:00" in html  # the next firing


def test_a_claim_left_pending_by_a_dead_process_is_retried_later_without_a_second_exam(bureau):
    organiser, bank = bureau
    schedule = _schedule(organiser, bank)
    with time_machine.travel(local(2027, 1, 4, 9, 0, 5), tick=False):
        # A process claimed the period, created the exam and died before recording it.
        db.session.add(ScheduleFiring(schedule_id=schedule.id, period="2027-01-04T09:00",
                                      fire_time=local(2027, 1, 4, 9), status="pending"))
        db.session.commit()
        services.create_exam_from_template(schedule, local(2027, 1, 4, 9), "2027-01-04T09:00")
    assert _sweep_at(2027, 1, 4, 9, 5) == []  # another process may still be working on it
    retried = _sweep_at(2027, 1, 4, 9, 20)
    assert [f.status for f in retried] == ["created"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 1
    assert retried[0].exam_id == db.session.scalar(sa.select(Exam.id))
