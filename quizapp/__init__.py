"""quizapp: study, practice and timed knowledge tests for a police bureau."""
from __future__ import annotations

import importlib
import os
import time

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import load_settings
from . import form_messages
from .extensions import CookieSessionInterface, csrf, db, init_limiter, login_manager, migrate

# Domain areas in the order their blueprints, nav items and home panels register.
AREAS = (
    "web",
    "auth",
    "api",
    "audit",
    "notifications",
    "roster",
    "banks",
    "site_settings",
    "practice",
    "study",
    "points",
    "exams",
    "contests",
    "schedules",
    "reports",
    "ops",
)


def create_app(config: dict | None = None) -> Flask:
    """Application factory: settings, extensions, areas, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_settings(app.instance_path, config))

    if app.config["QUIZAPP_PROXY_HOPS"]:
        hops = app.config["QUIZAPP_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    form_messages.install()
    init_limiter(app)
    app.session_interface = CookieSessionInterface()
    with app.app_context():
        _tune_engine(db.engine)

    for area in AREAS:
        importlib.import_module(f"quizapp.{area}").init_app(app)

    from . import cli

    cli.init_app(app)
    return app


# A pooled PostgreSQL connection may have died while it sat in the pool (a server
# restart, a firewall dropping idle sockets). Pinging at every checkout would cost the
# hottest requests one round trip in five; a connection in steady use proves itself, and
# should one fail anyway SQLAlchemy discards the whole pool at that first error (the
# request gets the 503 retry message). So only a connection idle this long is pinged.
IDLE_PING_SECONDS = 10.0


def _tune_engine(engine: sa.Engine) -> None:
    """SQLite: WAL, a busy timeout and foreign keys on every connection.
    Other databases: ping connections that have been idle before handing them out."""
    if engine.dialect.name != "sqlite":
        _ping_idle_connections(engine)
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _ping_idle_connections(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                # The pool throws this connection away and checks out another.
                raise sa.exc.DisconnectionError() from error
            raise
