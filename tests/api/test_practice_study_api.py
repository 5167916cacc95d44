"""Practice and study over the API: next question, answers with feedback, heartbeats, errors."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from quizapp.extensions import db
from tests.factories import api_token, csrf_token, get_officer, login, make_officer
from tests.practice_factories import WRONG, make_practice_bank, questions_of, right_for


def setup(client, badge="350001"):
    make_officer(badge=badge)
    bank = make_practice_bank()
    return bank, questions_of(bank), api_token(client, badge)


def test_next_question_never_contains_the_answer_and_sequential_resumes(client):
    bank, qs, headers = setup(client)
    body = client.get(f"/api/v1/banks/{bank.id}/next?mode=sequential", headers=headers).get_json()
    assert body["question"]["id"] == qs[0].id and body["position"] == 1 and body["total"] == 5
    assert "answer" not in body["question"] and "explanation" not in body["question"]
    # Options come in this officer's own order, relabelled; he answers in those letters.
    served = {o["key"]: o["text"] for o in body["question"]["options"]}
    assert sorted(served.values()) == ["选项A", "选项B", "选项C", "选项D"]
    key = next(letter for letter, text in served.items() if text == "选项B")
    assert key == right_for(get_officer("350001").id, qs[0])
    response = client.post("/api/v1/practice/answers", headers=headers, json={"question_id": qs[0].id, "answer": key})
    assert response.status_code == 200
    assert response.get_json() == {"correct": True, "answer": key, "answer_text": f"{key}. 选项B",
                                   "explanation": "第1题的解析", "in_wrong_book": False}
    body = client.get(f"/api/v1/banks/{bank.id}/next", headers=headers).get_json()
    assert body["question"]["id"] == qs[1].id and body["question"]["type"] == "multiple"
    fill = client.get(f"/api/v1/banks/{bank.id}/next?mode=sequential&chapter=第二章 党员", headers=headers)
    assert fill.get_json()["question"]["blanks"] == 1


def test_wrong_answers_feed_the_wrong_mode(client):
    bank, qs, headers = setup(client)
    assert client.get(f"/api/v1/banks/{bank.id}/next?mode=wrong", headers=headers).get_json()["question"] is None
    feedback = client.post("/api/v1/practice/answers", headers=headers,
                           json={"question_id": qs[2].id, "answer": WRONG["judge"], "mode": "random"}).get_json()
    assert feedback == {"correct": False, "answer": True, "answer_text": "正确", "explanation": "第3题的解析",
                        "in_wrong_book": True}
    body = client.get(f"/api/v1/banks/{bank.id}/next?mode=wrong", headers=headers).get_json()
    assert body["question"]["id"] == qs[2].id


def test_favourites_over_the_api(client):
    bank, qs, headers = setup(client)
    response = client.put(f"/api/v1/practice/questions/{qs[4].id}/favourite", headers=headers,
                          json={"favourite": True})
    assert response.get_json() == {"favourite": True}
    body = client.get(f"/api/v1/banks/{bank.id}/next?mode=favourites", headers=headers).get_json()
    assert body["question"]["id"] == qs[4].id and body["question"]["favourite"] is True


def test_errors_are_json_with_fitting_statuses(client):
    bank, qs, headers = setup(client)
    bad_shape = client.post("/api/v1/practice/answers", headers=headers,
                            json={"question_id": qs[1].id, "answer": {"A": True}})
    assert bad_shape.status_code == 422 and bad_shape.get_json()["error"]["code"] == "invalid_answer"
    missing = client.post("/api/v1/practice/answers", headers=headers, json={"question_id": qs[1].id})
    assert missing.status_code == 422
    unknown = client.post("/api/v1/practice/answers", headers=headers, json={"question_id": 99999, "answer": "A"})
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    qs[0].retired = True
    db.session.commit()
    retired = client.post("/api/v1/practice/answers", headers=headers, json={"question_id": qs[0].id, "answer": "B"})
    assert retired.status_code == 404
    assert client.get("/api/v1/banks/99999/next", headers=headers).status_code == 404
    assert client.get(f"/api/v1/banks/{bank.id}/next?mode=exam", headers=headers).status_code == 422
    assert client.get(f"/api/v1/banks/{bank.id}/next").status_code == 401


def test_heartbeats_over_the_api_credit_time(client):
    make_officer(badge="350002")
    headers = api_token(client, "350002")
    with time_machine.travel(datetime(2026, 5, 13, 2, 0, tzinfo=UTC), tick=False) as clock:
        first = client.post("/api/v1/study/heartbeat", headers=headers, json={"material_id": 1, "visible": True})
        assert first.get_json() == {"credited_seconds": 0, "today_minutes": 0}
        for _ in range(4):
            clock.shift(timedelta(seconds=30))
            body = client.post("/api/v1/study/heartbeat", headers=headers,
                               json={"bank_id": 1, "visible": True}).get_json()
        assert body == {"credited_seconds": 30, "today_minutes": 2}
        clock.shift(timedelta(seconds=30))
        hidden = client.post("/api/v1/study/heartbeat", headers=headers, json={"bank_id": 1, "visible": False})
        assert hidden.get_json()["credited_seconds"] == 0
        minutes = client.get("/api/v1/study/minutes", headers=headers).get_json()
    assert minutes["today"] == 2 and minutes["quarter_target"] == 600
    neither = client.post("/api/v1/study/heartbeat", headers=headers, json={"visible": True})
    assert neither.status_code == 422


def test_cookie_clients_need_the_csrf_header_for_heartbeats(client):
    make_officer(badge="350003")
    login(client, "350003")
    refused = client.post("/api/v1/study/heartbeat", json={"material_id": 1, "visible": True})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/study/")
    accepted = client.post("/api/v1/study/heartbeat", json={"material_id": 1, "visible": True},
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def test_the_practice_and_study_api_is_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/banks/{bank_id}/next", "/api/v1/practice/answers", "/api/v1/study/heartbeat"):
        assert path in paths
    assert "422" in paths["/api/v1/practice/answers"]["post"]["responses"]
