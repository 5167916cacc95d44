"""Organiser pages for schedules: a form with the exam form's controls, validated as creating the
exam would be, a preview in Chinese, and a warning when a saved template stops working."""
import re

import sqlalchemy as sa
import time_machine

from quizapp.audit.models import AuditEntry
from quizapp.banks.models import QuestionBank
from quizapp.extensions import db
from quizapp.schedules.models import Schedule
from tests.exam_factories import make_bank
from tests.factories import csrf_token, login, make_officer
from tests.unit.schedules.test_schedule_firing import local

ENGLISH_MESSAGE = re.compile(r"Not a valid|This field|is required|Invalid|must be")



def _text(page: str) -> str:
    """The page as a person reads it (dates are <time> elements inside spans)."""
    return re.sub(r"<[^>]+>", "", page)

def _form(client, bank, **overrides):
    data = {"csrf_token": csrf_token(client, "/schedules/new"), "name": "季度测试",
            "title": "{year}年第{quarter}季度测试", "mode": "full", "duration_minutes": "30", "total_points": "100",
            "pass_mark": "60", "attempts_allowed": "1", "show_results": "immediately", "start_delay_seconds": "0",
            "blueprint-0-bank": str(bank.id), "blueprint-0-qtype": "single", "blueprint-0-count": "5",
            "blueprint-0-points": "4", "blueprint-2-bank": str(bank.id), "blueprint-2-qtype": "judge",
            "blueprint-2-count": "5", "blueprint-2-points": "4",
            "rule_kind": "quarterly", "nth": "1st", "weekday": "mon", "day_of_month": "1", "at": "09:00",
            "open_days": "7"}
    data.update(overrides)
    return data


def _errors(page: str) -> list[str]:
    return re.findall(r'class="field-error"[^>]*>([^<]*)<', page)


@time_machine.travel(local(2026, 12, 1, 10), tick=False)
def test_organiser_previews_creates_and_pauses_a_schedule_through_the_form(client):
    bank = make_bank("政治理论题库")
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.get("/schedules/new").get_data(as_text=True)
    # A form, not JSON: no template textarea, no bank named after a category.
    assert 'name="template"' not in page and "政治理论\"" not in page and "1st mon" not in page
    assert "每季度第一个周一" in page and 'data-insert="{quarter}"' in page and "{year}年第{quarter}季度" in page

    preview = client.post("/schedules/new", data=_form(client, bank, preview="1")).get_data(as_text=True)
    shown = _text(preview)
    assert "2027-01-04 09:00 周一" in shown and "2027-04-05 09:00 周一" in shown
    assert "2027年第1季度测试" in preview and "共10题，合计40分，按总分100分折算" in preview
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0

    response = client.post("/schedules/new", data=_form(client, bank, save="1"))
    assert response.status_code == 302
    schedule = db.session.scalars(sa.select(Schedule)).one()
    assert schedule.template["paper"]["blueprint"] == [
        {"bank": bank.id, "type": "single", "count": 5, "points": 4.0, "chapter": None},
        {"bank": bank.id, "type": "judge", "count": 5, "points": 4.0, "chapter": None}]
    detail = client.get(f"/schedules/{schedule.id}").get_data(as_text=True)
    assert "1,4,7,10月 第1个周一 09:00，开放7天" in detail and '"paper"' not in detail
    assert "政治理论题库 全部章节 单选5题，每题4分" in detail and "<dd>全局</dd>" in detail

    edit = client.get(f"/schedules/{schedule.id}/edit").get_data(as_text=True)
    assert '<option selected value="quarterly">' in edit and 'value="季度测试"' in edit

    client.post(f"/schedules/{schedule.id}/pause", data={"csrf_token": csrf_token(client, f"/schedules/{schedule.id}")})
    db.session.expire_all()
    assert db.session.get(Schedule, schedule.id).paused
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["schedule.create", "schedule.pause"]


@time_machine.travel(local(2026, 12, 1, 10), tick=False)
def test_calendar_choices_become_rules_and_weekends_are_flagged(client):
    bank = make_bank()
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.post("/schedules/new", data=_form(client, bank, rule_kind="weekly", weekday="sat", at="08:30",
                                                     preview="1")).get_data(as_text=True)
    assert "2026-12-05 08:30 周六 周末" in _text(page)
    assert "有触发时间落在周末" in page
    client.post("/schedules/new", data=_form(client, bank, rule_kind="monthly", nth="last", weekday="fri", save="1"))
    client.post("/schedules/new", data=_form(client, bank, name="年中", rule_kind="date", months=["6", "12"],
                                              day_of_month="15", save="1"))
    rules = db.session.execute(sa.select(Schedule.month, Schedule.day, Schedule.day_of_week).order_by(Schedule.id)).all()
    assert rules == [("*", "last fri", "*"), ("6,12", "15", "*")]


def test_every_problem_is_refused_at_once_beside_its_field_and_nothing_is_saved(client):
    bank = make_bank(single=3)
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.post("/schedules/new", data=_form(
        client, bank, name="", mode="sample", title="{season}测试", **{"blueprint-2-count": "abc"},
        open_days="x", at="25:00", save="1")).get_data(as_text=True)
    errors = _errors(page)
    assert "请填写计划名称。" in errors
    assert "题库“党章题库”只有3道单选题，组卷规则要求5道，请减少题数或补充题目。" in errors
    assert errors.count("请填写整数。") == 2 and "应在1到90之间。" not in errors  # the second row's count, the days open
    assert "请填写有效的时间。" in errors
    assert "随机抽测需要填写抽取人数（正整数）。" in errors
    assert "标题中只能使用 {year}、{quarter}、{month}、{date} 占位符。" in errors
    assert not [e for e in errors if ENGLISH_MESSAGE.search(e)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0


def test_a_department_the_organiser_cannot_see_is_refused_and_nothing_is_saved(client):
    bank = make_bank()
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.post("/schedules/new", data=_form(client, bank, departments=["999999"], save="1"))
    assert page.status_code == 200
    assert "所选部门不存在或不在您的管理范围内，请刷新页面后重新选择。" in _errors(page.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0


def test_a_template_broken_after_saving_is_shown_on_its_page_and_the_home_page(client):
    bank = make_bank("法规题库")
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    client.post("/schedules/new", data=_form(client, bank, save="1"))
    schedule = db.session.scalars(sa.select(Schedule)).one()
    assert "无法创建考试" not in client.get("/").get_data(as_text=True)
    # The template names the bank by id; deleting it (or emptying it) breaks the next firing.
    schedule.template = {**schedule.template, "paper": {"blueprint": [
        {"bank": "法规题库", "type": "single", "count": 5, "points": 4}]}}
    db.session.get(QuestionBank, bank.id).name = "法规题库（旧）"
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "以下定时计划下次触发时将无法创建考试" in home and "题库“法规题库”不存在。" in home
    detail = client.get(f"/schedules/{schedule.id}").get_data(as_text=True)
    assert "下次触发时将无法创建考试" in detail and "题库“法规题库”不存在。" in detail
    assert "下次无法创建考试" in client.get("/schedules/").get_data(as_text=True)
    # The edit page says it beside the row whose bank has gone, naming the bank, not in a list on top.
    edit = client.get(f"/schedules/{schedule.id}/edit").get_data(as_text=True)
    beside = '<p class="field-error" id="blueprint-0-bank-err">题库“法规题库”不存在。请重新选择题库。</p>'
    assert beside in edit and edit.count("题库“法规题库”不存在") == 1
    assert edit.index("按现在的题库，这个计划下次触发时无法创建考试") < edit.index('id="blueprint-0-bank"') < edit.index(beside)
    assert 'id="blueprint-0-bank" name="blueprint-0-bank" aria-invalid="true"' in edit


def test_officers_cannot_reach_schedules(client):
    make_officer(badge="P1")
    login(client, "P1")
    assert client.get("/schedules/").status_code == 403


def test_a_rule_set_through_the_api_is_kept_when_the_form_saves(client):
    from quizapp.schedules import services

    bank = make_bank()
    organiser = make_officer(badge="O1", role="organiser")
    schedule = services.create_schedule(services.ScheduleInput(
        name="半年测试", template={"title": "{year}年半年测试", "paper": {"blueprint": [
            {"bank": bank.name, "type": "single", "count": 2, "points": 5}]}},
        month="1,7", day="last sun", hour=8), organiser)
    login(client, "O1")
    page = client.get(f"/schedules/{schedule.id}/edit").get_data(as_text=True)
    assert '<option selected value="custom">保持原有规则</option>' in page and "原有规则：1,7月 最后一个周日 08:00" in page
    response = client.post(f"/schedules/{schedule.id}/edit", data=_form(
        client, bank, name="半年测试（改）", rule_kind="custom", at="08:00", save="1"))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Schedule, schedule.id)
    assert (saved.name, saved.month, saved.day, saved.hour) == ("半年测试（改）", "1,7", "last sun", 8)


def test_the_live_count_is_of_active_officers_in_the_chosen_subtrees_and_groups(client):
    make_officer(badge="O1", role="organiser", department="市公安局/政治处")
    make_officer(department="市公安局/城南派出所/社区一组", political_status="中共党员")
    make_officer(department="市公安局/城南派出所")
    make_officer(department="市公安局/城南派出所", active=False)
    login(client, "O1")
    from quizapp.roster.models import Department

    south = db.session.scalar(sa.select(Department.id).where(Department.name == "城南派出所"))
    assert client.get("/manage/exams/scope-count").get_json() == {"count": 3}
    assert client.get(f"/manage/exams/scope-count?departments={south}").get_json() == {"count": 2}
    assert client.get(f"/manage/exams/scope-count?departments={south}&groups=中共党员").get_json() == {"count": 1}


def test_a_contest_schedule_keeps_竞赛_and_its_top_n_through_the_form(client):
    # The same 竞赛 controls as the exam form: a quarterly 党章知识竞答 saved, then edited, stays ranked.
    bank = make_bank()
    make_officer(badge="O1", role="organiser")
    login(client, "O1")
    page = client.get("/schedules/new").get_data(as_text=True)
    assert 'name="ranked"' in page and 'name="team_top_n"' in page
    client.post("/schedules/new", data=_form(client, bank, ranked="y", team_top_n="3", save="1"))
    schedule = db.session.scalar(sa.select(Schedule))
    assert (schedule.template["ranked"], schedule.template["team_top_n"]) == (True, 3)
    edit = client.get(f"/schedules/{schedule.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*\bchecked\b[^>]*name="ranked"|name="ranked"[^>]*\bchecked\b', edit) and 'name="team_top_n"' in edit and 'value="3"' in edit
