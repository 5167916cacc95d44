"""Fixtures: an app per database backend, a clean database per test, clients and logins.

Every test that uses ``app`` runs on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set. Each xdist worker gets its own SQLite file or
PostgreSQL schema.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings
from flask import g, has_app_context
from flask.testing import FlaskClient

from quizapp import create_app
from quizapp.extensions import db, limiter

# Property tests check what is true, not how fast: on a shared, loaded machine a single
# example may take far longer than hypothesis's default 200 ms deadline.
settings.register_profile("quizapp", deadline=None)
settings.load_profile("quizapp")

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("TEST_DATABASE_URL") else [])
# Argon2id, the production method, with the least memory and passes it allows: fast tests.
FAST_HASH = "argon2id:8:1:1"


def pytest_collection_modifyitems(items):
    """Slow and browser tests first: handed out one at a time (tests/run.sh), they start
    side by side on the workers instead of one of them finishing the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None and item.get_closest_marker("browser") is None)


class IsolatedClient(FlaskClient):
    """A test client whose requests never share ``g`` with the test's app context.

    Tests keep an app context pushed (for factories); Flask would reuse it for
    every request, leaking the cached user and CSRF token from one request into
    the next, which no real browser sees.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            if has_app_context():
                g.__dict__.clear()


# Several checkouts of the project may run the suite at once against the one
# PostgreSQL server: each checkout's workers get schemas of their own.
CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]


def _postgres_settings(worker: str) -> dict:
    url = os.environ["TEST_DATABASE_URL"]
    schema = f"test_{CHECKOUT}_{worker}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
    }


def make_test_app(backend: str, tmp_path, worker: str = "main", **overrides):
    """An app on a fresh schema for the given backend."""
    settings = {
        "TESTING": True,
        "QUIZAPP_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "QUIZAPP_SCHEDULER": "off",
    }
    if backend == "postgres":
        settings.update(_postgres_settings(worker))
    else:
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'test.db'}"
    settings.update(overrides)
    app = create_app(settings)
    app.test_client_class = IsolatedClient
    clear_process_caches()  # they describe the previous app's database
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    """The application on one backend, schema created from the models."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    flask_app = make_test_app(request.param, tmp_path_factory.mktemp(request.param), worker)
    flask_app.config["BACKEND"] = request.param
    with flask_app.app_context():
        db.create_all()
    yield flask_app
    with flask_app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def clear_process_caches() -> None:
    """The per-process caches keyed by database ids: after a truncation or with another
    app's database, a cached question pool would name other questions (a cached paper
    would be caught by its seed, but at the cost of a retry)."""
    from quizapp.contests import live_state
    from quizapp.exams import papers, saving

    papers._POOLS.clear()
    saving.PAPERS.clear()
    live_state.clear_caches()


def truncate_all() -> None:
    """Empty every table (faster than recreating the schema) and the caches that describe them."""
    clear_process_caches()
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        with db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        with db.engine.begin() as connection:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _fresh_state(request):
    """Each test that uses the app starts on empty tables and fresh throttles."""
    if "app" not in request.fixturenames:
        yield
        return
    flask_app = request.getfixturevalue("app")
    with flask_app.app_context():
        truncate_all()
        limiter.reset()
        yield
        db.session.remove()


@pytest.fixture
def own_limiter():
    """For tests that make apps with their own rate-limit storage: the limiter is one
    object per process, so put its state back for the tests that follow."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def backend(app) -> str:
    return app.config["BACKEND"]
