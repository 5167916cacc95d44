"""Organiser pages for schedules."""
import json

import sqlalchemy as sa

from quizapp.audit.models import AuditEntry
from quizapp.extensions import db
from quizapp.schedules.models import Schedule
from tests.factories import csrf_token, login, make_officer


def _form(client, **overrides):
    data = {"csrf_token": csrf_token(client, "/schedules/new"), "name": "季度测试",
            "template": json.dumps({"title": "{year}年第{quarter}季度测试", "mode": "full",
                                    "paper": {"blueprint": [{"bank": "政治理论", "type": "single", "count": 5,
                                                             "points": 20}]}}),
            "month": "1,4,7,10", "day": "1st mon", "day_of_week": "*", "hour": "9", "minute": "0", "open_days": "7"}
    data.update(overrides)
    return data


def test_organiser_previews_creates_and_pauses_a_schedule(client):
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.get("/schedules/new").get_data(as_text=True)
    assert "1st mon" in page and "{year}年第{quarter}季度政治理论知识测试" in page

    preview = client.post("/schedules/new", data=_form(client, preview="1")).get_data(as_text=True)
    assert "接下来的触发时间" in preview
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0

    response = client.post("/schedules/new", data=_form(client, save="1"))
    assert response.status_code == 302
    schedule = db.session.scalars(sa.select(Schedule)).one()
    detail = client.get(f"/schedules/{schedule.id}").get_data(as_text=True)
    assert "1,4,7,10月 第1个周一 09:00，开放7天" in detail

    client.post(f"/schedules/{schedule.id}/pause", data={"csrf_token": csrf_token(client, f"/schedules/{schedule.id}")})
    db.session.expire_all()
    assert db.session.get(Schedule, schedule.id).paused
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["schedule.create", "schedule.pause"]


def test_invalid_rule_and_template_are_explained_and_nothing_is_saved(client):
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.post("/schedules/new", data=_form(client, month="13", save="1")).get_data(as_text=True)
    assert "日历规则无效" in page
    page = client.post("/schedules/new", data=_form(client, template="{not json", save="1")).get_data(as_text=True)
    assert "不是有效的 JSON" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0


def test_officers_cannot_reach_schedules(client):
    make_officer(badge="P1")
    login(client, "P1")
    assert client.get("/schedules/").status_code == 403
