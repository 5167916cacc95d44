"""Security behaviour of the foundation that the other suites do not already prove.

Referenced from SECURITY.md (OWASP ASVS 4.0 level 2).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint

from quizapp.extensions import db
from quizapp.roster.models import Officer
from tests.conftest import make_test_app
from tests.factories import api_token, login, make_officer


def test_ids_past_the_integer_columns_are_404_not_errors(client):
    make_officer(badge="610001", role="admin")
    login(client, "610001")
    assert client.get("/roster/officers/99999999999999999999999").status_code == 404
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
