"""Who may reach what: role checks shared by pages and the API."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager


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
