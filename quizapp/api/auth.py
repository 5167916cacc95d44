"""Tokens and the current user."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import timeutil
from ..auth import services
from ..auth.access import login_required_any
from ..extensions import limiter
from . import bearer_request
from .errors import ApiError

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Logins and the current user")


class TokenRequestSchema(Schema):
    badge = fields.String(required=True, metadata={"description": "警号"})
    password = fields.String(required=True)


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.String(required=True, metadata={"description": "ISO 8601 with offset"})


class MeSchema(Schema):
    badge = fields.String(required=True)
    name = fields.String(required=True)
    department = fields.String(required=True)
    role = fields.String(required=True)


def _token_failed(response) -> bool:
    return response.status_code == 401


def _badge_key() -> str:
    body = request.get_json(silent=True) or {}
    badge = body.get("badge") if isinstance(body, dict) else None
    return "badge:" + (str(badge or "").strip()[:32])


@blp.route("/auth/token")
class Token(MethodView):
    @limiter.limit(
        lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
        key_func=_badge_key, deduct_when=_token_failed, scope="login-badge", methods=["POST"],
    )
    @limiter.limit(
        lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
        deduct_when=_token_failed, scope="login-address", methods=["POST"],
    )
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="Wrong badge or password")
    @blp.alt_response(429, description="Too many failed attempts")
    def post(self, credentials):
        """Exchange badge and password for an expiring bearer token."""
        officer = services.authenticate(credentials["badge"], credentials["password"])
        if officer is None:
            raise ApiError(401, "bad_credentials", "警号或密码不正确。")
        token, expires_at = services.issue_token(officer)
        return {"token": token, "expires_at": timeutil.isoformat(expires_at)}

    @blp.response(204)
    @blp.alt_response(401, description="No live bearer token")
    @blp.doc(security=[{"bearerAuth": []}])
    def delete(self):
        """Revoke the bearer token this request carries."""
        if not bearer_request() or not services.revoke_token(request.headers["Authorization"][7:].strip()):
            raise ApiError(401, "unauthorized", "令牌无效或已失效。")
        return None


@blp.route("/me")
class Me(MethodView):
    @login_required_any
    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.doc(security=[{"bearerAuth": []}, {"cookieAuth": []}])
    def get(self):
        """The logged-in officer."""
        return {
            "badge": current_user.badge,
            "name": current_user.name,
            "department": current_user.department.path,
            "role": current_user.role,
        }
