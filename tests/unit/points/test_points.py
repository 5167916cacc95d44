"""Points rules: per correct practice answer and per study block under daily caps, exam points
from the attempt_submitted signal (idempotent, tolerant), admin corrections, leaderboards."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import time_machine

from quizapp.audit.models import AuditEntry
from quizapp.extensions import db
from quizapp.points import services
from quizapp.points.models import PointsEntry
from quizapp.practice.services import record_answer
from quizapp.signals import attempt_submitted
from quizapp.site_settings import set_setting
from quizapp.study.minutes import record_heartbeat
from tests.factories import make_officer
from tests.practice_factories import make_practice_bank, questions_of, right_for, wrong_for

NOON = datetime(2026, 5, 13, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


@pytest.fixture
def officer(app):
    return make_officer(badge="320001")


def settings(**values):
    for key, value in values.items():
        set_setting(None, key.replace("__", "."), value)
    db.session.commit()


def test_correct_practice_answers_earn_points_up_to_the_daily_cap(officer):
    settings(points__practice_correct_points=2, points__practice_daily_cap=5)
    bank = make_practice_bank()
    qs = questions_of(bank)
    with time_machine.travel(NOON, tick=False) as clock:
        record_answer(officer.id, qs[0].id, wrong_for(officer.id, qs[0]))
        assert services.officer_total(officer.id) == 0
        for question in qs[:4]:
            record_answer(officer.id, question.id, right_for(officer.id, question))
        assert services.officer_total(officer.id) == 5  # 2 + 2 + 1, then the cap
        clock.shift(timedelta(days=1))
        record_answer(officer.id, qs[0].id, right_for(officer.id, qs[0]))
    assert services.officer_total(officer.id) == 7


def test_study_minutes_earn_points_per_block_up_to_the_daily_cap(officer):
    settings(points__study_minutes_per_block=1, points__study_points_per_block=3, points__study_daily_cap=7)
    with time_machine.travel(NOON, tick=False) as clock:
        record_heartbeat(officer.id)
        for _ in range(8):  # four minutes of study
            clock.shift(timedelta(seconds=30))
            record_heartbeat(officer.id)
    entries = db.session.scalars(sa.select(PointsEntry.points).order_by(PointsEntry.id)).all()
    assert entries == [3, 3, 1]
    assert services.officer_total(officer.id) == 7


def test_exam_points_come_once_per_exam_from_the_submission_signal(officer):
    settings(points__exam_taken_points=5, points__exam_passed_points=3)
    failed = SimpleNamespace(id=1, officer_id=officer.id, exam_id=42, passed=False, submitted_at=NOON)
    attempt_submitted.send(failed)
    assert services.officer_total(officer.id) == 5
    passed = SimpleNamespace(id=2, officer_id=officer.id, exam_id=42, passed=True, submitted_at=NOON)
    attempt_submitted.send(passed)  # a second attempt at the same exam that passed
    attempt_submitted.send(passed)  # and the same submission delivered twice
    db.session.commit()
    assert services.officer_total(officer.id) == 8
    assert sorted(db.session.scalars(sa.select(PointsEntry.reason))) == ["exam_passed", "exam_taken"]


def test_the_exam_receiver_ignores_senders_it_cannot_read(officer):
    attempt_submitted.send(object())
    attempt_submitted.send(SimpleNamespace(officer_id=officer.id, exam_id=None, passed=True))
    assert services.officer_total(officer.id) == 0


def test_admin_corrections_need_a_reason_and_are_audited(officer):
    admin = make_officer(badge="320009", role="admin", name="管理员")
    with pytest.raises(services.PointsError):
        services.adjust_points(admin, officer, 5, " ")
    with pytest.raises(services.PointsError):
        services.adjust_points(admin, officer, "abc", "原因")
    with pytest.raises(services.PointsError):
        services.adjust_points(admin, officer, 0, "原因")
    services.adjust_points(admin, officer, -3, "重复计分更正")
    services.adjust_points(admin, officer, 10, "知识竞答一等奖")
    assert services.officer_total(officer.id) == 7
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "points.adjust")).all()
    assert len(audit) == 2 and "重复计分更正" in audit[0].summary


def test_leaderboards_rank_officers_and_departments(app):
    a = make_officer(badge="330001", name="甲", department="市公安局/治安大队")
    b = make_officer(badge="330002", name="乙", department="市公安局/治安大队")
    c = make_officer(badge="330003", name="丙", department="市公安局/城关派出所")
    for officer, points in ((a, 5), (b, 12), (c, 9)):
        services.award(officer.id, points, "manual", f"t:{officer.id}")
    services.award(a.id, 1, "manual", "old", at=datetime(2020, 1, 1, tzinfo=UTC))
    db.session.commit()
    assert [(r["name"], r["points"]) for r in services.leaderboard()] == [("乙", 12), ("丙", 9), ("甲", 6)]
    assert [r["name"] for r in services.leaderboard(department=a.department)] == ["乙", "甲"]
    since = datetime(2026, 1, 1).date()
    assert services.leaderboard(since=since)[-1]["points"] == 5
    ranking = services.department_ranking(since)
    assert [(d["department"], d["average"]) for d in ranking] == [("市公安局/城关派出所", 9.0),
                                                                  ("市公安局/治安大队", 8.5)]


def test_awards_are_idempotent_by_reference(officer):
    assert services.award(officer.id, 4, "manual", "same")
    assert not services.award(officer.id, 4, "manual", "same")
    db.session.commit()
    assert services.officer_total(officer.id) == 4
