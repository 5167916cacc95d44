"""Importing the roster into the database, and the officer management rules."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.audit.models import AuditEntry
from quizapp.auth.passwords import verify_password
from quizapp.extensions import db
from quizapp.roster import services
from quizapp.roster.models import Department, Officer
from tests.factories import get_officer, make_officer
from tests.roster_files import bureau_rows, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.usefixtures("app")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_import_creates_departments_officers_and_generated_passwords():
    admin = make_officer(badge="1", role="admin", department="市公安局")
    report = services.import_roster("bureau.xlsx", xlsx_bytes(bureau_rows(99)), admin)
    assert report.ok and len(report.new) == 99
    assert "市公安局/城南派出所/社区警务队" in report.new_departments
    assert count(Officer) == 100
    sub = db.session.scalar(sa.select(Department).where(Department.path == "市公安局/城南派出所/社区警务队"))
    assert sub.parent.path == "市公安局/城南派出所"
    assert len(report.generated_passwords) == 99
    first = report.generated_passwords[0]
    officer = get_officer(first["badge"])
    assert verify_password(officer.password_hash, first["password"]) and officer.must_change_password
    assert officer.political_status in ("中共党员", "入党积极分子")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "roster.import"))
    assert entry.actor_id == admin.id and "新增99人" in entry.summary


def test_reimport_updates_in_place_keeps_passwords_and_reports_absent():
    admin = make_officer(badge="1", role="admin", department="市公安局")
    services.import_roster("r.csv", csv_bytes([["2001", "张伟", "市公安局/治安大队", "民警", "Keep2026x", "", ""],
                                               ["2002", "李娜", "市公安局/治安大队", "民警", "Keep2026y", "", ""],
                                               ["2003", "王强", "市公安局/治安大队", "民警", "Keep2026z", "", ""]]), admin)
    report = services.import_roster("r.csv", csv_bytes([["2001", "张伟", "市公安局/刑侦大队", "组织者", "Other2026", "", "辅警"],
                                                        ["2002", "李娜", "市公安局/治安大队", "民警", "", "", ""],
                                                        ["2004", "赵敏", "市公安局/治安大队", "", "", "", ""]]), admin)
    assert [n["badge"] for n in report.new] == ["2004"]
    assert [c.badge for c in report.changed] == ["2001"]
    assert any("部门" in c for c in report.changed[0].changes) and any("角色" in c for c in report.changed[0].changes)
    assert report.unchanged == 1
    assert [a["badge"] for a in report.absent] == ["2003"]
    zhang = get_officer("2001")
    assert zhang.department.path == "市公安局/刑侦大队" and zhang.role == "organiser" and zhang.tags == ["辅警"]
    assert verify_password(zhang.password_hash, "Keep2026x")
    assert get_officer("2003").active, "nobody is deactivated silently"
    role_change = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "officer.role"))
    assert "张伟" in role_change.summary


def test_reimport_can_deactivate_the_absent_when_asked():
    admin = make_officer(badge="1", role="admin", department="市公安局")
    services.import_roster("r.csv", csv_bytes([["2001", "张伟", "市公安局", "", "Keep2026x", "", ""],
                                               ["2002", "李娜", "市公安局", "", "Keep2026y", "", ""]]), admin)
    report = services.import_roster("r.csv", csv_bytes([["2001", "张伟", "市公安局", "", "", "", ""]]), admin,
                                    deactivate_absent=True)
    assert report.deactivated == ["2002"]
    assert not get_officer("2002").active
    assert get_officer("1").active, "the admin running the import is never deactivated"


def test_one_bad_row_writes_nothing():
    rows = bureau_rows(20)
    rows[13][3] = "局长"
    report = services.import_roster("r.xlsx", xlsx_bytes(rows), None)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(15, "角色")]
    assert count(Officer) == 0 and count(Department) == 0


def test_dry_run_reports_without_writing():
    report = services.import_roster("r.xlsx", xlsx_bytes(bureau_rows(10)), None, dry_run=True)
    assert report.ok and len(report.new) == 10 and report.generated_passwords == []
    assert count(Officer) == 0


def test_admin_changes_are_audited_and_sessions_end_on_reset():
    admin = make_officer(badge="1", role="admin", department="市公安局")
    officer = make_officer(badge="2", name="孙丽")
    services.change_role(admin, officer, "organiser")
    services.move_officer(admin, officer, services.ensure_department("市公安局/城关派出所"))
    password = services.reset_password(admin, officer)
    assert verify_password(officer.password_hash, password) and officer.must_change_password
    services.set_active(admin, officer, False)
    services.set_active(admin, officer, True)
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["officer.role", "officer.department", "officer.password_reset", "officer.deactivate",
                       "officer.reactivate"]


def test_admin_cannot_lock_himself_out():
    admin = make_officer(badge="1", role="admin", department="市公安局")
    with pytest.raises(services.RosterError):
        services.set_active(admin, admin, False)
    with pytest.raises(services.RosterError):
        services.change_role(admin, admin, "officer")


def test_audit_log_is_append_only():
    admin = make_officer(badge="1", role="admin", department="市公安局")
    services.change_role(admin, make_officer(badge="2"), "organiser")
    entry = db.session.scalar(sa.select(AuditEntry))
    entry.summary = "tampered"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()


def test_organiser_scope_limits_officer_queries():
    organiser = make_officer(badge="1", role="organiser", department="市公安局/政治处")
    make_officer(badge="2", department="市公安局/治安大队")
    make_officer(badge="3", department="市公安局/治安大队/一中队")
    make_officer(badge="4", department="市公安局/刑侦大队")
    make_officer(badge="5", department="市公安局/治安大队甲")  # a prefix of the name, not a child
    services.set_scope(None, organiser, [services.ensure_department("市公安局/治安大队")])
    badges = [o.badge for o in db.session.scalars(services.officer_query(services.OfficerFilter(), organiser))]
    assert badges == ["2", "3"]
    assert services.in_scope(organiser, services.ensure_department("市公安局/治安大队/一中队"))
    assert not services.in_scope(organiser, services.ensure_department("市公安局/刑侦大队"))


def test_officer_filter_by_text_role_state_and_group():
    make_officer(badge="31", name="周杰", political_status="入党积极分子")
    make_officer(badge="32", name="周敏", role="organiser", tags=["党务工作者"])
    make_officer(badge="33", name="吴涛", active=False)
    def badges(**criteria):
        return [o.badge for o in db.session.scalars(services.officer_query(services.OfficerFilter(**criteria)))]
    assert badges(text="周") == ["31", "32"]
    assert badges(role="organiser") == ["32"]
    assert badges(active=False) == ["33"]
    assert badges(group="入党积极分子") == ["31"]
    assert badges(group="党务工作者") == ["32"]
