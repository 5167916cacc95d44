"""Logins: sessions for browsers, bearer tokens for API clients."""
from __future__ import annotations

from flask import Flask, flash, g, jsonify, redirect, request, session, url_for
from flask_login import current_user

from ..config import ConfigError
from ..extensions import login_manager
from . import passwords, services

# Pages an officer with a generated password may still reach before changing it.
OPEN_DURING_FORCED_CHANGE = {"auth.change_password", "auth.logout", "static", "web.healthz", "web.favicon"}


def init_app(app: Flask) -> None:
    """Wire Flask-Login to server-side sessions and bearer tokens; refuse an unusable hash method."""
    from .views import bp

    try:
        passwords.check_method(app.config["PASSWORD_HASH_METHOD"])
    except ValueError as error:
        raise ConfigError(f"QUIZAPP_PASSWORD_HASH: {error}") from None

    app.register_blueprint(bp)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session id does this job

    @login_manager.user_loader
    def _load_from_session(officer_id: str):
        # A bearer request is judged by its token alone, never by a cookie beside it.
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        return services.officer_for_session(officer_id, session.get("sid"))

    @login_manager.request_loader
    def _load_from_bearer(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
            return None
        officer = services.officer_for_token(header[7:].strip())
        if officer is not None:
            g.auth_via_token = True
        return officer

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error={"code": "unauthorized", "message": "请先登录或提供有效的令牌。"}), 401
        if request.path == "/":
            # Opening the site is not a mistake to warn about: just the login form.
            return redirect(url_for("auth.login"))
        flash("请先登录。", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def _force_password_change():
        if request.path.startswith("/api/") or request.endpoint in OPEN_DURING_FORCED_CHANGE:
            return None
        if current_user.is_authenticated and current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        return None
