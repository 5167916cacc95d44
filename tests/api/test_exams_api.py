"""The exams API: officers sit their own exams, organisers run theirs; every status code."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from quizapp import timeutil
from quizapp.auth.models import LoginSession
from quizapp.exams import definitions
from quizapp.exams.spec import RuleSpec
from quizapp.exams.models import Exam
from quizapp.extensions import db

from ..exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer
from ..factories import api_token, make_officer


@pytest.fixture
def world(app, client):
    bank = make_bank(single=10, multiple=4, judge=6, fill=3)
    organiser = make_organiser()
    officer = make_officer(badge="800001", department="市公安局/治安大队")
    other = make_officer(badge="800002", department="市公安局/治安大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), blueprint=(
        RuleSpec(bank.id, "single", 3, 2), RuleSpec(bank.id, "multiple", 2, 2),
        RuleSpec(bank.id, "judge", 3, 2), RuleSpec(bank.id, "fill", 2, 2))))
    return {"bank": bank, "exam": exam, "officer": api_token(client, "800001"), "other": api_token(client, "800002"),
            "organiser": api_token(client, "700001"), "officer_id": officer.id, "other_id": other.id}


def test_everything_needs_a_login(client, world):
    exam_id = world["exam"].id
    for method, path in [("get", "/api/v1/exams"), ("post", f"/api/v1/exams/{exam_id}/attempts"),
                         ("put", "/api/v1/attempts/1/answers/1"), ("get", f"/api/v1/exams/{exam_id}/board")]:
        response = getattr(client, method)(path, json={}, headers={"Authorization": "Bearer expired-or-made-up"})
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_officer_sees_his_exams_and_starts_a_paper_without_any_answer_key(client, world):
    listing = client.get("/api/v1/exams", headers=world["officer"]).get_json()
    assert [(e["title"], e["status"], e["mode"]) for e in listing] == [("第一季度政治理论测试", "open", "full")]
    assert listing[0]["opens_at"].endswith("+00:00")
    response = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"])
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["questions"]) == 10 and body["answers"] == {}
    assert 0 < body["remaining_seconds"] <= 30 * 60
    text = json.dumps(body, ensure_ascii=False)
    for leak in ("key\": [", "answer\": \"", "explanation", "correct", "解析", "option_map"):
        assert leak not in text
    for question in body["questions"]:
        assert set(question) <= {"id", "type", "stem", "options", "points", "blanks"}
        assert all(set(o) == {"key", "text"} for o in question["options"])


def test_saving_answers_validates_shape_and_ownership(client, world):
    body = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    attempt_id = body["attempt_id"]
    single = next(q for q in body["questions"] if q["type"] == "single")
    url = f"/api/v1/attempts/{attempt_id}/answers/{single['id']}"
    ok = client.put(url, json={"answer": "B", "seq": 1}, headers=world["officer"])
    assert ok.status_code == 200 and "+00:00" in ok.get_json()["saved_at"]
    assert client.put(url, json={"answer": ["A", "B"], "seq": 2}, headers=world["officer"]).status_code == 422
    assert client.put(url, json={"answer": "B"}, headers=world["officer"]).status_code == 422
    assert client.put(url, json={"answer": "B", "seq": "x"}, headers=world["officer"]).status_code == 422
    assert client.put(url, json={"answer": "B", "seq": 3}, headers=world["other"]).status_code == 403
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/999999", json={"answer": "B", "seq": 1},
                      headers=world["officer"]).status_code == 404
    assert client.put("/api/v1/attempts/999999/answers/1", json={"answer": "B", "seq": 1},
                      headers=world["officer"]).status_code == 404
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=world["other"]).status_code == 403
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=world["other"]).status_code == 403
    resumed = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    assert resumed["attempt_id"] == attempt_id and resumed["answers"] == {str(single["id"]): "B"}


def test_submit_grades_on_the_server_twice_the_same_and_then_saves_get_409(client, world):
    body = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    attempt_id = body["attempt_id"]
    for seq, item in enumerate(items_of(attempt_id), start=1):
        response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{item.question_id}",
                              json={"answer": right_answer(item), "seq": seq}, headers=world["officer"])
        assert response.status_code == 200, response.get_json()
    first = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=world["officer"]).get_json()
    assert first["score"] == 100 and first["passed"] is True
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=world["officer"]).get_json() == first
    late = client.put(f"/api/v1/attempts/{attempt_id}/answers/{body['questions'][0]['id']}",
                      json={"answer": None, "seq": 99}, headers=world["officer"])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "submitted"
    review = client.get(f"/api/v1/attempts/{attempt_id}", headers=world["officer"]).get_json()
    assert review["score"] == 100 and all(q["correct"] for q in review["questions"])
    again = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"])
    assert again.status_code == 409 and again.get_json()["error"]["attempt_id"] == attempt_id


def test_saves_past_the_deadline_and_grace_get_409(client, world):
    body = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    deadline = timeutil.now() + timedelta(seconds=body["remaining_seconds"] + 1)
    with time_machine.travel(deadline + timedelta(seconds=11), tick=False):
        response = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{body['questions'][0]['id']}",
                              json={"answer": None, "seq": 1}, headers=world["officer"])
    assert response.status_code == 409


def test_results_are_withheld_when_the_exam_says_never(client, world):
    db.session.get(Exam, world["exam"].id).show_results = "never"
    db.session.commit()
    body = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    submitted = client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=world["officer"]).get_json()
    assert submitted["score"] is None and submitted["passed"] is None
    review = client.get(f"/api/v1/attempts/{body['attempt_id']}", headers=world["officer"]).get_json()
    assert review["questions"] == [] and review["score"] is None


def test_officers_never_reach_organiser_endpoints(client, world):
    exam_id = world["exam"].id
    for method, path in [("post", "/api/v1/exams"), ("get", f"/api/v1/exams/{exam_id}"),
                         ("patch", f"/api/v1/exams/{exam_id}"), ("post", f"/api/v1/exams/{exam_id}/draw"),
                         ("get", f"/api/v1/exams/{exam_id}/board"), ("post", f"/api/v1/exams/{exam_id}/close"),
                         ("post", f"/api/v1/exams/{exam_id}/makeup"), ("post", f"/api/v1/exams/{exam_id}/remind")]:
        response = getattr(client, method)(path, json={}, headers=world["officer"])
        assert response.status_code == 403, path


def test_organiser_creates_reads_patches_and_draws_through_the_api(client, world):
    for n in range(4):
        make_officer(department="市公安局/刑侦大队")
    opens = timeutil.to_local(timeutil.now() + timedelta(days=1)).replace(tzinfo=None).isoformat()
    closes = timeutil.to_local(timeutil.now() + timedelta(days=2)).replace(tzinfo=None).isoformat()
    body = {"title": "随机抽测", "mode": "sample", "departments": ["市公安局/治安大队", "市公安局/刑侦大队"],
            "paper": {"blueprint": [{"bank": "党章题库", "type": "single", "count": 5, "points": 2},
                                    {"bank": "党章题库", "type": "judge", "count": 5, "points": 2}]},
            "pass_mark": 60, "duration_minutes": 30, "opens_at": opens, "closes_at": closes,
            "attempts_allowed": 1, "shuffle": True, "partial_credit": True, "show_results": "after_close"}
    created = client.post("/api/v1/exams", json=body, headers=world["organiser"])
    assert created.status_code == 201, created.get_json()
    exam_id = created.get_json()["id"]
    detail = client.get(f"/api/v1/exams/{exam_id}", headers=world["organiser"]).get_json()
    assert detail["question_count"] == 10 and detail["status"] == "upcoming" and detail["shuffle_options"]
    patched = client.patch(f"/api/v1/exams/{exam_id}", json={"pass_mark": 80}, headers=world["organiser"])
    assert patched.status_code == 200 and patched.get_json()["pass_mark"] == 80
    too_many = dict(body, paper={"blueprint": [{"bank": "党章题库", "type": "single", "count": 11, "points": 2}]})
    refused = client.post("/api/v1/exams", json=too_many, headers=world["organiser"])
    assert refused.status_code == 422 and "只有10道单选题" in refused.get_json()["error"]["message"]
    assert refused.get_json()["error"]["errors"][0]["field"] == "paper.blueprint[0].count"
    backwards = dict(body, opens_at=closes, closes_at=opens, pass_mark=120)
    problems = client.post("/api/v1/exams", json=backwards, headers=world["organiser"]).get_json()["error"]
    assert [e["field"] for e in problems["errors"]] == ["closes_at", "pass_mark"]
    assert problems["code"] == "invalid" and problems["message"] == "结束时间应晚于开始时间。合格线应在0到总分100之间。"
    drawn = client.post(f"/api/v1/exams/{exam_id}/draw", json={"size": 4, "allocation": "equal", "seed": 2026},
                        headers=world["organiser"])
    assert drawn.status_code == 200, drawn.get_json()
    result = drawn.get_json()
    assert result["seed"] == 2026 and len(result["candidates"]) == 4
    assert sorted(d["allocated"] for d in result["departments"]) == [2, 2]
    again = client.post(f"/api/v1/exams/{exam_id}/draw", json={"size": 4, "allocation": "equal", "seed": 2026},
                        headers=world["organiser"]).get_json()
    assert again["candidates"] == result["candidates"]
    bad = client.post(f"/api/v1/exams/{exam_id}/draw", json={"size": 99, "allocation": "equal"}, headers=world["organiser"])
    assert bad.status_code == 422
    assert client.get("/api/v1/exams/999999", headers=world["organiser"]).status_code == 404


def test_organiser_reads_the_board_reminds_closes_and_makes_up_for_the_absent(client, world):
    exam_id = world["exam"].id
    client.post(f"/api/v1/exams/{exam_id}/attempts", headers=world["officer"])
    board = client.get(f"/api/v1/exams/{exam_id}/board", headers=world["organiser"]).get_json()
    assert (board["invited"], board["started"], board["submitted"], board["not_started"]) == (2, 1, 0, 1)
    assert client.post(f"/api/v1/exams/{exam_id}/remind", headers=world["organiser"]).get_json() == {"count": 1}
    assert client.post(f"/api/v1/exams/{exam_id}/makeup", json={}, headers=world["organiser"]).status_code == 409
    closed = client.post(f"/api/v1/exams/{exam_id}/close", headers=world["organiser"]).get_json()
    assert closed["submitted"] == 1
    makeup = client.post(f"/api/v1/exams/{exam_id}/makeup", json={}, headers=world["organiser"])
    assert makeup.status_code == 201
    assert client.post(f"/api/v1/exams/{exam_id}/attempts", headers=world["other"]).status_code == 409


def test_absences_are_logged_for_the_officers_own_attempt(client, world):
    body = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    with time_machine.travel(timeutil.now() + timedelta(minutes=3), tick=False):
        logged = client.post(f"/api/v1/attempts/{body['attempt_id']}/absences", json={"seconds": 12.5},
                             headers=world["officer"])
    assert logged.status_code == 201 and logged.get_json()["seconds"] == 12
    assert client.post(f"/api/v1/attempts/{body['attempt_id']}/absences", json={"seconds": 3},
                       headers=world["other"]).status_code == 403


def test_the_exams_api_is_documented(client, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/attempts/{attempt_id}/answers/{question_id}" in spec["paths"]
    assert "409" in spec["paths"]["/api/v1/attempts/{attempt_id}/answers/{question_id}"]["put"]["responses"]


def test_a_revoked_token_cannot_save_and_the_page_saves_with_its_cookie_and_csrf_header(app, client, world):
    from ..factories import csrf_token, login

    body = client.post(f"/api/v1/exams/{world['exam'].id}/attempts", headers=world["officer"]).get_json()
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{body['questions'][0]['id']}"
    client.delete("/api/v1/auth/token", headers=world["officer"])
    revoked = client.put(url, json={"answer": None, "seq": 1}, headers=world["officer"])
    assert revoked.status_code == 401
    assert client.put(url, json={"seq": 1}, headers=world["officer"]).status_code == 401
    browser = app.test_client()
    login(browser, "800001")
    token = csrf_token(browser, "/exams")
    assert browser.put(url, json={"answer": None, "seq": 2}).status_code == 400  # no CSRF header
    saved = browser.put(url, json={"answer": None, "seq": 2}, headers={"X-CSRFToken": token})
    assert saved.status_code == 200
    assert "Set-Cookie" not in saved.headers  # the session cookie is not re-signed on every save
    # The cookie's login session is checked by the save itself: once revoked, no more saves.
    db.session.execute(sa.update(LoginSession).values(revoked_at=timeutil.now()))
    db.session.commit()
    assert browser.put(url, json={"answer": None, "seq": 3}, headers={"X-CSRFToken": token}).status_code == 401


def test_an_organiser_reads_the_exams_short_link(client, world):
    body = client.get(f"/api/v1/exams/{world['exam'].id}", headers=world["organiser"]).get_json()
    assert body["link"] == f"http://localhost/k/{world['exam'].link_code}"


def test_the_api_reminds_one_department_and_refuses_one_without_candidates(client, world):
    exam_id = world["exam"].id
    path = f"/api/v1/exams/{exam_id}/remind"
    board = client.get(f"/api/v1/exams/{exam_id}/board", headers=world["organiser"]).get_json()
    assert board["in_progress"] == 0 and board["departments"][0]["in_progress"] == 0
    unknown = client.post(path, json={"department": "市公安局/刑侦大队"}, headers=world["organiser"])
    assert unknown.status_code == 422 and "市公安局/刑侦大队" in unknown.get_json()["error"]["message"]
    one = client.post(path, json={"department": "市公安局/治安大队"}, headers=world["organiser"])
    assert one.get_json() == {"count": 2}
