"""Logins, sessions, throttling and the security headers."""
from __future__ import annotations

import sqlalchemy as sa

from quizapp.auth.models import LoginSession
from quizapp.extensions import db
from tests.factories import DEFAULT_PASSWORD, csrf_token, get_officer, login, make_officer


def test_login_redirects_home_and_shows_the_officer(client):
    make_officer(badge="500001", name="赵敏")
    response = login(client, "500001")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "您好，赵敏" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_badge_get_the_same_message(client):
    make_officer(badge="500002")
    for badge, password in (("500002", "nope"), ("999999", DEFAULT_PASSWORD)):
        page = login(client, badge, password).get_data(as_text=True)
        assert "警号或密码不正确" in page


def test_inactive_officer_cannot_log_in(client):
    make_officer(badge="500003", active=False)
    assert "警号或密码不正确" in login(client, "500003").get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client):
    make_officer(badge="500004")
    response = client.post("/login", data={"badge": "500004", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_next_accepts_only_local_paths(app):
    make_officer(badge="500005")
    for target, expected in (("/inbox/", "/inbox/"), ("https://evil.example/", "/"),
                             ("//evil.example/", "/"), ("/\\evil.example", "/")):
        client = app.test_client()
        token = csrf_token(client, "/login")
        response = client.post(f"/login?next={target}",
                               data={"badge": "500005", "password": DEFAULT_PASSWORD, "csrf_token": token})
        assert response.headers["Location"] == expected, target


def test_login_rotates_the_session_and_logout_revokes_it_on_the_server(client, app):
    make_officer(badge="500006")
    client.get("/login")
    client.set_cookie("quizapp_session", "stale-value-from-before-login")
    login(client, "500006")
    with client.session_transaction() as session:
        sid = session["sid"]
    stolen_cookie = client.get_cookie("quizapp_session").value

    token = csrf_token(client, "/")
    client.post("/logout", data={"csrf_token": token})
    assert db.session.get(LoginSession, sid).revoked_at is not None

    # Replaying the cookie captured before logout no longer logs anyone in.
    replay = app.test_client()
    replay.set_cookie("quizapp_session", stolen_cookie)
    response = replay.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_each_login_gets_a_new_session_id(client):
    make_officer(badge="500007")
    login(client, "500007")
    with client.session_transaction() as session:
        first = session["sid"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "500007")
    with client.session_transaction() as session:
        assert session["sid"] != first


def test_deactivating_an_officer_ends_his_sessions_at_once(client, app):
    officer = make_officer(badge="500008")
    login(client, "500008")
    assert client.get("/").status_code == 200
    officer.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_forced_password_change_blocks_other_pages_until_done(client):
    make_officer(badge="500009", must_change_password=True)
    response = login(client, "500009")
    assert response.headers["Location"] == "/password"
    assert client.get("/").headers["Location"] == "/password"
    # Every other page leads back here: no menu, no tab bar, no link to 我的; the form and 退出 only.
    page = client.get("/password").get_data(as_text=True)
    assert 'aria-label="底部导航"' not in page and 'aria-label="主导航"' not in page and 'href="/me"' not in page
    assert 'class="with-tabs"' not in page and ">退出</button>" in page and "保存新密码" in page

    token = csrf_token(client, "/password")
    weak = client.post("/password", data={"current": DEFAULT_PASSWORD, "new": "12345678", "confirm": "12345678",
                                          "csrf_token": token})
    assert "字母和数字" in weak.get_data(as_text=True)
    done = client.post("/password", data={"current": DEFAULT_PASSWORD, "new": "Better2026", "confirm": "Better2026",
                                          "csrf_token": token})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    assert get_officer("500009").must_change_password is False
    assert 'aria-label="底部导航"' in client.get("/password").get_data(as_text=True)  # a chosen change keeps them


def test_changing_password_ends_the_other_sessions(app, client):
    make_officer(badge="500010")
    other_device = app.test_client()
    login(other_device, "500010")
    login(client, "500010")
    token = csrf_token(client, "/password")
    client.post("/password", data={"current": DEFAULT_PASSWORD, "new": "Another2026", "confirm": "Another2026",
                                   "csrf_token": token})
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302


def test_failed_logins_are_throttled_per_account(app, client):
    make_officer(badge="500011")
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "3 per 15 minutes"
    try:
        for _ in range(3):
            assert login(client, "500011", "wrong").status_code == 200
        blocked = login(client, "500011", DEFAULT_PASSWORD)
        assert blocked.status_code == 429
        assert "尝试次数过多" in blocked.get_data(as_text=True)
        # Another account from the same address is unaffected.
        make_officer(badge="500012")
        assert login(client, "500012").status_code == 302
    finally:
        app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "10 per 15 minutes"


def test_a_whole_station_behind_one_address_is_never_blocked_by_successful_logins(app):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "5 per 10 minutes"
    try:
        officers = [make_officer(badge=str(510000 + i), commit=False) for i in range(30)]
        db.session.commit()
        for officer in officers:
            station_phone = app.test_client()
            assert login(station_phone, officer.badge).status_code == 302
    finally:
        app.config["LOGIN_FAILURES_PER_ADDRESS"] = "300 per 10 minutes"


def test_failures_from_one_address_are_throttled_across_accounts(app, client):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "4 per 10 minutes"
    try:
        for i in range(4):
            assert login(client, f"77770{i}", "guess").status_code == 200
        assert login(client, "777709", "guess").status_code == 429
    finally:
        app.config["LOGIN_FAILURES_PER_ADDRESS"] = "300 per 10 minutes"


def test_pages_carry_security_headers_and_cookie_flags(client):
    make_officer(badge="500013")
    response = login(client, "500013")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_secure_cookie_behind_https(tmp_path, monkeypatch):
    from tests.conftest import make_test_app

    monkeypatch.setenv("QUIZAPP_HTTPS", "1")
    app = make_test_app("sqlite", tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_csrf_tokens_outlive_a_long_exam(app):
    # A 90-minute exam plus its grace must not meet an expired form token.
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 3 * 3600
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() >= 3 * 3600


def test_sessions_in_the_database_are_one_per_login(client):
    make_officer(badge="500014")
    login(client, "500014")
    login(client.application.test_client(), "500014")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 2


def test_throttles_are_shared_through_redis_when_configured(tmp_path, own_limiter):
    import os

    import pytest

    from tests.conftest import make_test_app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL not set")
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "LOGIN_FAILURES_PER_ACCOUNT": "2 per 15 minutes"}
    worker_a = make_test_app("sqlite", tmp_path, **settings)
    worker_b = make_test_app("sqlite", tmp_path, **settings)
    with worker_a.app_context():
        db.create_all()
        from quizapp.extensions import limiter

        limiter.reset()
        make_officer(badge="520001")
        assert login(worker_a.test_client(), "520001", "wrong").status_code == 200
    with worker_b.app_context():
        assert login(worker_b.test_client(), "520001", "wrong").status_code == 200
        # The third failure counts across both "workers": they share Redis.
        assert login(worker_b.test_client(), "520001", "wrong").status_code == 429
        limiter.reset()
        db.session.remove()
        db.drop_all()


def test_logins_keep_working_when_redis_is_down(tmp_path, own_limiter):
    from tests.conftest import make_test_app

    app = make_test_app("sqlite", tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    with app.app_context():
        db.create_all()
        make_officer(badge="520002")
        assert login(app.test_client(), "520002").status_code == 302
        db.session.remove()


def test_form_fields_without_a_placeholder_show_no_stray_text(client):
    make_officer(badge="500020", must_change_password=True)
    login(client, "500020")
    page = client.get("/password").get_data(as_text=True)
    assert 'placeholder="None"' not in page and 'autocomplete="None"' not in page
    assert 'autocomplete="new-password"' in page
