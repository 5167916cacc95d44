"""An officer's pages on a phone: the tab bar and 我的, the exam's focused mode, the result summary,
dates kept whole, the favicon, and a first page without a warning."""
from __future__ import annotations

import re
from datetime import timedelta


from quizapp.exams import attempts, definitions, saving
from quizapp.exams.models import Attempt
from quizapp.exams.spec import RuleSpec
from quizapp.extensions import db
from quizapp.notifications.services import notify

from ..exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer
from ..factories import DEFAULT_PASSWORD, csrf_token, login, make_officer


def _exam():
    bank = make_bank(single=6, judge=4)
    organiser = make_organiser()
    officer = make_officer(badge="810001", department="市公安局/治安大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), blueprint=(
        RuleSpec(bank.id, "single", 3, 10), RuleSpec(bank.id, "judge", 2, 10))))
    return officer, exam


def _tabs(html: str) -> list[tuple[str, bool]]:
    """The bottom bar's tabs as (label, is current)."""
    bar = re.search(r'<nav class="tabbar".*?</nav>', html, re.S)
    assert bar, "no tab bar"
    return [(label, "current" in attrs) for attrs, label in
            re.findall(r'<a href="[^"]*"([^>]*)>.*?<span class="tab-label">(.*?)</span>', bar.group(0), re.S)]


def test_opening_the_site_shows_the_login_form_without_a_warning(app, client):
    make_officer(badge="810009")
    first = client.get("/")
    assert first.status_code == 302 and first.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "请先登录" not in page and 'name="badge"' in page
    # a deep link still says why and comes back after the login
    deep = client.get("/practice/")
    assert "next=" in deep.headers["Location"]
    assert "请先登录" in client.get(deep.headers["Location"]).get_data(as_text=True)
    token = csrf_token(client, deep.headers["Location"])
    done = client.post(deep.headers["Location"], data={"badge": "810009", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert done.headers["Location"].endswith("/practice/")


def test_the_favicon_is_served_and_linked_from_every_page(app, client):
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get("/static/favicon.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"
    login_page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg[^"]*" type="image/svg\+xml">', login_page)
    assert re.search(r'<link rel="icon" href="/static/favicon\.png[^"]*" type="image/png"', login_page)


def test_officer_pages_have_the_tab_bar_with_the_current_tab_and_the_unread_badge(app, client):
    officer = make_officer(badge="810002")
    login(client, "810002")
    home = client.get("/").get_data(as_text=True)
    assert _tabs(home) == [("首页", True), ("学习", False), ("练习", False), ("考试", False), ("我的", False)]
    assert "tab-badge" not in home
    assert [t for t, current in _tabs(client.get("/practice/").get_data(as_text=True)) if current] == ["练习"]
    assert [t for t, current in _tabs(client.get("/exams").get_data(as_text=True)) if current] == ["考试"]
    notify([officer.id], "exam", "新考试", "请参加")
    notify([officer.id], "exam", "又一场考试", "请参加")
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<span class="tab-label">我的</span><span class="badge-count tab-badge" aria-label="2条未读消息">2</span>', home)
    # the inbox belongs to 我的
    assert [t for t, current in _tabs(client.get("/inbox/").get_data(as_text=True)) if current] == ["我的"]


def test_me_gathers_messages_points_password_and_logout_and_management_for_organisers(app, client):
    make_officer(badge="810003")
    login(client, "810003")
    me = client.get("/me").get_data(as_text=True)
    for text in ("消息", "积分", "修改密码", "退出登录", "/inbox/", "/points/", "/password"):
        assert text in me, text
    assert "管理" not in me and "考试管理" not in me
    client.post("/logout", data={"csrf_token": csrf_token(client, "/me")})
    make_organiser()
    login(client, "700001")
    me = client.get("/me").get_data(as_text=True)
    for text in ("<h2>管理</h2>", "考试管理", "题库管理", "统计报表", "定时计划"):
        assert text in me, text


def test_exam_page_is_a_focused_mode_without_site_navigation_or_logout(app, client):
    officer, exam = _exam()
    login(client, "810001")
    attempt = attempts.start_attempt(officer, exam)
    db.session.commit()
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert 'class="tabbar"' not in page and 'class="top-menu"' not in page
    assert "/logout" not in page and "退出" not in page
    assert re.search(r'<a class="leave" href="/exams" data-leave>离开</a>', page)
    assert "离开考试页面？" in page
    # 交卷 sits in the sticky bar with the countdown, submitting the paper form
    bar = re.search(r'<div class="exam-bar".*?</div>', page, re.S).group(0)
    assert 'id="countdown"' in bar and re.search(r'<button type="submit" form="paper" id="submit"[^>]*>交卷</button>', bar)


def test_result_page_starts_with_the_summary_and_collapses_the_review(app, client):
    officer, exam = _exam()
    login(client, "810001")
    attempt = attempts.start_attempt(officer, exam)
    db.session.commit()
    items = items_of(attempt.id)
    for item in items[:3]:  # three right, one wrong, one left empty
        saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    wrong = items[3]
    saving.save_answer(officer.id, attempt.id, wrong.question_id,
                       (not wrong.key) if wrong.type == "judge" else ("B" if wrong.key != "B" else "A"), 1)
    stored = db.session.get(Attempt, attempt.id)
    stored.started_at = stored.started_at - timedelta(minutes=12, seconds=5)
    db.session.commit()
    client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": csrf_token(client, f"/attempts/{attempt.id}")})
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    # 5 questions at 20 points each (the spec scales to 100); the pass mark is 60
    assert '<strong id="score">60</strong>' in page and '<p id="verdict"><span class="tag ok big">合格</span></p>' in page
    assert "答对 3 / 共 5 题" in page
    assert re.search(r'<dd id="time-taken">12分0[5-9]秒</dd>', page)
    # the summary comes before the review, which is one <details> per question, closed
    assert page.index("答对 3 / 共 5 题") < page.index("答题回顾")
    assert len(re.findall(r'<details class="card review (ok|bad)"', page)) == 5
    assert "<details open" not in page
    assert page.count('data-correct="true"') == 3 and page.count('data-correct="false"') == 2
    # 只看错题 appears only with JavaScript (hidden in the markup), so without it all questions show
    assert re.search(r'<label class="only-wrong" hidden><input type="checkbox" id="only-wrong"> 只看错题（2）</label>', page)
    assert "js/result.js" in page


def test_dates_are_one_unbreakable_value(app, client):
    officer, exam = _exam()
    login(client, "810001")
    page = client.get("/exams").get_data(as_text=True)
    assert re.search(r'<time class="dt" datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d</time> 至 '
                     r'<time class="dt"', page)
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert re.search(r"time\.dt[^{]*\{ white-space: nowrap; \}", css)
