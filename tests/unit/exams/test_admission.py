"""Officers who join the roster after a full-staff exam was made: admitted where the roster
changes or by the sweep, never by reading a page."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from quizapp import timeutil
from quizapp.exams import candidates, definitions, queries
from quizapp.exams.models import Candidate
from quizapp.extensions import db
from quizapp.notifications.models import Notification
from quizapp.roster import services as roster

from ...exam_factories import exam_spec, make_bank, make_organiser
from ...factories import make_department, make_officer
from ...roster_files import csv_bytes

PATROL = "市公安局/治安大队"


def _full_exam(bank, organiser, **overrides):
    make_department(PATROL)
    return definitions.create_exam(organiser, exam_spec(bank, departments=(PATROL,), **overrides))


def _invited(exam, officer_id) -> bool:
    return queries.is_candidate(officer_id, exam.id)


def test_reading_the_exam_list_writes_nothing(app):
    exam = _full_exam(make_bank(), make_organiser())
    latecomer = make_officer(department=PATROL)  # straight into the table: no roster change announced
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        rows = queries.my_exams(latecomer)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert rows == [] and not _invited(exam, latecomer.id)
    assert statements and set(statements) == {"SELECT"}


def test_an_officer_imported_after_a_full_staff_exam_is_invited_and_told(app):
    admin = make_officer(badge="100001", role="admin", department="市公安局")
    exam = _full_exam(make_bank(), make_organiser())
    closed = _full_exam(make_bank(name="旧题库"), make_organiser(badge="700002"),
                        opens_at=timeutil.now() - timedelta(days=3), closes_at=timeutil.now() - timedelta(days=1))
    roster.import_roster("r.csv", csv_bytes([["300001", "王新", PATROL, "民警", "Start2026x", "", ""],
                                             ["300002", "李远", "市公安局/刑侦大队", "民警", "Start2026x", "", ""]]),
                         admin)
    newcomer, elsewhere = (db.session.scalar(sa.select(roster.Officer).where(roster.Officer.badge == b))
                           for b in ("300001", "300002"))
    assert _invited(exam, newcomer.id) and not _invited(exam, elsewhere.id)
    assert not _invited(closed, newcomer.id)
    assert db.session.scalar(sa.select(Notification.title).where(Notification.officer_id == newcomer.id)) == \
        f"考试通知：{exam.title}"


def test_moved_and_reactivated_officers_join_the_exams_they_are_now_eligible_for(app):
    admin = make_officer(badge="100001", role="admin", department="市公安局")
    exam = _full_exam(make_bank(), make_organiser())
    mover = make_officer(department="市公安局/刑侦大队")
    returning = make_officer(department=PATROL, active=False)
    assert not _invited(exam, mover.id) and not _invited(exam, returning.id)
    roster.move_officer(admin, mover, roster.ensure_department(PATROL))
    roster.set_active(admin, returning, True)
    assert _invited(exam, mover.id) and _invited(exam, returning.id)


def test_the_sweep_invites_those_no_roster_change_reached_once(app):
    exam = _full_exam(make_bank(), make_organiser())
    sample = definitions.create_exam(make_organiser(badge="700002"),
                                     exam_spec(make_bank(name="抽测题库"), mode="sample", departments=(PATROL,)))
    latecomer = make_officer(department=PATROL)
    assert candidates.admit_latecomers() == 1
    assert candidates.admit_latecomers() == 0
    assert _invited(exam, latecomer.id) and not _invited(sample, latecomer.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate).where(
        Candidate.officer_id == latecomer.id)) == 1


def test_the_scheduler_runs_the_admission_sweep(app):
    from quizapp.schedules.runner import run_job

    exam = _full_exam(make_bank(), make_organiser())
    latecomer = make_officer(department=PATROL)
    run_job(app, "admit-latecomers")
    db.session.rollback()
    assert _invited(exam, latecomer.id)
