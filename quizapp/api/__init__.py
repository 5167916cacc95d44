"""The JSON API under /api/v1 (PRODUCT.md §5.2), documented by flask-smorest."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

from ..extensions import csrf
from .errors import ApiError, api_error_response  # noqa: F401  (re-exported)
from .schemas import ErrorSchema

API_PREFIX = "/api/v1"
# Ids are 32-bit integer columns on PostgreSQL; SQLite overflows past 2**63.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` bounded to the ids a table can hold: a larger number is a 404, not a crash."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class QuizApi(Api):
    """flask-smorest's Api, leaving error rendering to the app's own handlers."""

    # The documented default error is the body api_error_response really sends.
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


def register(app: Flask, blueprint) -> None:
    """Register an area's API blueprint: documented, CSRF handled by us."""
    csrf.exempt(blueprint)
    app.extensions["quizapp_api"].register_blueprint(blueprint)


def bearer_request() -> bool:
    """True when the request authenticates with a bearer token, not the cookie."""
    return request.headers.get("Authorization", "").startswith("Bearer ")


def _csrf_for_cookie_clients():
    """Cookie-authenticated API writes need the CSRF header; token clients do not."""
    if not request.path.startswith(API_PREFIX + "/"):
        return None
    if request.method in {"GET", "HEAD", "OPTIONS"} or bearer_request():
        return None
    if request.endpoint is None or (request.path == API_PREFIX + "/auth/token" and request.method == "POST"):
        return None
    csrf.protect()
    return None


def init_app(app: Flask) -> None:
    """Create the documented API and its base endpoints."""
    # Every area's <int:…> routes register after this one (AREAS order).
    app.url_map.converters["int"] = IdConverter
    api = QuizApi(
        app,
        spec_kwargs={
            "info": {"description": "quizapp JSON API. Errors: {\"error\": {\"code\", \"message\"}}."},
            "servers": [{"url": "/"}],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    )
    api.register_converter(IdConverter, integerconverter2paramschema)
    app.extensions["quizapp_api"] = api
    app.before_request(_csrf_for_cookie_clients)

    from .auth import blp

    register(app, blp)


def current_api():
    """The app's flask-smorest Api."""
    return current_app.extensions["quizapp_api"]
