"""`quizapp backup`: an online SQLite copy that restores to a working app."""
from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from quizapp.auth.services import authenticate
from quizapp.extensions import db
from quizapp.roster.models import Officer
from tests.conftest import make_test_app
from tests.factories import make_officer


def test_backup_taken_during_a_write_restores_the_committed_state(tmp_path):
    (tmp_path / "live").mkdir()
    live = make_test_app("sqlite", tmp_path / "live")
    backups = tmp_path / "backups"
    backups.mkdir()
    with live.app_context():
        db.create_all()
        for badge in ("700001", "700002", "700003"):
            make_officer(badge=badge, name="王五")
        # Another process is halfway through a write while the backup runs (WAL mode).
        writer = sqlite3.connect(live.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE officers SET name = '半途' WHERE badge = '700001'")
        result = live.test_cli_runner().invoke(args=["backup", str(backups)])
        writer.commit()
        writer.close()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "已备份到" in result.output
    [copy] = backups.iterdir()
    assert copy.name.startswith("quizapp-") and copy.suffix == ".db"
    assert copy.stat().st_mode & 0o077 == 0  # holds password hashes: owner only

    # Restore = start the app on the copy: the officers log in, the half-done write is absent.
    restored = make_test_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{copy}")
    with restored.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Officer)) == 3
        officer = authenticate("700001", "Passw0rd!")
        assert officer is not None and officer.name == "王五"
        db.engine.dispose()
    assert not list(backups.glob("*.partial"))


def test_backup_never_overwrites_and_refuses_postgres(app, backend, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"older backup")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    if backend == "postgres":
        assert "backup-postgres.sh" in result.output
    else:
        assert "已存在" in result.output
    assert target.read_bytes() == b"older backup"


def test_backup_to_a_missing_directory_is_a_clear_error(app, backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("SQLite backups only")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no" / "such" / "x.db")])
    assert result.exit_code == 1
    assert "不存在" in result.output
