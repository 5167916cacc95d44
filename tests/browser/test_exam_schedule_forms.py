"""An organiser creates an exam and a schedule through their forms on a phone (no API):
a department subtree, blueprint rows added and removed, a chapter from the bank, field errors."""
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.exams.models import Exam
from quizapp.extensions import db
from quizapp.schedules.models import Schedule
from tests.browser.conftest import PHONE, _page, browser_login
from tests.exam_factories import make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = pytest.mark.browser
# Set SHOTS_DIR to keep screenshots of the forms (never in the repository).
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


def shoot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def form_page(request, browser):
    """The forms are used on a 390 px phone and a 1280 px desktop."""
    options = PHONE if request.param == 390 else {**PHONE, "viewport": {"width": 1280, "height": 900},
                                                   "is_mobile": False, "has_touch": False, "device_scale_factor": 1}
    context, page = _page(browser, options)
    yield page
    context.close()


def _world():
    make_organiser()
    make_bank(name="党章题库", chapter="第二章 党员", single=4, judge=2)
    second = make_bank(name="法规题库", chapter="第十章 附则", single=3)
    make_bank(name="法规题库补充", chapter="第一章 总则", single=2)
    for n, department in enumerate(["市公安局/城南派出所", "市公安局/城南派出所/社区一组",
                                    "市公安局/城南派出所/社区二组", "市公安局/治安大队"]):
        make_officer(badge=f"51000{n}", department=department)
    db.session.remove()
    return second


def test_organiser_creates_an_exam_through_the_form(live_app, live_server, form_page):
    with live_app.app_context():
        _world()
    page = form_page
    browser_login(page, live_server, "700001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/manage/exams/new")
    expect(page.locator(".scope-count")).to_contain_text("全局（未选部门）")
    expect(page.locator(".scope-number")).to_have_text("5")  # four officers and the organiser
    shoot(page, "exam-empty")

    page.get_by_label("考试名称").fill("")
    page.get_by_label("题库").select_option(label="党章题库")
    page.get_by_label("题数").fill("9")
    page.get_by_role("button", name="保存").click()
    # Every problem at once, beside its field.
    expect(page.locator("#title-err")).to_have_text("请填写考试名称。")
    expect(page.locator(".bp-row").first).to_contain_text("只有4道单选题")
    shoot(page, "exam-errors")

    page.get_by_label("考试名称").fill("城南所季度测试")
    page.get_by_label("按名称查找部门").fill("城南")
    expect(page.get_by_label("治安大队")).to_be_hidden()
    page.get_by_label("城南派出所").check()
    expect(page.get_by_label("社区一组")).to_be_checked()
    expect(page.get_by_label("社区二组")).to_be_checked()
    expect(page.locator(".scope-number")).to_have_text("3")
    page.get_by_label("社区二组").uncheck()
    expect(page.get_by_label("城南派出所")).not_to_be_checked()
    expect(page.locator(".scope-number")).to_have_text("1")
    page.get_by_label("社区二组").check()
    page.get_by_label("城南派出所").check()

    rows = page.locator(".bp-row")
    rows.nth(0).get_by_label("题数").fill("2")
    rows.nth(0).get_by_label("每题分值").fill("5")
    page.get_by_role("button", name="＋ 添加一行").click()
    page.get_by_role("button", name="＋ 添加一行").click()
    expect(rows).to_have_count(3)
    rows.nth(1).get_by_label("题库").select_option(label="法规题库")
    # The bank's chapters with the number of questions of the row's type.
    expect(rows.nth(1).get_by_label("章节").locator("option")).to_have_text(["全部章节（3题）", "第十章 附则（3题）"])
    rows.nth(1).get_by_label("章节").select_option(label="第十章 附则（3题）")
    rows.nth(1).get_by_label("题数").fill("3")
    rows.nth(1).get_by_label("每题分值").fill("2")
    rows.nth(2).get_by_role("button", name="删除此行").click()
    expect(rows).to_have_count(2)
    expect(page.locator(".paper-total")).to_contain_text("合计 5 题，16 分")
    # A contest's N shows only with 竞赛 ticked.
    top_n = page.get_by_label("单位按前N名平均分排名（可空）")
    expect(top_n).to_be_hidden()
    page.get_by_label("竞赛（线上竞答").check()
    top_n.fill("3")
    shoot(page, "exam-filled")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("城南所季度测试")

    with live_app.app_context():
        exam = db.session.scalars(sa.select(Exam)).one()
        assert [d.path for d in exam.departments] == ["市公安局/城南派出所"]
        assert [(r.count, r.points, r.chapter) for r in exam.rules_rows] == [(2, 5.0, None), (3, 2.0, "第十章 附则")]
        assert exam.ranked and exam.team_top_n == 3
        db.session.remove()


def test_organiser_creates_a_schedule_through_the_form(live_app, live_server, form_page):
    with live_app.app_context():
        _world()
    page = form_page
    browser_login(page, live_server, "700001", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/schedules/new")
    assert page.locator("textarea[name='template']").count() == 0
    expect(page.locator(".title-example")).to_contain_text("例如：20")
    shoot(page, "schedule-empty")

    title = page.get_by_label("考试名称", exact=True)
    title.fill("第季度测试")
    title.evaluate("node => node.setSelectionRange(1, 1)")
    page.get_by_role("button", name="季度", exact=True).click()
    expect(title).to_have_value("第{quarter}季度测试")
    page.get_by_label("重复方式").select_option(label="每周X")
    expect(page.get_by_label("第几个")).to_be_hidden()
    page.get_by_label("星期").select_option(label="周六")
    page.get_by_label("城南派出所").check()
    expect(page.get_by_label("社区二组")).to_be_checked()
    rows = page.locator(".bp-row")
    rows.nth(0).get_by_label("题库").select_option(label="党章题库")
    rows.nth(0).get_by_label("章节").select_option(label="第二章 党员（4题）")
    rows.nth(0).get_by_label("题数").fill("5")
    page.get_by_role("button", name="＋ 添加一行").click()
    rows.nth(1).get_by_label("题库").select_option(label="法规题库")
    rows.nth(1).get_by_label("题数").fill("2")
    page.get_by_role("button", name="＋ 添加一行").click()
    rows.nth(2).get_by_role("button", name="删除此行").click()
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="保存").click()
    # Refused as creating the exam would be, beside the field; nothing saved.
    expect(page.locator(".bp-row").first.locator(".field-error")).to_contain_text("只有4道单选题")
    shoot(page, "schedule-errors")
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Schedule)) == 0
        db.session.remove()

    page.locator(".bp-row").first.get_by_label("题数").fill("4")
    page.get_by_role("button", name="预览").click()
    preview = page.get_by_role("region", name="预览")
    expect(preview).to_contain_text("周六")
    expect(preview).to_contain_text("周末")
    expect(preview).to_contain_text("共6题，合计6分，按总分100分折算")
    shoot(page, "schedule-preview")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("季度理论知识测试")
    expect(page.locator("body")).to_contain_text("每周六 09:00，开放7天")
    with live_app.app_context():
        schedule = db.session.scalars(sa.select(Schedule)).one()
        assert schedule.template["title"] == "第{quarter}季度测试"
        assert schedule.template["departments"] == ["市公安局/城南派出所"]
        assert [r["chapter"] for r in schedule.template["paper"]["blueprint"]] == ["第二章 党员", None]
        db.session.remove()
