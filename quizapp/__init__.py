"""quizapp: study, practice and timed knowledge tests for a police bureau."""
from __future__ import annotations

import importlib
import os

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import load_settings
from .extensions import csrf, db, limiter, login_manager, migrate

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
    limiter.init_app(app)
    with app.app_context():
        _tune_engine(db.engine)

    for area in AREAS:
        importlib.import_module(f"quizapp.{area}").init_app(app)

    from . import cli

    cli.init_app(app)
    return app


def _tune_engine(engine: sa.Engine) -> None:
    """SQLite: WAL, a busy timeout and foreign keys on every connection."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
