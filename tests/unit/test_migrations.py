"""Migrations: a single head, and upgrading an empty database gives the models' schema."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from quizapp.extensions import db
from tests.conftest import BACKENDS, make_test_app


def test_migrations_have_a_single_head(tmp_path):
    app = make_test_app("sqlite", tmp_path)
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_on_an_empty_database_matches_the_models(tmp_path, backend):
    worker = "mig_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    app = make_test_app(backend, tmp_path, worker)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        assert sa.inspect(db.engine).has_table("officers")
        db.engine.dispose()
