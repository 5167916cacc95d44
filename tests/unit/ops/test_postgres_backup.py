"""deploy/backup-postgres.sh and deploy/restore-drill.sh against the test PostgreSQL server."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from quizapp.extensions import db
from tests.conftest import CHECKOUT, make_test_app
from tests.factories import make_officer

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")


@pytest.fixture
def live_database(tmp_path):
    """A migrated database of its own on the test server, with a little data."""
    server = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0]
    name = f"quizapp_backup_{CHECKOUT}_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    admin = sa.create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    app = make_test_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        make_officer(badge="100001", role="admin")
        db.session.remove()
        db.engine.dispose()
    yield url, {**os.environ, "DATABASE_URL": url}
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_a_dump_restores_with_every_row_and_a_damaged_manifest_is_caught(live_database, tmp_path):
    url, env = live_database
    backup = subprocess.run([str(ROOT / "deploy" / "backup-postgres.sh"), str(tmp_path)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    [dump] = tmp_path.glob("quizapp-*.dump")
    counts = dump.with_suffix(".counts").read_text()
    assert "officers 1\n" in counts and "alembic_version 1\n" in counts

    drill = subprocess.run([str(ROOT / "deploy" / "restore-drill.sh"), str(dump)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert drill.stdout.strip().splitlines()[-1].startswith("PASS")

    dump.with_suffix(".counts").write_text(counts.replace("officers 1\n", "officers 2\n"))
    damaged = subprocess.run([str(ROOT / "deploy" / "restore-drill.sh"), str(dump)], env=env,
                             capture_output=True, text=True, timeout=120)
    assert damaged.returncode == 1
    assert "officers: backup had 2 rows, restore has 1" in damaged.stdout
