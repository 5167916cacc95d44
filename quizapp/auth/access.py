"""Who may reach what: role checks shared by pages and the API."""
from __future__ import annotations

from functools import wraps

from flask import abort, request, session
from flask_login import current_user

from ..extensions import login_manager
from .services import token_digest


def roles_required(*roles: str):
    """Allow only logged-in users with one of the roles (401 / 403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def login_required_any(view):
    """Any logged-in user; the API gets JSON 401, pages a redirect."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


organiser_required = roles_required("organiser", "admin")
admin_required = roles_required("admin")


def request_credential() -> tuple[str | None, tuple[str, int] | None]:
    """The credential the request carries, not yet checked: (bearer token digest, None),
    (None, (login session id, officer id)) from the cookie, or (None, None). For hot
    endpoints that check it in their own query instead of loading the officer."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return token_digest(header[7:].strip()), None
    officer_id, session_id = session.get("_user_id"), session.get("sid")
    if not session_id or not str(officer_id or "").isdigit():
        return None, None
    return None, (session_id, int(officer_id))
