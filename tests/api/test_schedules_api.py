"""The schedules API: the JSON template the pages no longer show, checked as the form checks it."""
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.schedules.models import Schedule
from tests.exam_factories import make_bank, make_organiser
from tests.factories import api_token, make_officer

TEMPLATE = {"title": "{year}年第{quarter}季度测试", "mode": "full",
            "paper": {"blueprint": [{"bank": "党章题库", "type": "single", "count": 5, "points": 4}]}}


def test_organiser_creates_reads_and_replaces_a_schedule_as_json(client):
    make_bank(single=10)
    make_organiser()
    headers = api_token(client, "700001")
    created = client.post("/api/v1/schedules", json={"name": "季度测试", "template": TEMPLATE}, headers=headers)
    assert created.status_code == 201
    schedule_id = created.get_json()["id"]
    read = client.get(f"/api/v1/schedules/{schedule_id}", headers=headers).get_json()
    assert read["template"] == TEMPLATE and read["rule"] == "1,4,7,10月 第1个周一 09:00，开放7天"
    assert read["problems"] == []
    changed = client.put(f"/api/v1/schedules/{schedule_id}", headers=headers, json={
        "name": "每周测试", "template": TEMPLATE, "month": "*", "day": "*", "day_of_week": "fri"})
    assert changed.status_code == 200 and changed.get_json()["rule"] == "每周五 09:00，开放7天"


def test_a_template_naming_a_missing_bank_is_refused_with_every_problem(client):
    make_bank(single=3)
    make_organiser()
    headers = api_token(client, "700001")
    template = {**TEMPLATE, "paper": {"blueprint": [
        {"bank": "党章题库", "type": "single", "count": 5, "points": 4},
        {"bank": "政治理论", "type": "judge", "count": 5, "points": 4}]}}
    refused = client.post("/api/v1/schedules", json={"name": "季度测试", "template": template}, headers=headers)
    assert refused.status_code == 422
    errors = refused.get_json()["error"]["errors"]
    assert errors == [
        {"field": "paper.blueprint[0].count", "message": "题库“党章题库”只有3道单选题，组卷规则要求5道，请减少题数或补充题目。"},
        {"field": "paper.blueprint[1].bank", "message": "题库“政治理论”不存在。"}]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0


def test_officers_cannot_use_the_schedules_api(client):
    make_officer(badge="P1")
    headers = api_token(client, "P1")
    assert client.get("/api/v1/schedules", headers=headers).status_code == 403
    assert client.get("/api/v1/schedules/1", headers=headers).status_code == 403
