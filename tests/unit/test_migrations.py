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


@pytest.mark.parametrize("backend", BACKENDS)
def test_free_text_sources_become_document_and_article(tmp_path, backend):
    worker = "mig_src_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    app = make_test_app(backend, tmp_path, worker)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0001")
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO question_banks (id, name, category, description, created_at) "
                                       "VALUES (1, '题库', 'theory', '', :now)"), {"now": "2026-01-01 00:00:00+00:00"})
            for number, source in enumerate(["《中国共产党章程》 第三条", "本局2019年题库", ""], start=1):
                connection.execute(sa.text(
                    "INSERT INTO questions (id, bank_id, type, stem, stem_key, options, answer, explanation, chapter,"
                    " difficulty, tags, source, retired, created_at, updated_at) VALUES (:id, 1, 'judge', :stem,"
                    " :key, '[]', 'true', '', '', 2, '[]', :source, false, :created, :updated)"),
                    {"id": number, "stem": f"题{number}", "key": f"题{number}", "source": source,
                     "created": "2026-01-01 00:00:00+00:00", "updated": "2026-01-01 00:00:00+00:00"})
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT source_document, source_article FROM questions ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("中国共产党章程", "第三条"), ("本局2019年题库", ""), ("", "")]
        db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_exams_get_distinct_link_codes_and_accounts_stay_officers(tmp_path, backend):
    worker = "mig_link_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    app = make_test_app(backend, tmp_path, worker)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0005_source_amendments")
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO departments (id, name, parent_id, path) VALUES (1, '市局', NULL, '市局')"))
            connection.execute(sa.text(
                "INSERT INTO officers (id, badge, name, department_id, role, active, password_hash,"
                " must_change_password, created_at) VALUES (1, 'A001', '管理员', 1, 'admin', true, 'x', false, :now)"),
                {"now": "2026-01-01 00:00:00+00:00"})
            for number in range(1, 4):
                connection.execute(sa.text(
                    "INSERT INTO exams (id, title, rules, mode, pass_mark, total_points, duration_minutes, opens_at,"
                    " closes_at, attempts_allowed, shuffle_questions, shuffle_options, partial_credit, show_results,"
                    " start_delay_seconds, created_at, updated_at) VALUES (:id, :title, '', 'full', 60, 100, 30,"
                    " :opens, :closes, 1, true, true, false, 'immediately', 0, :opens, :opens)"),
                    {"id": number, "title": f"考试{number}", "opens": "2026-01-01 00:00:00+00:00",
                     "closes": "2026-01-02 00:00:00+00:00"})
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            codes = connection.execute(sa.text("SELECT link_code FROM exams ORDER BY id")).scalars().all()
            service = connection.execute(sa.text("SELECT is_service_account FROM officers")).scalar_one()
        assert len(set(codes)) == 3 and all(len(code) == 6 for code in codes)
        assert service is False or service == 0
        db.engine.dispose()
