"""Security behaviour of the foundation that the other suites do not already prove.

Referenced from SECURITY.md (OWASP ASVS 4.0 level 2).
"""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import Blueprint

from quizapp import timeutil
from quizapp.auth.models import ApiToken
from quizapp.extensions import db, limiter
from quizapp.roster.models import Officer
from tests.conftest import make_test_app
from tests.factories import DEFAULT_PASSWORD, api_token, csrf_token, get_officer, login, make_officer


def test_ids_past_the_integer_columns_are_404_not_errors(client):
    admin = make_officer(badge="610001", role="admin")
    login(client, "610001")
    assert client.get(f"/admin/officers/{admin.id}").status_code == 200
    assert client.get("/admin/officers/99999999999999999999999").status_code == 404
    headers = api_token(client.application.test_client(), "610001")
    response = client.get("/api/v1/exams/99999999999999999999999", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_values_the_database_cannot_store_are_422_not_500(tmp_path):
    app = make_test_app("sqlite", tmp_path)
    probe = Blueprint("probe", __name__)

    @probe.route("/api/v1/probe/<path:raw>")
    @probe.route("/probe/<path:raw>")
    def lookup(raw):
        return {"found": db.session.get(Officer, int(raw)) is not None}

    app.register_blueprint(probe)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        api = client.get(f"/api/v1/probe/{2**70}")
        page = client.get(f"/probe/{2**70}")
        assert client.get("/api/v1/probe/5").get_json() == {"found": False}
        db.session.remove()
    assert api.status_code == 422
    assert api.get_json()["error"]["code"] == "out_of_range"
    assert page.status_code == 422 and page.mimetype == "text/html"


@pytest.mark.parametrize("error, expected", [
    (sa.exc.DataError("INSERT …", {}, Exception("value too long for type character varying(32)")), True),
    (OverflowError("Python int too large to convert to SQLite INTEGER"), True),
    (OverflowError("math range error"), False),
    (ValueError("bug"), False),
])
def test_only_database_range_refusals_count_as_client_errors(error, expected):
    from quizapp.web import value_out_of_range

    assert value_out_of_range(error) is expected


# ---------------------------------------------------------------- sessions (ASVS V3)

def test_a_session_ends_when_its_lifetime_is_over(app, client):
    make_officer(badge="610010")
    login(client, "610010")
    assert client.get("/").status_code == 200
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    with time_machine.travel(timeutil.now() + lifetime + timedelta(minutes=1), tick=False):
        response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_needs_a_post_with_the_csrf_token(client):
    make_officer(badge="610011")
    login(client, "610011")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # a cross-site form cannot log anyone out
    assert client.get("/").status_code == 200


def test_bearer_tokens_are_stored_only_as_sha256(client):
    make_officer(badge="610012")
    token = api_token(client, "610012")["Authorization"][7:]
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


# ---------------------------------------------------------------- CSRF and redirects (V4.2.2, V5.1.5)

def test_a_cross_site_password_change_is_refused_and_changes_nothing(client):
    make_officer(badge="610020")
    login(client, "610020")
    response = client.post("/password", data={"current": DEFAULT_PASSWORD, "new": "Hijacked2026",
                                               "confirm": "Hijacked2026"})
    assert response.status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, "610020", "Hijacked2026").status_code == 200  # still the old password
    assert login(client, "610020").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "\\\\evil.example", "javascript:alert(1)", "http:/evil.example"])
def test_login_never_redirects_off_site(app, target):
    make_officer(badge="610021")
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", query_string={"next": target},
                           data={"badge": "610021", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# ---------------------------------------------------------------- output encoding and headers (V5.3, V14.4)

def test_names_are_html_escaped_on_pages(client):
    make_officer(badge="610030", name="<script>alert(1)</script>", role="admin")
    login(client, "610030")
    for path in ("/", "/admin/officers"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/").get_data(as_text=True)


def test_api_responses_and_error_pages_carry_the_security_headers(client):
    make_officer(badge="610031")
    headers = api_token(client, "610031")
    for response in (client.get("/api/v1/me", headers=headers), client.get("/api/v1/nowhere"),
                     client.get("/no-such-page")):
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_server_errors_on_pages_show_no_internals(tmp_path):
    app = make_test_app("sqlite", tmp_path)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail: postgresql://quizapp:hunter2@db")

    html = app.test_client().get("/boom")
    assert html.status_code == 500
    text = html.get_data(as_text=True)
    assert "hunter2" not in text and "Traceback" not in text and "服务器出错了" in text


# ---------------------------------------------------------------- uploads (V12.1)

def test_uploads_past_the_size_limit_are_refused_in_chinese(tmp_path):
    app = make_test_app("sqlite", tmp_path, MAX_CONTENT_LENGTH=4096)
    with app.app_context():
        db.create_all()
        make_officer(badge="610040", role="admin")
        client = app.test_client()
        headers = api_token(client, "610040")
        big = {"file": (io.BytesIO(b"x" * 10_000), "roster.csv")}
        api = client.post("/api/v1/roster/import", data=big, headers=headers, content_type="multipart/form-data")
        login(client, "610040")
        token = csrf_token(client, "/admin/roster/import")
        page = client.post("/admin/roster/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(b"x" * 10_000), "roster.csv")})
        assert get_officer("610040") is not None
        db.session.remove()
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "too_large"
    assert page.status_code == 413 and "上传的文件太大" in page.get_data(as_text=True)


# ---------------------------------------------------------------- behind the proxy (V2.2.1, V14.5)

def test_one_proxy_hop_throttles_by_the_address_nginx_saw_not_a_forged_one(tmp_path):
    app = make_test_app("sqlite", tmp_path, QUIZAPP_PROXY_HOPS=1, LOGIN_FAILURES_PER_ADDRESS="3 per 10 minutes")
    with app.app_context():
        db.create_all()
        limiter.reset()
        for n in range(4):
            make_officer(badge=f"61005{n}")
        client = app.test_client()
        statuses = []
        for n in range(4):
            # The attacker rotates a forged first hop; nginx appends the real address last.
            forged = {"X-Forwarded-For": f"10.9.9.{n}, 203.0.113.7"}
            token = csrf_token(client, "/login")
            statuses.append(client.post("/login", headers=forged, data={
                "badge": f"61005{n}", "password": "guess", "csrf_token": token}).status_code)
        other = app.test_client()
        token = csrf_token(other, "/login")
        elsewhere = other.post("/login", headers={"X-Forwarded-For": "198.51.100.2"}, data={
            "badge": "610050", "password": DEFAULT_PASSWORD, "csrf_token": token})
        limiter.reset()
        db.session.remove()
    assert statuses == [200, 200, 200, 429]
    assert elsewhere.status_code == 302


def test_a_previewed_upload_can_be_confirmed_only_by_the_admin_who_uploaded_it(app):
    from tests.roster_files import bureau_rows, csv_bytes

    make_officer(badge="610060", role="admin", department="市公安局")
    make_officer(badge="610061", role="admin", department="市公安局")
    uploader, other = app.test_client(), app.test_client()
    login(uploader, "610060")
    login(other, "610061")
    token = csrf_token(uploader, "/admin/roster/import")
    preview = uploader.post("/admin/roster/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(csv_bytes(bureau_rows(3))), "roster.csv")})
    import re

    upload_token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    upload_token = upload_token or re.search(r'value="([^"]+)"[^>]*name="token"', preview.get_data(as_text=True))
    assert upload_token, "the preview page offers no confirm token"
    response = other.post("/admin/roster/import/confirm", data={
        "csrf_token": csrf_token(other, "/admin/roster/import"), "token": upload_token.group(1)})
    assert response.status_code == 302  # back to the upload page: "上传已失效"
    assert get_officer("310000") is None
    # The uploader himself still can: the token was real.
    uploader.post("/admin/roster/import/confirm", data={
        "csrf_token": csrf_token(uploader, "/admin/roster/import"), "token": upload_token.group(1)})
    db.session.expire_all()
    assert get_officer("310000") is not None
