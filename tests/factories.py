"""Test data builders."""
from __future__ import annotations

import itertools

import sqlalchemy as sa

from quizapp.auth.passwords import hash_password
from quizapp.extensions import db
from quizapp.roster.models import Officer, OfficerTag
from quizapp.roster.services import ensure_department

DEFAULT_PASSWORD = "Passw0rd!"
_badges = itertools.count(900001)


def make_department(path: str = "市公安局/治安大队"):
    """The department at this path, created with its parents."""
    department = ensure_department(path)
    db.session.commit()
    return department


def make_officer(badge: str | None = None, name: str = "张三", department: str = "市公安局/治安大队",
                 role: str = "officer", password: str = DEFAULT_PASSWORD, active: bool = True,
                 must_change_password: bool = False, political_status: str | None = None,
                 tags: list[str] | None = None, commit: bool = True) -> Officer:
    """An officer with a known password."""
    officer = Officer(
        badge=badge or str(next(_badges)), name=name, department=ensure_department(department), role=role,
        password_hash=hash_password(password), active=active, must_change_password=must_change_password,
        political_status=political_status,
    )
    officer.tag_rows = [OfficerTag(tag=t) for t in tags or []]
    db.session.add(officer)
    if commit:
        db.session.commit()
    return officer


def get_officer(badge: str) -> Officer | None:
    return db.session.scalar(sa.select(Officer).where(Officer.badge == badge))


def csrf_token(client, path: str = "/login") -> str:
    """Fetch a page and read the CSRF token from its meta tag."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, badge: str, password: str = DEFAULT_PASSWORD, follow: bool = False):
    """Log in through the real form (CSRF included)."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"badge": badge, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def api_token(client, badge: str, password: str = DEFAULT_PASSWORD) -> dict:
    """Authorization header for a fresh bearer token."""
    response = client.post("/api/v1/auth/token", json={"badge": badge, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}
