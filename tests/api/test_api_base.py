"""The JSON API's base: tokens, the current user, CSRF for cookie clients, JSON errors."""
from __future__ import annotations

import time_machine
from datetime import timedelta

from quizapp import timeutil
from quizapp.api.errors import ApiError
from tests.conftest import make_test_app
from tests.factories import DEFAULT_PASSWORD, api_token, csrf_token, login, make_officer


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]


def test_token_then_me(client):
    make_officer(badge="600001", name="钱进", department="市公安局/刑侦大队", role="organiser")
    response = client.post("/api/v1/auth/token", json={"badge": "600001", "password": DEFAULT_PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["expires_at"].endswith("+00:00")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json() == {"badge": "600001", "name": "钱进", "department": "市公安局/刑侦大队", "role": "organiser"}


def test_bad_credentials_are_401_json(client):
    make_officer(badge="600002")
    response = client.post("/api/v1/auth/token", json={"badge": "600002", "password": "wrong"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "bad_credentials"


def test_missing_fields_are_422_with_details(client):
    response = client.post("/api/v1/auth/token", json={"badge": "600002"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert "password" in str(error["details"])


def test_revoked_token_stops_working(client):
    make_officer(badge="600003")
    headers = api_token(client, "600003")
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_tokens_expire(client, app):
    make_officer(badge="600004")
    headers = api_token(client, "600004")
    later = timeutil.now() + app.config["API_TOKEN_LIFETIME"] + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_deactivated_officer_token_is_refused(client):
    officer = make_officer(badge="600005")
    headers = api_token(client, "600005")
    officer.active = False
    from quizapp.extensions import db

    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_browser_session_works_for_reads_and_needs_csrf_header_for_writes(client):
    make_officer(badge="600006")
    login(client, "600006")
    assert client.get("/api/v1/me").status_code == 200
    forged = client.delete("/api/v1/auth/token")
    assert forged.status_code == 400
    assert error_of(forged)["code"] == "csrf_failed"
    token = csrf_token(client, "/")
    with_header = client.delete("/api/v1/auth/token", headers={"X-CSRFToken": token})
    # Past the CSRF check; refused only because a cookie client has no token to revoke.
    assert with_header.status_code == 401


def test_a_bogus_bearer_header_is_not_rescued_by_a_session_cookie(client):
    make_officer(badge="600007")
    login(client, "600007")
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_unknown_api_path_is_json_404_and_wrong_method_json_405(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    posted_missing = client.post("/api/v1/nothing-here", json={})
    assert posted_missing.status_code == 404
    wrong = client.put("/api/v1/me")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"


def test_officer_gets_json_403_from_admin_endpoints(client):
    make_officer(badge="600008")
    headers = api_token(client, "600008")
    response = client.post("/api/v1/roster/import", headers=headers, data={})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_throttled_token_requests_are_json_429(app, client):
    make_officer(badge="600009")
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "2 per 15 minutes"
    try:
        for _ in range(2):
            client.post("/api/v1/auth/token", json={"badge": "600009", "password": "x"})
        response = client.post("/api/v1/auth/token", json={"badge": "600009", "password": DEFAULT_PASSWORD})
        assert response.status_code == 429 and error_of(response)["code"] == "too_many_requests"
    finally:
        app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "10 per 15 minutes"


def test_unexpected_errors_are_json_500_without_internals(tmp_path):
    app = make_test_app("sqlite", tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.route("/api/v1/_boom_for_test")
    def _boom():
        raise RuntimeError("secret internals")

    @app.route("/_boom_page_for_test")
    def _boom_page():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/_boom_for_test")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error" and "secret" not in response.get_data(as_text=True)
    page = app.test_client().get("/_boom_page_for_test")
    assert page.status_code == 500 and "服务器出错了" in page.get_data(as_text=True)


def test_domain_errors_keep_their_code_and_chinese_message(tmp_path):
    app = make_test_app("sqlite", tmp_path)

    @app.route("/api/v1/_conflict_for_test")
    def _conflict():
        raise ApiError(409, "already_submitted", "答卷已提交。")

    response = app.test_client().get("/api/v1/_conflict_for_test")
    assert response.status_code == 409
    assert response.get_json() == {"error": {"code": "already_submitted", "message": "答卷已提交。"}}


def test_html_pages_keep_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_openapi_document_is_generated_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/roster/import"):
        assert path in document["paths"], path
    assert "bearerAuth" in document["components"]["securitySchemes"]
