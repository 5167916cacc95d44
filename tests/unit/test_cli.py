"""The quizapp command: demo, create-admin, import-roster."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.auth.passwords import verify_password
from quizapp.extensions import db
from quizapp.roster.models import Department, Officer
from tests.factories import get_officer
from tests.roster_files import bureau_rows, csv_bytes

pytestmark = pytest.mark.usefixtures("app")


def test_create_admin(runner):
    result = runner.invoke(args=["create-admin", "--badge", "A001", "--name", "管理员甲", "--password", "Strong2026"])
    assert result.exit_code == 0, result.output
    admin = get_officer("A001")
    assert admin.role == "admin" and verify_password(admin.password_hash, "Strong2026")


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(args=["create-admin", "--badge", "A001", "--name", "甲", "--password", "123"])
    assert result.exit_code != 0 and "密码至少需要8位" in result.output
    assert get_officer("A001") is None


def test_import_roster_prints_passwords_once(runner, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes(bureau_rows(12), "gb18030"))
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增12人" in result.output and "初始密码" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Officer)) == 12


def test_import_roster_with_errors_exits_non_zero_and_writes_nothing(runner, tmp_path):
    rows = bureau_rows(12)
    rows[5][1] = ""
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 1
    assert "第7行 姓名" in result.output and "未导入任何数据" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Officer)) == 0


@pytest.mark.slow
def test_demo_builds_the_bureau_once(app):
    from quizapp.demo import build_demo

    first = build_demo()
    assert first.created
    officers = db.session.scalar(sa.select(sa.func.count()).where(Officer.role == "officer"))
    assert officers == 99
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == 6
    assert {b for b, _, _ in first.logins} >= {"100001", "100002", "200001"}
    second = build_demo()
    assert not second.created
    assert db.session.scalar(sa.select(sa.func.count()).where(Officer.role == "officer")) == 99
