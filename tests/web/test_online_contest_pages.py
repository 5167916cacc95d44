"""Online-contest pages: the officer's rank and top 20, the organiser's ranking, 获奖名单
and their xlsx, the 竞赛 checkbox on the exam form."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import unquote

import sqlalchemy as sa
from openpyxl import load_workbook

from quizapp import timeutil
from quizapp.exams import definitions
from quizapp.exams.models import Exam
from quizapp.extensions import db

from ..exam_factories import make_bank, make_organiser
from ..factories import csrf_token, login, make_officer
from ..online_contest_factories import ranked_exam, sit


def _contest(count: int = 24):
    bank = make_bank(single=10, judge=10)
    organiser = make_organiser()
    officers = [make_officer(badge=str(820000 + n), name=f"民警{n:02d}",
                             department="市公安局/治安大队" if n % 2 else "市公安局/刑侦大队") for n in range(count)]
    officers[0].name = "=HYPERLINK(\"http://x\")"  # a name a spreadsheet would run as a formula
    db.session.commit()
    exam = ranked_exam(bank, organiser)
    for n, officer in enumerate(officers[:-1]):  # the last one stays away
        sit(officer, exam, right=10 - n // 3, seconds=200 + n)
    return organiser, officers, exam


def test_an_officer_sees_his_rank_and_the_first_20_from_his_exam_list(app, client):
    _organiser, officers, exam = _contest()
    login(client, "820022")
    listing = client.get("/exams").get_data(as_text=True)
    assert "竞赛" in listing and f"/contests/online/{exam.id}" in listing
    page = client.get(f"/contests/online/{exam.id}").get_data(as_text=True)
    assert "我的名次" in page and "第23名" in page and "实时排名" in page
    assert "用时3分42秒" in page and "3分20秒" in page  # his own 222 s, the leader's 200 s
    assert page.count("<tr") == 1 + 21 + 1 + 2  # header, the first 20 and his own row; header and two units
    assert 'class="mine"' in page and "民警22" in page
    assert "民警21" not in page  # 21st place is neither in the top 20 nor his own
    assert "治安大队" in page and "刑侦大队" in page


def test_the_result_page_of_a_ranked_exam_links_to_the_ranking(app, client):
    _organiser, officers, exam = _contest(3)
    login(client, "820001")
    attempt_id = db.session.scalar(sa.text(f"select id from exam_attempts where officer_id = {officers[1].id}"))
    assert f"/contests/online/{exam.id}" in client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)


def test_an_officer_who_has_not_submitted_is_told_so(app, client):
    _organiser, _officers, exam = _contest(4)
    login(client, "820003")
    page = client.get(f"/contests/online/{exam.id}").get_data(as_text=True)
    assert "您还没有交卷" in page


def test_the_organiser_sees_everyone_exports_xlsx_and_the_summary_after_closing(app, client):
    organiser, officers, exam = _contest()
    definitions.close_exam(organiser, exam)
    login(client, "700001")
    detail = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    assert f"/manage/contests/online/{exam.id}" in detail and "获奖名单" in detail
    page = client.get(f"/manage/contests/online/{exam.id}").get_data(as_text=True)
    assert "最终排名" in page and "民警21" in page and "820022" in page
    assert "本次党章知识竞答共有2个单位、23名民警参加" in page
    assert "js/reports.js" in page  # the 复制综述 button's script
    response = client.get(f"/manage/contests/online/{exam.id}/ranking.xlsx")
    assert response.status_code == 200
    assert "党章知识竞答排名.xlsx" in unquote(response.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["汇总", "个人排名", "单位排名"]
    people = list(book["个人排名"].values)
    assert people[0] == ("名次", "警号", "姓名", "单位", "最好成绩", "用时(秒)")
    assert people[1][:3] == (1, "820000", "'=HYPERLINK(\"http://x\")")
    assert len(people) == 24
    units = list(book["单位排名"].values)
    assert [row[1] for row in units[1:]] == ["刑侦大队", "治安大队"]


def test_the_officer_page_sends_the_organiser_to_the_full_ranking(app, client):
    _organiser, _officers, exam = _contest(2)
    login(client, "700001")
    response = client.get(f"/contests/online/{exam.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/manage/contests/online/{exam.id}")


def test_prize_list_by_counts_and_by_shares_with_its_xlsx(app, client):
    organiser, _officers, exam = _contest()
    definitions.close_exam(organiser, exam)
    login(client, "700001")
    page = client.get(f"/manage/contests/online/{exam.id}/prizes").get_data(as_text=True)
    assert "一等奖（1人）" in page and "二等奖（2人）" in page and "三等奖（3人）" in page
    assert "优秀组织奖" in page and "刑侦大队" in page  # 12 of 12 against 11 of 12
    shares = client.get(f"/manage/contests/online/{exam.id}/prizes?basis=shares&first=10&second=20&third=30"
                        "&organisation=2").get_data(as_text=True)
    assert "一等奖（2人）" in shares and "二等奖（5人）" in shares and "三等奖（7人）" in shares
    refused = client.get(f"/manage/contests/online/{exam.id}/prizes?basis=shares&first=60&second=50&third=0"
                         ).get_data(as_text=True)
    assert "合计不超过100%" in refused and 'class="field-error"' in refused
    response = client.get(f"/manage/contests/online/{exam.id}/prizes.xlsx?basis=counts&first=1&second=1&third=1"
                          "&organisation=1")
    assert "获奖名单.xlsx" in unquote(response.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.data))
    prizes = list(book["个人奖项"].values)
    assert [row[0] for row in prizes[1:]] == ["一等奖", "二等奖", "三等奖"]
    assert list(book["优秀组织奖"].values)[1][0] == "刑侦大队"


def _exam_form_post(client, url, bank, start, end, **extra):
    return client.post(url, data={
        "csrf_token": csrf_token(client, url), "title": "业务练兵知识竞答", "mode": "full",
        "opens_at": start, "closes_at": end, "duration_minutes": 20, "total_points": 100, "pass_mark": 60,
        "attempts_allowed": 2, "show_results": "immediately", "start_delay_seconds": 0,
        "blueprint-0-bank": bank.id, "blueprint-0-qtype": "single", "blueprint-0-count": 5, "blueprint-0-points": 2,
        **extra})


def test_the_exam_form_creates_a_ranked_exam_with_the_contest_checkbox_and_its_top_n(app, client):
    bank = make_bank(single=10, judge=10)
    make_organiser()
    login(client, "700001")
    form = client.get("/manage/exams/new").get_data(as_text=True)
    assert 'name="ranked"' in form and "竞赛" in form
    assert re.search(r'<div class="ranked-only" hidden>\s*<label for="team_top_n">单位按前N名平均分排名（可空）', form)
    start = timeutil.to_local(timeutil.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = timeutil.to_local(timeutil.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for wrong, message in (("0", "应在1到1000之间。"), ("1001", "应在1到1000之间。"), ("2.5", "请填写整数。")):
        refused = _exam_form_post(client, "/manage/exams/new", bank, start, end, ranked="y", team_top_n=wrong)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 200
        assert f'<p class="field-error" id="team_top_n-err">{message}</p>' in page, wrong
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 0
    response = _exam_form_post(client, "/manage/exams/new", bank, start, end, ranked="y", team_top_n="3")
    assert response.status_code == 302, response.get_data(as_text=True)
    exam = db.session.scalar(sa.select(Exam).where(Exam.title == "业务练兵知识竞答"))
    assert exam.ranked and exam.attempts_allowed == 2 and exam.team_top_n == 3
    edit = client.get(f"/manage/exams/{exam.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="ranked"', edit)
    assert re.search(r'<div class="ranked-only">\s*<label[^>]*>[^<]*</label>\s*<input[^>]*name="team_top_n"[^>]*value="3"',
                     edit)
    # Editing to 5, then clearing it (every participant counts), through the form.
    assert _exam_form_post(client, f"/manage/exams/{exam.id}/edit", bank, start, end, ranked="y",
                           team_top_n="5").status_code == 302
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).team_top_n == 5
    assert _exam_form_post(client, f"/manage/exams/{exam.id}/edit", bank, start, end, ranked="y",
                           team_top_n="").status_code == 302
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).team_top_n is None


def test_unticking_the_contest_ignores_the_top_n_and_keeps_the_saved_one(app, client):
    bank = make_bank(single=10, judge=10)
    make_organiser()
    login(client, "700001")
    start = timeutil.to_local(timeutil.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = timeutil.to_local(timeutil.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert _exam_form_post(client, "/manage/exams/new", bank, start, end, ranked="y",
                           team_top_n="3").status_code == 302
    exam = db.session.scalar(sa.select(Exam).where(Exam.title == "业务练兵知识竞答"))
    # Not a contest: a value that would be refused is ignored (a page without script sends it).
    response = _exam_form_post(client, f"/manage/exams/{exam.id}/edit", bank, start, end, team_top_n="abc")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    exam = db.session.get(Exam, exam.id)
    assert exam.ranked is False and exam.team_top_n == 3
    edit = client.get(f"/manage/exams/{exam.id}/edit").get_data(as_text=True)
    assert '<div class="ranked-only" hidden>' in edit  # shown again with its 3 once 竞赛 is ticked
    assert _exam_form_post(client, f"/manage/exams/{exam.id}/edit", bank, start, end, ranked="y",
                           team_top_n="3").status_code == 302


def test_an_officer_is_told_when_the_ranking_is_not_shown(app, client):
    bank = make_bank(single=10, judge=10)
    organiser = make_organiser()
    officer = make_officer(badge="820001", department="市公安局/治安大队")
    exam = ranked_exam(bank, organiser, show_results="never", departments=("市公安局/治安大队",))
    sit(officer, exam, right=5, seconds=100)
    login(client, "820001")
    page = client.get(f"/contests/online/{exam.id}").get_data(as_text=True)
    assert "本次竞赛不公布成绩和排名" in page and "我的名次" not in page
    assert client.get("/contests/online/99999").status_code == 404


def test_ranking_pages_refresh_themselves_while_open_and_stop_once_final(app, client):
    organiser, _officers, exam = _contest(4)
    for badge, page_url in (("820001", f"/contests/online/{exam.id}"), ("700001", f"/manage/contests/online/{exam.id}")):
        client = app.test_client()
        login(client, badge)
        page = client.get(page_url).get_data(as_text=True)
        assert "实时排名，每30秒更新" in page and f'data-live-url="{page_url}?part=live"' in page
        assert "js/ranking_live.js" in page
        part = client.get(f"{page_url}?part=live")
        text = part.get_data(as_text=True)
        assert part.status_code == 200 and text.lstrip().startswith('<div id="ranking-live"') and "<html" not in text
        assert "民警01" in text and "实时排名，每30秒更新" in text
        unchanged = client.get(f"{page_url}?part=live", headers={"If-None-Match": part.headers["ETag"]})
        assert unchanged.status_code == 304
    sit(_officers[3], exam, right=10, seconds=100)  # a new leader changes the ranking: a new part
    client = app.test_client()
    login(client, "700001")
    changed = client.get(f"/manage/contests/online/{exam.id}?part=live", headers={"If-None-Match": part.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_data(as_text=True).index("民警03") < \
        changed.get_data(as_text=True).index("民警01")
    definitions.close_exam(organiser, exam)
    for badge, page_url in (("820001", f"/contests/online/{exam.id}"), ("700001", f"/manage/contests/online/{exam.id}")):
        client = app.test_client()
        login(client, badge)
        page = client.get(page_url).get_data(as_text=True)
        assert "最终排名" in page and "实时排名" not in page
        assert "data-live-url" not in page and "js/ranking_live.js" not in page
        # A page opened before the close gets a final part, without the URL to ask again.
        final = client.get(f"{page_url}?part=live").get_data(as_text=True)
        assert "最终排名" in final and "data-live-url" not in final
