"""Study minutes with a controlled clock: gaps, hidden and idle pages, two tabs, the cap, quarters."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from quizapp.extensions import db
from quizapp.site_settings import set_setting
from quizapp.study.minutes import daily_seconds, minutes_by_officer, minutes_summary, quarter_minutes, record_heartbeat
from quizapp.study.models import StudyDay, StudyHeartbeatState
from tests.factories import make_officer

# 10:00 in Shanghai on a Wednesday.
START = datetime(2026, 5, 13, 2, 0, tzinfo=UTC)


@pytest.fixture
def officer(app):
    return make_officer(badge="310001")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def beat(officer, clock, after: float, **kwargs) -> int:
    clock.shift(timedelta(seconds=after))
    return record_heartbeat(officer.id, **kwargs).credited_seconds


def test_regular_heartbeats_credit_the_real_time_between_them(officer, clock):
    assert beat(officer, clock, 0) == 0  # the first heartbeat starts the interval
    assert [beat(officer, clock, s) for s in (30, 31, 29)] == [30, 31, 29]
    assert minutes_summary(officer.id).today == 1


def test_one_gap_credits_at_most_sixty_seconds(officer, clock):
    beat(officer, clock, 0)
    assert beat(officer, clock, 90) == 60


def test_a_long_silence_credits_nothing_and_restarts_the_interval(officer, clock):
    beat(officer, clock, 0)
    assert beat(officer, clock, 600) == 0
    assert beat(officer, clock, 30) == 30


def test_hidden_pages_earn_nothing_and_the_hidden_time_is_never_credited(officer, clock):
    beat(officer, clock, 0)
    assert beat(officer, clock, 30, visible=False) == 0
    # Back after 50 s hidden: the first visible beat only starts a new interval.
    assert beat(officer, clock, 50) == 0
    assert beat(officer, clock, 30) == 30


def test_idle_pages_earn_nothing(officer, clock):
    beat(officer, clock, 0)
    assert beat(officer, clock, 30, active=False) == 0
    assert beat(officer, clock, 40) == 0
    assert beat(officer, clock, 30) == 30


def test_two_tabs_never_count_the_same_time_twice(officer, clock):
    beat(officer, clock, 0)  # tab A
    credited = 0
    for _ in range(10):  # both tabs beat every 30 s, 5 s apart
        credited += beat(officer, clock, 25)  # tab B
        credited += beat(officer, clock, 5)  # tab A
    assert credited == 300  # 5 minutes of real time, not 10
    assert minutes_summary(officer.id).today == 5


def test_concurrent_heartbeats_credit_an_interval_once(app, officer):
    officer_id = officer.id
    with time_machine.travel(START, tick=False) as traveller:
        record_heartbeat(officer_id)
        traveller.shift(timedelta(seconds=30))
        results, barrier = [], threading.Barrier(6)

        def tab():
            with app.app_context():
                barrier.wait()
                results.append(record_heartbeat(officer_id).credited_seconds)
                db.session.remove()

        threads = [threading.Thread(target=tab) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 6 and sorted(results) == [0, 0, 0, 0, 0, 30]


def test_the_daily_cap_stops_crediting_and_a_new_day_starts_fresh(officer, clock):
    set_setting(None, "study.daily_cap_minutes", 2)
    db.session.commit()
    beat(officer, clock, 0)
    credited = [beat(officer, clock, 50) for _ in range(4)]
    assert credited == [50, 50, 20, 0]
    assert minutes_summary(officer.id).today == 2
    # Next local day (midnight in Shanghai is 16:00 UTC).
    clock.move_to(datetime(2026, 5, 13, 16, 0, 5, tzinfo=UTC))
    beat(officer, clock, 0)
    assert beat(officer, clock, 30) == 30
    assert minutes_by_officer(date(2026, 5, 13), date(2026, 5, 13)) == {officer.id: 2}
    assert minutes_by_officer(date(2026, 5, 13), date(2026, 5, 14)) == {officer.id: 2}
    assert daily_seconds(officer.id, date(2026, 5, 13), date(2026, 5, 14)) == {date(2026, 5, 13): 120,
                                                                               date(2026, 5, 14): 30}


def test_days_follow_shanghai_time_and_a_quarter_boundary(officer):
    # 23:59:30 on 31 March in Shanghai, then 00:00:20 on 1 April.
    with time_machine.travel(datetime(2026, 3, 31, 15, 59, 30, tzinfo=UTC), tick=False) as traveller:
        record_heartbeat(officer.id)
        traveller.shift(timedelta(seconds=20))
        assert record_heartbeat(officer.id).credited_seconds == 20  # still 31 March locally
        traveller.shift(timedelta(seconds=30))
        assert record_heartbeat(officer.id).credited_seconds == 30  # 1 April: the new quarter
    assert daily_seconds(officer.id, date(2026, 3, 1), date(2026, 4, 30)) == {date(2026, 3, 31): 20,
                                                                              date(2026, 4, 1): 30}
    assert dict(db.session.execute(sa.select(StudyDay.day, StudyDay.seconds)).all()) == {date(2026, 3, 31): 20,
                                                                                        date(2026, 4, 1): 30}
    assert minutes_summary(officer.id, today=date(2026, 4, 1)).quarter == 0  # 30 s is not a minute yet
    assert minutes_by_officer(date(2026, 1, 1), date(2026, 3, 31)) == {officer.id: 0}


def test_summary_adds_up_today_week_and_quarter_against_the_target(officer):
    set_setting(None, "study.quarter_target_minutes", 300)
    for day, minutes in ((date(2026, 5, 13), 20), (date(2026, 5, 11), 30), (date(2026, 5, 10), 40),
                         (date(2026, 4, 2), 50), (date(2026, 3, 30), 600)):
        db.session.add(StudyDay(officer_id=officer.id, day=day, seconds=minutes * 60))
    db.session.commit()
    summary = minutes_summary(officer.id, today=date(2026, 5, 13))
    assert (summary.today, summary.week, summary.quarter, summary.target) == (20, 50, 140, 300)
    assert summary.percent == 46
    assert quarter_minutes(day=date(2026, 5, 13)) == {officer.id: 140}


def test_a_tab_acting_on_a_stale_read_credits_nothing_twice(officer, clock):
    beat(officer, clock, 0)
    state = StudyHeartbeatState.__table__
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        stale = tuple(connection.execute(
            sa.select(state.c.last_beat_ms, state.c.day, state.c.today_seconds)).first())
        clock.shift(timedelta(seconds=30))
        first = record_heartbeat(officer.id, state=stale, autocommit=connection)
        second = record_heartbeat(officer.id, state=stale, autocommit=connection)  # the other tab, same view
    assert (first.credited_seconds, second.credited_seconds) == (30, 0)
    assert minutes_by_officer(date(2026, 5, 13), date(2026, 5, 13)) == {officer.id: 0}
    assert daily_seconds(officer.id, date(2026, 5, 13), date(2026, 5, 13)) == {date(2026, 5, 13): 30}
