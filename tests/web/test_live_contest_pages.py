"""Live-contest pages and their JSON: the organiser's form, console and results, the big
screen by token, joining by code, the phones' conditional polls, answers and host steps."""
from __future__ import annotations

import io
import time
from datetime import timedelta

import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook

from quizapp import timeutil
from quizapp.contests.models import LiveAnswer, LiveContest, LiveJoin, LiveParticipant
from quizapp.extensions import db

from ..contest_factories import make_live_contest
from ..exam_factories import make_bank, make_organiser
from ..factories import csrf_token, login, make_officer


def _json_post(client, url, body, page="/"):
    return client.post(url, json=body, headers={"X-CSRFToken": csrf_token(client, page)})


def test_organiser_creates_a_contest_from_the_form_and_hosts_it(app, client):
    bank = make_bank(single=12, multiple=3, judge=3, fill=2)
    make_organiser()
    login(client, "700001")
    form = client.get("/contests/live/new").get_data(as_text=True)
    assert "必答题" in form and "抢答题" in form and "风险题" in form and bank.name in form
    data = {"csrf_token": csrf_token(client, "/contests/live/new"), "title": "党章知识竞赛", "team_scoring": "average"}
    for index, (kind, count, points, seconds, penalty) in enumerate(
            [("required", 5, 10, 20, 0), ("buzz", 3, 20, 15, 10), ("risk", 2, 0, 20, 0)]):
        data.update({f"rounds-{index}-kind": kind, f"rounds-{index}-bank": bank.id, f"rounds-{index}-count": count,
                     f"rounds-{index}-points": points, f"rounds-{index}-seconds": seconds,
                     f"rounds-{index}-penalty": penalty})
    created = client.post("/contests/live/new", data=data)
    contest = db.session.scalar(sa.select(LiveContest))
    assert created.status_code == 302 and created.headers["Location"].endswith(f"/contests/live/{contest.id}")
    assert len(contest.questions) == 10 and all(q.type != "fill" for q in contest.questions)
    console = client.get(f"/contests/live/{contest.id}").get_data(as_text=True)
    assert contest.code in console and "打开大屏幕" in console and "js/live_host.js" in console
    started = _json_post(client, f"/api/v1/live/{contest.id}/actions", {"action": "start"})
    assert started.status_code == 200 and started.get_json()["phase"] == "ready"
    assert [a["label"] for a in started.get_json()["actions"]] == ["出题", "暂停"]
    wrong = _json_post(client, f"/api/v1/live/{contest.id}/actions", {"action": "reveal"})
    assert wrong.status_code == 409 and wrong.get_json()["error"]["code"] == "wrong_phase"


def test_the_form_explains_bad_rounds(app, client):
    make_bank(single=3, multiple=0, judge=0, fill=0)
    make_organiser()
    login(client, "700001")
    page = client.post("/contests/live/new", data={
        "csrf_token": csrf_token(client, "/contests/live/new"), "title": "竞赛", "team_scoring": "sum",
        "rounds-0-kind": "required", "rounds-0-question_ids": "1, 两", "rounds-0-points": 10,
        "rounds-0-seconds": 20}).get_data(as_text=True)
    assert "题目编号只能是数字" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveContest)) == 0


def test_officers_cannot_reach_the_console_and_the_screen_needs_only_its_token(app, client):
    contest, host = make_live_contest()
    make_officer(badge="800001")
    screen = client.get(f"/live/screen/{contest.screen_token}")
    assert screen.status_code == 200 and contest.code in screen.get_data(as_text=True)
    assert 'class="qr-code"' in screen.get_data(as_text=True)
    assert client.get("/live/screen/wrong-token").status_code == 404
    state = client.get(f"/api/v1/live/screen/{contest.screen_token}")
    assert state.get_json()["code"] == contest.code and state.get_json()["joined"] == 0
    login(client, "800001")
    assert client.get(f"/contests/live/{contest.id}").status_code == 403
    assert client.get(f"/api/v1/live/{contest.id}/host").status_code == 403
    assert _json_post(client, f"/api/v1/live/{contest.id}/actions", {"action": "start"}).status_code == 403


def test_joining_by_code_then_polling_with_etags_and_answering(app, client):
    contest, host = make_live_contest(rounds=(("required", 1),))
    officer = make_officer(badge="800001", department="市公安局/刑侦大队")
    login(client, "800001")
    assert client.get(f"/api/v1/live/{contest.id}/state").status_code == 403  # not joined yet
    assert client.get(f"/live/{contest.id}").headers["Location"].endswith("/live/join")
    bad = client.post("/live/join", data={"csrf_token": csrf_token(client, "/live/join"), "code": "000000"})
    assert "没有找到这个竞赛码" in bad.get_data(as_text=True)
    joined = client.get(f"/live/join?code={contest.code}")  # the QR code's link
    assert joined.headers["Location"].endswith(f"/live/{contest.id}")
    participant = db.session.scalar(sa.select(LiveParticipant))
    assert (participant.officer_id, participant.team) == (officer.id, "刑侦大队")
    page = client.get(f"/live/{contest.id}").get_data(as_text=True)  # where the join led
    assert "js/live_phone.js" in page and contest.questions[0].stem not in page
    client.get(f"/live/{contest.id}")  # a reload: a rejoin
    assert [j.rejoin for j in db.session.scalars(sa.select(LiveJoin).order_by(LiveJoin.id))] == [False, True]

    first = client.get(f"/api/v1/live/{contest.id}/state")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.get_json()["phase"] == "lobby" and first.headers["X-Server-Time"]
    again = client.get(f"/api/v1/live/{contest.id}/state", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    host_client = app.test_client()
    login(host_client, "700001")
    for action in ("start", "show", "open"):
        assert _json_post(host_client, f"/api/v1/live/{contest.id}/actions", {"action": action}).status_code == 200
    changed = client.get(f"/api/v1/live/{contest.id}/state", headers={"If-None-Match": etag})
    doc = changed.get_json()
    assert changed.status_code == 200 and doc["phase"] == "open" and doc["question"]["stem"]
    assert "key" not in doc and "deadline_ms" in doc

    early = _json_post(client, f"/api/v1/live/{contest.id}/answers", {"position": 0, "answer": "A"},
                       f"/live/{contest.id}")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_open"  # opens 2 s later
    assert doc["opens_ms"] > int(time.time() * 1000)
    traveller = time_machine.travel(timeutil.now() + timedelta(seconds=2), tick=True)
    traveller.start()
    saved = _json_post(client, f"/api/v1/live/{contest.id}/answers", {"position": 0, "answer": "A"},
                       f"/live/{contest.id}")
    assert saved.status_code == 201 and saved.get_json()["received_at"]
    twice = _json_post(client, f"/api/v1/live/{contest.id}/answers", {"position": 0, "answer": "B"},
                       f"/live/{contest.id}")
    assert twice.status_code == 409 and twice.get_json()["error"]["message"] == "本题已作答，答案不能修改。"
    no_csrf = client.post(f"/api/v1/live/{contest.id}/answers", json={"position": 0, "answer": "A"})
    assert no_csrf.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 1

    for action in ("close", "reveal"):
        stepped = _json_post(host_client, f"/api/v1/live/{contest.id}/actions", {"action": action})
        assert stepped.status_code == 200, stepped.get_json()
    revealed = client.get(f"/api/v1/live/{contest.id}/state").get_json()
    assert revealed["key"] == "A"
    mine = client.get(f"/api/v1/live/{contest.id}/me").get_json()
    assert (mine["correct"], mine["rank"], mine["team"]) == (True, 1, "刑侦大队") and mine["points"] > 5
    traveller.stop()  # (cookies signed in the travelled time would look forged before it)


def test_results_page_and_xlsx_carry_the_summary_sentence(app, client):
    contest, host = make_live_contest(rounds=(("required", 1),))
    login(client, "700001")
    page = client.get(f"/contests/live/{contest.id}/results").get_data(as_text=True)
    assert "本次党章知识竞赛尚无民警参加。" in page and "导出Excel" in page
    download = client.get(f"/contests/live/{contest.id}/results.xlsx")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data)).sheetnames[0] == "概况"
    listing = client.get("/contests/live").get_data(as_text=True)
    assert contest.title in listing and contest.code in listing


def test_officers_home_offers_the_running_contest(app, client):
    contest, host = make_live_contest()
    make_officer(badge="800001")
    login(client, "800001")
    home = client.get("/").get_data(as_text=True)
    assert "现场竞赛" in home and f"/live/join?code={contest.code}" in home
