"""GET /api/v1/exams/{id}/ranking and "ranked" in the exam document."""
from __future__ import annotations

from datetime import timedelta

from quizapp import timeutil
from quizapp.exams import definitions

from ..exam_factories import exam_spec, make_bank, make_organiser
from ..factories import api_token, make_officer
from ..online_contest_factories import ranked_exam, sit


def test_an_organiser_creates_a_ranked_exam_and_reads_the_full_ranking(app, client):
    bank = make_bank(single=10, judge=10)
    make_organiser()
    zhang = make_officer(badge="800001", name="张伟", department="市公安局/治安大队")
    liu = make_officer(badge="800002", name="刘洋", department="市公安局/刑侦大队")
    make_officer(badge="800003", name="陈静", department="市公安局/刑侦大队")
    headers = api_token(client, "700001")
    opens = timeutil.now() - timedelta(minutes=1)
    created = client.post("/api/v1/exams", headers=headers, json={
        "title": "党章知识竞答", "ranked": True, "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=1)).isoformat(), "duration_minutes": 20, "attempts_allowed": 2,
        "departments": ["市公安局/治安大队", "市公安局/刑侦大队"],
        "paper": {"blueprint": [{"bank": bank.name, "type": "single", "count": 5, "points": 2},
                                {"bank": bank.name, "type": "judge", "count": 5, "points": 2}]}})
    assert created.status_code == 201, created.get_json()
    exam_id = created.get_json()["id"]
    detail = client.get(f"/api/v1/exams/{exam_id}", headers=headers).get_json()
    assert detail["ranked"] is True and detail["team_top_n"] is None
    from quizapp.exams.models import Exam
    from quizapp.extensions import db

    exam = db.session.get(Exam, exam_id)
    sit(zhang, exam, right=9, seconds=321)
    sit(liu, exam, right=7, seconds=100)
    body = client.get(f"/api/v1/exams/{exam_id}/ranking", headers=headers).get_json()
    assert body["final"] is False
    assert body["individuals"] == [
        {"rank": 1, "badge": "800001", "name": "张伟", "department": "治安大队", "score": 90.0, "seconds": 321},
        {"rank": 2, "badge": "800002", "name": "刘洋", "department": "刑侦大队", "score": 70.0, "seconds": 100}]
    assert body["departments"] == [
        {"rank": 1, "department": "治安大队", "candidates": 1, "participants": 1, "participation_rate": 1.0,
         "average": 90.0, "top_n_average": None},
        {"rank": 2, "department": "刑侦大队", "candidates": 2, "participants": 1, "participation_rate": 0.5,
         "average": 70.0, "top_n_average": None}]
    listed = client.get("/api/v1/exams?managed=true", headers=headers).get_json()
    assert [row["ranked"] for row in listed] == [True]


def test_an_officer_gets_the_first_20_places_and_his_own(app, client):
    bank = make_bank(single=10, judge=10)
    organiser = make_organiser()
    officers = [make_officer(badge=str(810000 + n), name=f"民警{n}", department="市公安局/治安大队") for n in range(23)]
    exam = ranked_exam(bank, organiser, departments=("市公安局/治安大队",))
    for n, officer in enumerate(officers):
        sit(officer, exam, right=10 if n < 22 else 1, seconds=100 + n)
    last = api_token(client, "810022")
    body = client.get(f"/api/v1/exams/{exam.id}/ranking", headers=last).get_json()
    assert [row["rank"] for row in body["individuals"]] == list(range(1, 21)) + [23]
    assert body["individuals"][-1]["badge"] == "810022"
    assert body["departments"][0]["participants"] == 23


def test_who_may_read_a_ranking_and_when(app, client):
    bank = make_bank(single=10, judge=10)
    organiser = make_organiser()
    make_officer(badge="800001", department="市公安局/治安大队")
    make_officer(badge="800009", department="市公安局/城南派出所")
    hidden = ranked_exam(bank, organiser, show_results="after_close", departments=("市公安局/治安大队",))
    plain = definitions.create_exam(organiser, exam_spec(bank, title="普通考试"))
    officer, outsider = api_token(client, "800001"), api_token(client, "800009")
    assert client.get(f"/api/v1/exams/{hidden.id}/ranking").status_code == 401
    assert client.get(f"/api/v1/exams/{hidden.id}/ranking", headers=outsider).status_code == 403
    refused = client.get(f"/api/v1/exams/{hidden.id}/ranking", headers=officer)
    assert refused.status_code == 409 and "竞赛结束" in refused.get_json()["error"]["message"]
    assert client.get(f"/api/v1/exams/{plain.id}/ranking", headers=officer).status_code == 404
    assert client.get("/api/v1/exams/99999/ranking", headers=officer).status_code == 404
    definitions.close_exam(organiser, hidden)
    shown = client.get(f"/api/v1/exams/{hidden.id}/ranking", headers=officer)
    assert shown.status_code == 200 and shown.get_json()["final"] is True


def test_a_bad_ranked_value_is_refused_with_the_field(app, client):
    make_bank()
    make_organiser()
    opens = timeutil.now()
    response = client.post("/api/v1/exams", headers=api_token(client, "700001"), json={
        "title": "竞答", "ranked": "sometimes", "opens_at": opens.isoformat(), "duration_minutes": 10,
        "closes_at": (opens + timedelta(days=1)).isoformat(), "paper": {"questions": [1]}})
    assert response.status_code == 422
    assert "ranked" in str(response.get_json())


def test_the_ranking_is_documented_in_the_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/exams/{exam_id}/ranking"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "403", "404", "409"}
    schema = spec["components"]["schemas"]["Individual"]
    assert set(schema["properties"]) == {"rank", "badge", "name", "department", "score", "seconds"}
    assert "ranked" in spec["components"]["schemas"]["ExamWrite"]["properties"]
