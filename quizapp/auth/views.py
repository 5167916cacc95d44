"""Login, logout and password pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from . import services
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a local path is an acceptable redirect after login."""
    if not target:
        return None
    target = target.replace("\\", "/").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def login_failed(response) -> bool:
    """Only failed logins count towards the throttles (success redirects)."""
    return request.method == "POST" and response.status_code != 302


def _badge_key() -> str:
    return "badge:" + (request.form.get("badge") or "").strip()[:32]


def _account_limit() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ADDRESS"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_account_limit, key_func=_badge_key, methods=["POST"], deduct_when=login_failed, scope="login-badge")
@limiter.limit(_address_limit, methods=["POST"], deduct_when=login_failed, scope="login-address")
def login():
    """Log in by badge and password."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        officer = services.authenticate(form.badge.data, form.password.data)
        if officer is None:
            flash("警号或密码不正确。", "error")
            return render_template("auth/login.html", form=form), 200
        login = services.start_session(officer, request.remote_addr, request.headers.get("User-Agent"))
        # A fresh cookie: nothing from before the login survives it.
        session.clear()
        session.permanent = True
        login_user(officer)
        session["sid"] = login.id
        if officer.must_change_password:
            flash("首次登录请先修改初始密码。", "warning")
            # Keep where the officer was going (an exam's QR code): he lands there after the change.
            return redirect(url_for("auth.change_password", next=safe_next(request.args.get("next"))))
        return redirect(safe_next(request.args.get("next")) or url_for("web.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session on the server and clear the cookie."""
    services.end_session(session.get("sid"))
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (forced at first login for generated ones)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data, keep_session=session.get("sid"))
        except services.AuthError as error:
            form.new.errors = list(form.new.errors) + [str(error)]
        else:
            flash("密码已修改。", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("web.home"))
    return render_template("auth/password.html", form=form, forced=current_user.must_change_password)
