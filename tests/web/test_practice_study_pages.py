"""Phone pages: practice flow with real inputs, study materials, settings and points pages."""
from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.audit.models import AuditEntry
from quizapp.extensions import db
from quizapp.points.models import PointsEntry
from quizapp.practice.models import MockExam
from quizapp.site_settings import get_setting
from quizapp.study.models import StudyMaterial
from tests.factories import csrf_token, login, make_officer
from tests.practice_factories import make_practice_bank, questions_of, right_for, wrong_for


def officer_client(client, badge="360001", role="officer"):
    officer = make_officer(badge=badge, role=role, name="李学习")
    login(client, badge)
    return officer


def test_practice_flow_bank_mode_question_feedback_next(client):
    officer = officer_client(client)
    bank = make_practice_bank()
    qs = questions_of(bank)
    assert "党章练习题库" in client.get("/practice/").get_data(as_text=True)
    page = client.get(f"/practice/banks/{bank.id}").get_data(as_text=True)
    assert "顺序练习" in page and "错题本" in page and "模拟考试" in page and "第二章 党员" in page
    question = client.get(f"/practice/banks/{bank.id}/practise?mode=sequential").get_data(as_text=True)
    assert 'type="radio" name="answer" value="B"' in question and "第 1 / 5 题" in question
    token = csrf_token(client, f"/practice/banks/{bank.id}")
    response = client.post(f"/practice/banks/{bank.id}/practise", data={
        "csrf_token": token, "question_id": qs[0].id, "mode": "sequential", "answer": wrong_for(officer.id, qs[0])})
    assert response.status_code == 302
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "回答错误" in feedback and f"正确答案：</strong><span class=\"key\">{right_for(officer.id, qs[0])}. 选项B" in feedback
    assert "第1题的解析" in feedback and "下一题" in feedback
    assert feedback.count("✔ 正确答案") == 1 and feedback.count("✘ 你的选择") == 1
    # Multiple choice as checkboxes, then the judge question offers 正确 / 错误.
    second = client.get(f"/practice/banks/{bank.id}/practise?mode=sequential").get_data(as_text=True)
    assert 'type="checkbox" name="answer" value="C"' in second
    response = client.post(f"/practice/banks/{bank.id}/practise", data={
        "csrf_token": token, "question_id": qs[1].id, "mode": "sequential", "answer": right_for(officer.id, qs[1])})
    assert "回答正确" in client.get(response.headers["Location"]).get_data(as_text=True)
    judge = client.get(f"/practice/banks/{bank.id}/practise?mode=sequential").get_data(as_text=True)
    assert "正确</label>" in judge and "错误</label>" in judge
    wrong_book = client.get(f"/practice/banks/{bank.id}/practise?mode=wrong").get_data(as_text=True)
    assert qs[0].stem in wrong_book


def test_blank_submissions_are_refused_politely(client):
    officer_client(client)
    bank = make_practice_bank()
    token = csrf_token(client, "/practice/")
    response = client.post(f"/practice/banks/{bank.id}/practise", data={
        "csrf_token": token, "question_id": questions_of(bank)[0].id, "mode": "sequential"})
    assert response.status_code == 200 and "请先作答再提交" in response.get_data(as_text=True)


def test_fill_questions_have_text_inputs_and_favourites_toggle(client):
    officer_client(client)
    bank = make_practice_bank()
    fill = questions_of(bank)[3]
    page = client.get(f"/practice/banks/{bank.id}/practise?mode=sequential&chapter=第二章 党员").get_data(as_text=True)
    assert 'type="text" name="answer"' in page and "第1空" in page
    token = csrf_token(client, "/practice/")
    back = client.post(f"/practice/questions/{fill.id}/favourite",
                       data={"csrf_token": token, "favourite": "1", "next": "https://evil.example/"})
    assert back.headers["Location"].endswith("/practice/")
    assert fill.stem in client.get(f"/practice/banks/{bank.id}/practise?mode=favourites").get_data(as_text=True)


def test_mock_exam_pages_time_and_grade_a_paper(client):
    officer = officer_client(client)
    bank = make_practice_bank(chapters={"总纲": ["single", "judge"]})
    token = csrf_token(client, "/practice/")
    start = client.post(f"/practice/banks/{bank.id}/mock", data={"csrf_token": token, "count": 2, "minutes": 5})
    paper = client.get(start.headers["Location"]).get_data(as_text=True)
    assert "剩余时间" in paper and "data-remaining=" in paper
    assert db.session.scalar(sa.select(MockExam.officer_id)) == officer.id
    answers = {f"q{q.id}": (right_for(officer.id, q) if q.type == "single" else "false") for q in questions_of(bank)}
    result = client.post(start.headers["Location"], data={"csrf_token": token, **answers}, follow_redirects=True)
    text = result.get_data(as_text=True)
    assert "得分 50 / 100" in text and "不合格" in text  # the single is right, the judge wrong


def test_materials_pages_publish_read_and_show_minutes(client):
    make_officer(badge="360002", role="organiser", name="林组织")
    login(client, "360002")
    form = client.get("/study/manage/new").get_data(as_text=True)
    assert "政治学习三十分" in form
    token = csrf_token(client, "/study/manage/new")
    response = client.post("/study/manage/new", data={
        "csrf_token": token, "title": "政治学习三十分：第1期", "series": "政治学习三十分",
        "published_on": "2026-01-05", "body": '<p>学习内容</p><img src="x" onerror="alert(1)">'})
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(StudyMaterial))
    assert "onerror" not in stored.body_html
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    officer_client(client, badge="360003")
    listing = client.get("/study/").get_data(as_text=True)
    assert "未读（1）" in listing and "本季度目标" in listing
    page = client.get(f"/study/materials/{stored.id}").get_data(as_text=True)
    assert "学习内容" in page and "data-heartbeat" in page and f'data-material-id="{stored.id}"' in page
    assert "未读（0）" in client.get("/study/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "学习时长" in home and "今日（分钟）" in home


def test_officers_cannot_publish_materials_or_change_settings(client):
    officer_client(client)
    assert client.get("/study/manage/new").status_code == 403
    assert client.get("/admin/settings/").status_code == 403
    assert client.get("/points/adjust").status_code == 403


def test_admin_changes_settings_audited_all_or_nothing(client):
    officer_client(client, badge="360009", role="admin")
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert "每季度学习目标（分钟）" in page
    token = csrf_token(client, "/admin/settings/")
    values = {key: value for key, value in re.findall(r'name="([a-z_.]+)" value="(\d+)"', page)}
    bad = dict(values, **{"study.quarter_target_minutes": "900", "study.daily_cap_minutes": "0"})
    response = client.post("/admin/settings/", data={"csrf_token": token, **bad})
    assert "未保存任何修改" in response.get_data(as_text=True)
    assert get_setting("study.quarter_target_minutes") == 600
    good = dict(values, **{"study.quarter_target_minutes": "900"})
    client.post("/admin/settings/", data={"csrf_token": token, **good})
    assert get_setting("study.quarter_target_minutes") == 900
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings.change"))
    assert "600 → 900" in entry.summary


def test_points_pages_show_history_leaderboard_and_admin_corrections(client):
    target = make_officer(badge="360010", name="王积分")
    officer_client(client, badge="360011", role="admin")
    token = csrf_token(client, "/points/adjust")
    response = client.post("/points/adjust", data={"csrf_token": token, "badge": "360010", "points": "8",
                                                   "note": "知识竞答获奖"}, follow_redirects=True)
    assert "调整积分+8" in response.get_data(as_text=True)
    refused = client.post("/points/adjust", data={"csrf_token": token, "badge": "360010", "points": "8", "note": ""})
    assert "请填写调整原因" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PointsEntry)) == 1
    board = client.get("/points/leaderboard").get_data(as_text=True)
    assert "王积分" in board and "部门排行" in board
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, target.badge)
    mine = client.get("/points/").get_data(as_text=True)
    assert "知识竞答获奖" in mine and 'data-points-total>8<' in mine
