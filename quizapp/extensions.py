"""Flask extensions, created unbound so that any module may import them."""
from __future__ import annotations

from datetime import UTC
from functools import partial, wraps

import sqlalchemy as sa
from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes stored as UTC; SQLite's naive values come back as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

# Endpoints with no rate limit of their own that run so often (answer saves, study
# heartbeats) that even the limiter's per-request bookkeeping shows in their cost.
# An area adds its endpoint names here; the limiter then skips them outright.
UNTHROTTLED_ENDPOINTS: set[str] = set()


@limiter.request_filter
def _unthrottled() -> bool:
    return request.endpoint in UNTHROTTLED_ENDPOINTS


def init_limiter(app: Flask) -> None:
    """Bind the limiter, then keep its hooks away from UNTHROTTLED_ENDPOINTS altogether.

    The request filter above only acts once the limiter has identified the request and
    gathered its limits, and its after- and teardown hooks still build and reset a
    per-request context: together a tenth of an answer save's CPU. Guarded here, an
    unthrottled endpoint never reaches the limiter."""
    limiter.init_app(app)

    def ours(hook) -> bool:
        return getattr(hook, "__self__", None) is limiter or (isinstance(hook, partial) and hook.args[:1] == (limiter,))

    def guarded(hook, passes_through: bool):
        @wraps(hook)
        def guard(*args):
            if request.endpoint in UNTHROTTLED_ENDPOINTS:
                return args[0] if passes_through else None
            return hook(*args)

        return guard

    for registry, passes_through in ((app.before_request_funcs, False), (app.after_request_funcs, True),
                                     (app.teardown_request_funcs, False)):
        for key, hooks in registry.items():
            registry[key] = [guarded(hook, passes_through) if ours(hook) else hook for hook in hooks]


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without its per-request cost for callers that send no
    session cookie (phones using a bearer token, on every answer save): Flask builds the
    signing serializer and reads the cookie options on every request, cookie or not."""

    def open_session(self, app, request):
        if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return self.session_class() if app.secret_key else None
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified:
            # Nothing to write or delete; a session that was read still varies by cookie.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
