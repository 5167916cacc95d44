"""Settings from the environment."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.config import ConfigError, load_settings, normalise_database_url
from tests.conftest import make_test_app


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("QUIZAPP_ENV", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(str(tmp_path))


def test_development_keeps_one_generated_key_across_restarts(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_settings(str(tmp_path), {"QUIZAPP_ENV": "development"})["SECRET_KEY"]
    second = load_settings(str(tmp_path), {"QUIZAPP_ENV": "development"})["SECRET_KEY"]
    assert first == second and len(first) == 64


def test_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings(str(tmp_path), {"SECRET_KEY": "x"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'quizapp.db'}"
    assert settings["QUIZAPP_SCHEDULER"] == "inprocess"
    assert settings["QUIZAPP_TIMEZONE"] == "Asia/Shanghai"


def test_environment_settings_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/quiz")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("QUIZAPP_SCHEDULER", "off")
    monkeypatch.setenv("QUIZAPP_EXAM_GRACE_SECONDS", "30")
    settings = load_settings(str(tmp_path), {"SECRET_KEY": "x"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/quiz"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"
    assert settings["QUIZAPP_SCHEDULER"] == "off"
    assert settings["EXAM_NETWORK_GRACE_SECONDS"] == 10, "the network grace is capped at 10 s"


def test_database_urls_are_normalised_to_psycopg3():
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = make_test_app("sqlite", tmp_path)
    from quizapp.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_the_app_never_creates_tables_at_boot(tmp_path):
    app = make_test_app("sqlite", tmp_path)
    from quizapp.extensions import db

    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
