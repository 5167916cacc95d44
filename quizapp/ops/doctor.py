"""`quizapp doctor`: check a deployment and say what is wrong in plain words.

Each check returns a Finding: ok, warn (works, but not as it should in
production) or fail (something users will notice). The command exits non-zero
when anything fails.
"""
from __future__ import annotations

import importlib.util
import shutil
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from ..auth.passwords import DEFAULT_METHOD, below_default_strength

OK, WARN, FAIL = "ok", "warn", "fail"
# Sample values from the docs and typical placeholders: never a production key.
WEAK_KEY_WORDS = ("change", "replace", "secret", "example", "sample", "password", "dev", "test", "quizapp")
MIN_KEY_LENGTH = 32
LOW_DISK_BYTES = 1024 ** 3


@dataclass(frozen=True)
class Finding:
    """One check's verdict: its name (with the Chinese term), status and explanation."""

    name: str
    status: str
    message: str


def weak_secret(key: str | None) -> str | None:
    """Why a SECRET_KEY is unfit for production, or None when it looks random enough."""
    if not key:
        return "SECRET_KEY is not set."
    if len(key) < MIN_KEY_LENGTH:
        return f"SECRET_KEY has only {len(key)} characters; use at least {MIN_KEY_LENGTH} random ones."
    lowered = key.lower()
    for word in WEAK_KEY_WORDS:
        if word in lowered:
            return f"SECRET_KEY contains “{word}”: it looks like a sample value, not a random key."
    if len(set(key)) < 10:
        return "SECRET_KEY repeats too few characters to be random."
    return None


def check_configuration(app: Flask) -> list[Finding]:
    """Environment, secret key, HTTPS and proxy settings, scheduler mode, database kind."""
    config = app.config
    env = config.get("QUIZAPP_ENV")
    name = "配置 configuration"
    if env not in {"production", "development", "testing"}:
        return [Finding(name, FAIL, f"QUIZAPP_ENV is “{env}”; use production, development or testing.")]
    production = env == "production" and not config.get("TESTING")
    findings: list[Finding] = []
    problem = weak_secret(config.get("SECRET_KEY"))
    if problem and production:
        findings.append(Finding("密钥 SECRET_KEY", FAIL, problem + " Generate one with "
                                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`, put it in the "
                                "environment file and restart web and scheduler (everyone must log in again)."))
    elif problem:
        findings.append(Finding("密钥 SECRET_KEY", WARN, problem + f" (acceptable in {env} only)."))
    else:
        findings.append(Finding("密钥 SECRET_KEY", OK, "set, long and random-looking."))

    https, hops = bool(config.get("QUIZAPP_HTTPS")), int(config.get("QUIZAPP_PROXY_HOPS") or 0)
    if production and not https:
        findings.append(Finding("HTTPS", WARN, "QUIZAPP_HTTPS is off: cookies are sent without Secure and no HSTS. "
                                "Behind TLS (nginx), set QUIZAPP_HTTPS=1."))
    if https and hops == 0:
        findings.append(Finding("代理 proxy", WARN, "QUIZAPP_HTTPS=1 but QUIZAPP_PROXY_HOPS=0: behind nginx every "
                                "request seems to come from 127.0.0.1, so the per-address login throttle would "
                                "lump all officers together. Set QUIZAPP_PROXY_HOPS=1 (one nginx in front)."))
    elif hops and not https and production:
        findings.append(Finding("代理 proxy", WARN, f"QUIZAPP_PROXY_HOPS={hops} without QUIZAPP_HTTPS=1: "
                                "is the proxy really serving plain HTTP?"))
    elif hops > 2:
        findings.append(Finding("代理 proxy", WARN, f"QUIZAPP_PROXY_HOPS={hops}: trusting that many forwarded "
                                "headers lets clients forge their address; count only your own proxies."))
    if production and config.get("QUIZAPP_SCHEDULER") == "inprocess":
        findings.append(Finding("调度 scheduler mode", WARN, "QUIZAPP_SCHEDULER=inprocess: web workers compete "
                                "for the scheduler lock. In production set QUIZAPP_SCHEDULER=off for the web "
                                "service and run quizapp-scheduler.service."))
    uri = config.get("SQLALCHEMY_DATABASE_URI", "")
    if production and uri.startswith("sqlite"):
        findings.append(Finding("数据库类型 database kind", WARN, "SQLite is the embedded single-host default; "
                                "for a whole bureau use PostgreSQL (DATABASE_URL=postgresql+psycopg://…)."))
    base_url = config.get("QUIZAPP_BASE_URL") or ""
    if production and config.get("SMTP_HOST") and not base_url:
        findings.append(Finding("链接 base URL", WARN, "QUIZAPP_BASE_URL is not set: e-mailed notices cannot link "
                                "back to quizapp. Set it to the address officers open, e.g. https://quiz.example.gov.cn."))
    elif https and base_url.startswith("http://"):
        findings.append(Finding("链接 base URL", WARN, f"QUIZAPP_BASE_URL is {base_url} but the site runs on HTTPS."))
    method = config.get("PASSWORD_HASH_METHOD") or DEFAULT_METHOD
    if production and below_default_strength(method):
        findings.append(Finding("密码哈希 password hash", WARN, f"QUIZAPP_PASSWORD_HASH={method} is not Argon2id "
                                "at OWASP's minimum (m=19 MiB, t=2, p=1). Unset it to use argon2id; existing "
                                "hashes keep working and are upgraded at each officer's next login."))
    if production and not config.get("REDIS_URL"):
        findings.append(Finding("限流 throttling", WARN, "REDIS_URL is not set: each gunicorn worker counts "
                                "failed logins on its own, so the limits are looser than configured."))
    if not any(f.status != OK for f in findings):
        findings.append(Finding(name, OK, f"{env}, HTTPS {'on' if https else 'off'}, {hops} proxy hop(s)."))
    return findings


def check_database(app: Flask) -> list[Finding]:
    """The database answers a query; SQLite: the disk it lives on has room."""
    from ..extensions import db

    name = "数据库 database"
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any driver error means the same to an operator
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
        return [Finding(name, FAIL, f"cannot reach the database at {url}: {reason}. Is it running, and are "
                        "DATABASE_URL's host, port, user and password right?")]
    findings = [Finding(name, OK, f"reachable: {url}")]
    if db.engine.dialect.name == "sqlite" and db.engine.url.database:
        folder = Path(db.engine.url.database).resolve().parent
        free = shutil.disk_usage(folder).free
        if free < LOW_DISK_BYTES:
            findings.append(Finding("磁盘空间 disk space", WARN, f"only {free // 1024 ** 2} MB free on the disk "
                                    f"holding {folder}: SQLite refuses to save when the disk is full."))
    return findings


def check_migrations(app: Flask) -> list[Finding]:
    """The schema is at the newest migration (alembic current == heads)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from ..extensions import db

    name = "数据库迁移 migrations"
    migrate = app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    heads = set(script.get_heads())
    if len(heads) != 1:
        return [Finding(name, FAIL, f"the code has {len(heads)} migration heads ({', '.join(sorted(heads))}); "
                        "a release must have exactly one. Do not deploy this build.")]
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:
        return [Finding(name, FAIL, f"cannot read the schema version: {str(error).splitlines()[0][:200]}")]
    head = next(iter(heads))
    if not current:
        return [Finding(name, FAIL, "the database has no schema version (no alembic_version): run "
                        "`quizapp db upgrade` before starting the app.")]
    if current != heads:
        known = {rev for rev in current if _known(script, rev)}
        if known != current:
            return [Finding(name, FAIL, f"the database is at {', '.join(sorted(current))}, a revision this code does "
                            "not know: it was upgraded by a newer release. Deploy that release (or restore a backup).")]
        return [Finding(name, FAIL, f"the database is at {', '.join(sorted(current))} but the code expects {head}: "
                        "run `quizapp db upgrade` (back up first).")]
    return [Finding(name, OK, f"at head {head}.")]


def _known(script, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:
        return False


def check_redis(app: Flask) -> list[Finding]:
    """Redis answers PING when REDIS_URL is set."""
    url = app.config.get("REDIS_URL")
    name = "Redis（限流存储 throttle store）"
    if not url:
        return []
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except Exception as error:
        return [Finding(name, FAIL, f"cannot reach Redis at {_hide_password(url)}: {error}. Logins and exams keep "
                        "working, but each worker then throttles failed logins on its own (in memory).")]
    return [Finding(name, OK, f"reachable: {_hide_password(url)}")]


def check_scheduler(app: Flask) -> list[Finding]:
    """The scheduler's heartbeat is fresh (schedules area)."""
    name = "调度器心跳 scheduler heartbeat"
    if importlib.util.find_spec("quizapp.schedules.services") is None:
        return [Finding(name, WARN, "no scheduler heartbeat table in this build.")]
    from ..extensions import db
    from ..schedules.models import SchedulerLease
    from ..schedules.services import scheduler_health

    if not sa.inspect(db.engine).has_table(SchedulerLease.__tablename__):
        return [Finding(name, FAIL, f"no scheduler heartbeat table ({SchedulerLease.__tablename__}) in the "
                        "database: run `quizapp db upgrade`.")]
    try:
        health = scheduler_health()
    except Exception as error:
        db.session.rollback()
        return [Finding(name, FAIL, f"cannot read the scheduler heartbeat: {str(error).splitlines()[0][:200]}")]
    from .. import timeutil

    if health.heartbeat_at is None:
        return [Finding(name, FAIL, "the scheduler has never run against this database: start "
                        "quizapp-scheduler.service (`quizapp scheduler`). Without it reminders are not sent, "
                        "overdue attempts are not closed and scheduled tests are not created.")]
    age = int((timeutil.now() - health.heartbeat_at).total_seconds())
    if not health.alive:
        return [Finding(name, FAIL, f"the last heartbeat was {age} s ago ({health.holder}): the scheduler is "
                        "stopped or stuck. `systemctl status quizapp-scheduler`; restart it.")]
    return [Finding(name, OK, f"alive, last beat {age} s ago ({health.holder}).")]


def check_smtp(app: Flask) -> list[Finding]:
    """The SMTP server greets us (and accepts the login) when SMTP is configured."""
    config = app.config
    host = config.get("SMTP_HOST")
    if not host:
        return []
    name = "邮件 SMTP"
    port = int(config.get("SMTP_PORT") or 25)
    try:
        with smtplib.SMTP(host, port, timeout=5) as server:
            server.ehlo()
            if config.get("SMTP_STARTTLS"):
                server.starttls()
                server.ehlo()
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except (OSError, smtplib.SMTPException, socket.timeout) as error:
        return [Finding(name, FAIL, f"cannot use the SMTP server {host}:{port}: {error}. In-app notifications "
                        "still work; e-mails are not sent.")]
    return [Finding(name, OK, f"{host}:{port} accepts connections.")]


def _hide_password(url: str) -> str:
    """The URL with its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


CHECKS: list[Callable[[Flask], list[Finding]]] = [
    check_configuration, check_database, check_migrations, check_redis, check_scheduler, check_smtp,
]


def run_checks(app: Flask) -> list[Finding]:
    """Every check's findings; later checks are skipped when the database is unreachable."""
    findings: list[Finding] = []
    for check in CHECKS:
        if check in (check_migrations, check_scheduler) and any(
                f.status == FAIL and f.name.startswith("数据库 ") for f in findings):
            continue
        findings.extend(check(app))
    return findings
