"""Older password hashes log in and are replaced by the configured method at that login."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.roster.services import create_admin, import_roster, reset_password
from tests.factories import DEFAULT_PASSWORD, get_officer, login, make_officer

FAST_PREFIX = "$argon2id$v=19$m=8,t=1,p=1$"


def with_old_hash(badge: str, method: str = "scrypt:1024:8:1", active: bool = True):
    """An officer whose stored hash was made by werkzeug before the move to Argon2id."""
    officer = make_officer(badge=badge, active=active)
    officer.password_hash = generate_password_hash(DEFAULT_PASSWORD, method)
    db.session.commit()
    return officer.password_hash


def stored_hash(badge: str) -> str:
    db.session.expire_all()
    return get_officer(badge).password_hash


@pytest.mark.parametrize("old_method", ["scrypt:1024:8:1", "pbkdf2:sha256:1000"])
def test_old_hash_logs_in_through_the_form_and_is_upgraded(client, old_method):
    old = with_old_hash("510001", old_method)
    assert login(client, "510001").headers["Location"] == "/"
    upgraded = stored_hash("510001")
    assert upgraded != old and upgraded.startswith(FAST_PREFIX)
    # The new hash is the same password: the next login works and changes nothing.
    again = client.application.test_client()
    assert login(again, "510001").headers["Location"] == "/"
    assert stored_hash("510001") == upgraded


def test_old_hash_logs_in_through_the_token_endpoint_and_is_upgraded(client):
    with_old_hash("510002")
    response = client.post("/api/v1/auth/token", json={"badge": "510002", "password": DEFAULT_PASSWORD})
    assert response.status_code == 201
    assert stored_hash("510002").startswith(FAST_PREFIX)


def test_wrong_password_leaves_the_old_hash_alone(client):
    old = with_old_hash("510003")
    assert "警号或密码不正确" in login(client, "510003", "Wrong2026").get_data(as_text=True)
    response = client.post("/api/v1/auth/token", json={"badge": "510003", "password": "Wrong2026"})
    assert response.status_code == 401
    assert stored_hash("510003") == old


def test_deactivated_officer_with_the_right_password_is_not_upgraded(client):
    old = with_old_hash("510004", active=False)
    assert "警号或密码不正确" in login(client, "510004").get_data(as_text=True)
    assert stored_hash("510004") == old


def test_configured_werkzeug_method_is_what_logins_upgrade_to(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
    make_officer(badge="510005")  # made with the test default, Argon2id with tiny parameters
    assert login(client, "510005").status_code == 302
    assert stored_hash("510005").startswith("pbkdf2:sha256:1000$")


def test_default_method_gives_owasp_argon2id_at_login(client, monkeypatch):
    with_old_hash("510006")
    monkeypatch.setitem(client.application.config, "PASSWORD_HASH_METHOD", "argon2id")
    assert login(client, "510006").status_code == 302
    assert stored_hash("510006").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_every_way_a_password_is_set_uses_the_configured_method(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1001")
    admin = create_admin("510007", "管理员", "Admin2026x")
    roster = "警号,姓名,部门,角色,密码\n510008,李四,市公安局/治安大队,民警,\n510009,王五,市公安局/治安大队,民警,Keep2026x\n"
    import_roster("roster.csv", roster.encode(), admin)
    reset_password(admin, make_officer(badge="510010"))
    for badge in ("510007", "510008", "510009", "510010"):
        assert stored_hash(badge).startswith("pbkdf2:sha256:1001$"), badge
