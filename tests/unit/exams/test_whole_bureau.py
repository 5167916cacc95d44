"""Everyone in scope, nobody extra: exams without departments reach the whole bureau,
however many top-level departments it has, and service accounts are never counted."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from quizapp.contests import live_play
from quizapp.contests.errors import ContestError
from quizapp.exams import candidates as exam_candidates
from quizapp.exams import definitions
from quizapp.exams.models import Candidate
from quizapp.extensions import db
from quizapp.points.services import award, department_ranking, leaderboard
from quizapp.reports.study import officer_rows, year_rows
from quizapp.study.models import StudyDay
from quizapp.roster import _admin_home
from quizapp.roster.models import Officer
from quizapp.roster.services import import_roster, set_service_account
from tests.contest_factories import make_live_contest
from tests.exam_factories import exam_spec, make_bank
from tests.factories import get_officer, make_officer
from tests.roster_files import csv_bytes

pytestmark = pytest.mark.usefixtures("app")

UNITS = ["市局/治安大队", "市局/刑侦大队", "市局/政治处", "市局/城关派出所/社区警务队"]


def roster(count: int, departments=UNITS) -> bytes:
    """A roster of ``count`` officers, spread over the departments in turn."""
    return csv_bytes([[f"{320000 + i}", f"民警{i}", departments[i % len(departments)], "民警", "", "", ""]
                      for i in range(count)])


def candidate_ids(exam) -> set[int]:
    return set(db.session.scalars(sa.select(Candidate.officer_id).where(Candidate.exam_id == exam.id)))


@pytest.fixture()
def bureau(runner):
    """A fresh install: create-admin (no department), then the bureau's roster under 市局."""
    result = runner.invoke(args=["create-admin", "--badge", "A001", "--name", "系统管理员", "--password", "Strong2026"])
    assert result.exit_code == 0, result.output
    assert "服务账号" in result.output
    admin = get_officer("A001")
    assert import_roster("名单.csv", roster(99), admin).ok
    return admin


def test_create_admin_without_a_department_makes_a_service_account(bureau):
    assert bureau.is_service_account and bureau.role == "admin" and not bureau.counts_as_officer
    assert db.session.scalar(sa.select(sa.func.count()).where(Officer.counts_as_officer)) == 99


def test_create_admin_with_a_department_makes_an_officer(runner):
    result = runner.invoke(args=["create-admin", "--badge", "A002", "--name", "局长", "--password", "Strong2026",
                                 "--department", "市局/指挥中心"])
    assert result.exit_code == 0, result.output
    admin = get_officer("A002")
    assert not admin.is_service_account and admin.counts_as_officer and admin.department.path == "市局/指挥中心"


def test_full_staff_exam_without_departments_invites_exactly_the_rosters_officers(bureau):
    exam = definitions.create_exam(bureau, exam_spec(make_bank(), title="全员普测"))
    roster_ids = set(db.session.scalars(sa.select(Officer.id).where(Officer.badge != "A001")))
    assert candidate_ids(exam) == roster_ids and len(roster_ids) == 99
    assert bureau.id not in candidate_ids(exam)


def test_sample_without_departments_draws_across_the_whole_bureau(bureau):
    exam = definitions.create_exam(bureau, exam_spec(make_bank(), title="随机抽测", mode="sample"))
    draw = exam_candidates.draw_candidates(bureau, exam, 20, "proportional", seed=11)
    assert draw.size == 20 and len(candidate_ids(exam)) == 20
    assert bureau.id not in candidate_ids(exam)
    # Spread over the units one level below the bureau's root, as the draw preview shows.
    assert {d["department"] for d in draw.departments} == {"市局/治安大队", "市局/刑侦大队", "市局/政治处", "市局/城关派出所"}
    assert sum(d["population"] for d in draw.departments) == 99
    plan = exam_candidates.plan_draw(exam, 20, "proportional")
    assert [(u.path, u.allocated) for u in plan] == [(d["department"], d["allocated"]) for d in draw.departments]


def test_sample_over_several_roots_counts_officers_placed_in_a_root_as_a_unit(bureau):
    assert import_roster("分局.csv", roster(12, ["分局/巡警大队", "分局/交警大队", "分局"]), bureau).ok
    exam = definitions.create_exam(bureau, exam_spec(make_bank(), title="随机抽测", mode="sample"))
    units = {u.path: u.population for u in exam_candidates.plan_draw(exam, 30, "equal")}
    # The roster's second import re-used badges 320000-320011: they moved to 分局.
    assert units == {"市局/治安大队": 22, "市局/刑侦大队": 22, "市局/政治处": 22, "市局/城关派出所": 21,
                     "分局/巡警大队": 4, "分局/交警大队": 4, "分局": 4}
    draw = exam_candidates.draw_candidates(bureau, exam, 30, "equal", seed=3)
    allocated = {d["department"]: d["allocated"] for d in draw.departments}
    assert allocated["分局"] == 4 and sum(allocated.values()) == 30
    placed_in_root = set(db.session.scalars(sa.select(Officer.id).join(Officer.department).where(
        Officer.department.has(path="分局"))))
    assert placed_in_root <= candidate_ids(exam)


def test_full_staff_exam_covers_every_root(bureau):
    assert import_roster("分局.csv", csv_bytes([["330001", "分局民警", "分局/巡警大队", "民警", "", "", ""]]), bureau).ok
    exam = definitions.create_exam(bureau, exam_spec(make_bank()))
    assert get_officer("330001").id in candidate_ids(exam) and len(candidate_ids(exam)) == 100


def test_an_officer_made_admin_through_the_roster_stays_an_officer(bureau):
    rows = [[f"{320000 + i}", f"民警{i}", UNITS[i % 4], "管理员" if i == 0 else "民警", "", "", ""] for i in range(99)]
    assert import_roster("名单.csv", csv_bytes(rows), bureau).ok
    chief = get_officer("320000")
    assert chief.role == "admin" and chief.counts_as_officer
    exam = definitions.create_exam(bureau, exam_spec(make_bank()))
    assert chief.id in candidate_ids(exam)


def test_service_accounts_are_left_out_of_counts_study_reports_and_leaderboards(bureau):
    officer = get_officer("320001")
    award(bureau.id, 500, "adjust", "test-admin")
    award(officer.id, 5, "adjust", "test-officer")
    db.session.commit()
    assert [row["badge"] for row in leaderboard()] == ["320001"]
    assert sum(row["officers"] for row in department_ranking()) == 99
    assert all(row["department"] != "市公安局" for row in department_ranking())
    assert {row.badge for row in officer_rows(date(2026, 10, 1), date(2026, 12, 31))} == {
        f"{320000 + i}" for i in range(99)}
    assert _admin_home(bureau)["officers"] == 99 and _admin_home(bureau)["inactive"] == 0
    db.session.add_all([StudyDay(officer_id=bureau.id, day=date(2026, 3, 2), seconds=3600),
                        StudyDay(officer_id=officer.id, day=date(2026, 3, 2), seconds=600)])
    db.session.commit()
    march = year_rows(2026)[2]
    assert (march.studying_officers, march.study_minutes) == (1, 10)


def test_service_account_cannot_join_a_live_contest(bureau):
    contest, _ = make_live_contest()
    with pytest.raises(ContestError) as error:
        live_play.join_contest(bureau, contest)
    assert error.value.status == 403 and "服务账号" in str(error.value)


def test_making_an_account_a_service_account_takes_it_out_of_open_exams_and_back(bureau):
    exam = definitions.create_exam(bureau, exam_spec(make_bank()))
    officer = get_officer("320005")
    set_service_account(bureau, officer, True)
    assert officer.id not in candidate_ids(exam)
    set_service_account(bureau, officer, False)
    assert officer.id in candidate_ids(exam)


def test_officer_counts_in_python_and_sql_alike():
    service = make_officer(badge="S1", department="市公安局")
    service.is_service_account = True
    inactive = make_officer(badge="S2", active=False)
    officer = make_officer(badge="S3")
    db.session.commit()
    assert [o.counts_as_officer for o in (service, inactive, officer)] == [False, False, True]
    assert list(db.session.scalars(sa.select(Officer.badge).where(Officer.counts_as_officer))) == ["S3"]


def test_a_roster_import_never_lists_or_deactivates_a_service_account(bureau):
    report = import_roster("名单.csv", roster(98), None, deactivate_absent=True)
    assert [row["badge"] for row in report.absent] == ["320098"] and report.deactivated == ["320098"]
    db.session.expire_all()
    assert get_officer("A001").active
