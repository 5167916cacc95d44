"""`quizapp doctor`: plain-words findings and a non-zero exit on failure."""
from __future__ import annotations

import secrets

import pytest
from flask_migrate import upgrade

from quizapp.extensions import db
from quizapp.ops.doctor import weak_secret
from quizapp.schedules.lock import SchedulerLock
from tests.conftest import make_test_app

GOOD_KEY = secrets.token_hex(32)


def doctor(app, *args):
    """Run `quizapp doctor` on this app; (exit code, stdout and stderr together)."""
    result = app.test_cli_runner().invoke(args=["doctor", *args])
    return result.exit_code, result.output


def upgraded_app(tmp_path, **overrides):
    """An app on a fresh SQLite file brought to the newest migration, as a deploy would."""
    app = make_test_app("sqlite", tmp_path, **overrides)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


@pytest.mark.parametrize("key, verdict", [
    (None, "not set"), ("short", "only 5"), ("replace-with-64-hex-characters-from-the-command-above", "sample"),
    ("a" * 64, "too few"), (GOOD_KEY, None),
], ids=["unset", "short", "sample", "repetitive", "good"])  # a random key must not become a test id under xdist
def test_weak_secret_keys_are_named(key, verdict):
    problem = weak_secret(key)
    assert (problem is None) if verdict is None else (verdict in problem)


def test_schema_made_without_migrations_fails_with_the_command_to_run(app):
    # The test fixture builds tables with create_all: no alembic_version at all.
    code, output = doctor(app)
    assert code == 1
    assert "[FAIL] 数据库迁移 migrations" in output and "quizapp db upgrade" in output


def test_an_upgraded_database_with_a_live_scheduler_passes(tmp_path):
    app = upgraded_app(tmp_path)
    with app.app_context():
        lock = SchedulerLock(db.engine, lease_seconds=90, holder="host:1")
        assert lock.try_acquire()
        code, output = doctor(app)
        lock.release()
        db.engine.dispose()
    assert code == 0, output
    assert "[ OK ] 数据库迁移 migrations: at head" in output
    assert "[ OK ] 调度器心跳 scheduler heartbeat: alive" in output
    assert "[FAIL]" not in output


def test_a_scheduler_that_never_ran_is_a_failure(tmp_path):
    app = upgraded_app(tmp_path)
    with app.app_context():
        code, output = doctor(app)
        db.engine.dispose()
    assert code == 1
    assert "[FAIL] 调度器心跳 scheduler heartbeat: the scheduler has never run" in output


def test_production_with_a_sample_key_and_half_configured_proxy_is_refused(tmp_path):
    app = upgraded_app(tmp_path, QUIZAPP_ENV="production", TESTING=False, QUIZAPP_HTTPS=True, REDIS_URL=None,
                       SECRET_KEY="change-me-change-me-change-me-change-me", QUIZAPP_BASE_URL="http://quiz.example")
    with app.app_context():
        code, output = doctor(app)
        db.engine.dispose()
    assert code == 1
    assert "[FAIL] 密钥 SECRET_KEY" in output and "sample value" in output
    assert "QUIZAPP_PROXY_HOPS=1" in output
    assert "REDIS_URL is not set" in output
    assert "but the site runs on HTTPS" in output


def test_unreachable_database_redis_and_smtp_are_each_explained(tmp_path):
    app = make_test_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://quizapp@127.0.0.1:1/quizapp",
                        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
                        REDIS_URL="redis://:hunter2@127.0.0.1:1/0", SMTP_HOST="127.0.0.1", SMTP_PORT=1)
    with app.app_context():
        code, output = doctor(app)
    assert code == 1
    assert "[FAIL] 数据库 database: cannot reach the database at postgresql+psycopg://quizapp@127.0.0.1:1/quizapp" in output
    assert "[FAIL] Redis" in output and "Logins and exams keep working" in output
    assert "hunter2" not in output
    assert "[FAIL] 邮件 SMTP: cannot use the SMTP server 127.0.0.1:1" in output
    # Nothing more is claimed about a database it cannot reach.
    assert "migrations" not in output


def test_strict_turns_warnings_into_failures(tmp_path):
    app = upgraded_app(tmp_path, QUIZAPP_ENV="production", TESTING=False, SECRET_KEY=GOOD_KEY)
    with app.app_context():
        lock = SchedulerLock(db.engine, lease_seconds=90, holder="host:1")
        assert lock.try_acquire()
        relaxed, output = doctor(app)
        strict, _ = doctor(app, "--strict")
        lock.release()
        db.engine.dispose()
    assert relaxed == 0, output
    assert "[WARN] 数据库类型 database kind" in output
    assert strict == 1


@pytest.mark.parametrize("method, warned", [("argon2id", False), ("scrypt", True), ("argon2id:8:1:1", True)])
def test_a_password_hash_below_argon2id_at_owasp_minimum_is_a_production_warning(tmp_path, method, warned):
    app = upgraded_app(tmp_path, QUIZAPP_ENV="production", TESTING=False, SECRET_KEY=GOOD_KEY,
                       PASSWORD_HASH_METHOD=method)
    with app.app_context():
        code, output = doctor(app)
        db.engine.dispose()
    assert ("[WARN] 密码哈希 password hash" in output) is warned, output
    if warned:
        assert f"QUIZAPP_PASSWORD_HASH={method}" in output and "upgraded at each officer's next login" in output
