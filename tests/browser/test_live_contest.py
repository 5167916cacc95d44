"""A live contest in one hall: the host console, the big screen and several phones, with
a 必答 question, a 抢答 question and a 风险题, a lost connection, a reload and a late join."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.contests.models import LiveAnswer, LiveJoin
from quizapp.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, browser_login
from tests.contest_factories import make_live_contest
from tests.factories import DEFAULT_PASSWORD, make_officer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFICERS = [("300001", "王治安", "市公安局/治安大队"), ("300002", "李刑侦", "市公安局/刑侦大队"),
            ("300003", "赵治安", "市公安局/治安大队"), ("300004", "钱城关", "市公安局/城关派出所")]


def _context(browser, options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _phone(browser, base, badge, code):
    context, page = _context(browser, PHONE)
    browser_login(page, base, badge, DEFAULT_PASSWORD)
    page.goto(f"{base}/live/join?code={code}")
    expect(page.locator("#stage-wait")).to_be_visible()
    return context, page


def _step(host, label):
    host.locator("#host-actions").get_by_role("button", name=label).click()


def _option(page, key):
    return page.locator(f'#q-options button.option[data-key="{key}"]')


def test_host_screen_and_phones_run_a_contest_with_a_reconnect_a_reload_and_a_late_join(live_app, live_server,
                                                                                      browser):
    with live_app.app_context():
        contest, _host = make_live_contest(rounds=(("required", 1), ("buzz", 1), ("risk", 1)))
        for badge, name, department in OFFICERS:
            make_officer(badge=badge, name=name, department=department)
        contest_id, code, token = contest.id, contest.code, contest.screen_token
        stems = [q.stem for q in contest.questions]
        db.session.remove()
    base = live_server
    contexts = []
    try:
        host_context, host = _context(browser, DESKTOP)
        contexts.append(host_context)
        browser_login(host, base, "700001", DEFAULT_PASSWORD)
        host.goto(f"{base}/contests/live/{contest_id}")
        screen_context, screen = _context(browser, {**DESKTOP, "viewport": {"width": 1280, "height": 720}})
        contexts.append(screen_context)
        screen.goto(f"{base}/live/screen/{token}")  # no login: the token is the key
        expect(screen.locator(".lobby-code")).to_have_text(code)

        phones = {}
        for badge, _name, _department in OFFICERS[:3]:
            context, page = _phone(browser, base, badge, code)
            contexts.append(context)
            phones[badge] = page
        expect(screen.locator("#joined-total")).to_have_text("3")
        expect(screen.locator("#joined-teams")).to_contain_text("治安大队")
        for page in phones.values():
            assert stems[0] not in page.content()  # nothing of the question before it is shown

        # 必答: shown, opened, answered (one wrong), closed, revealed
        _step(host, "开始比赛")
        expect(screen.locator("#card-round")).to_have_text("必答题")
        _step(host, "出题")
        for page in phones.values():
            expect(page.locator("#q-stem")).to_have_text(stems[0])
            expect(_option(page, "A")).to_be_disabled()
        expect(screen.locator("#sq-stem")).to_have_text(stems[0])
        _step(host, "开始作答")
        _option(phones["300001"], "A").click()
        _option(phones["300002"], "B").click()
        # a lost connection: the phone keeps its state and catches up when it is back
        offline = phones["300003"].context
        offline.set_offline(True)
        expect(phones["300003"].locator("#offline")).to_be_visible(timeout=6000)
        offline.set_offline(False)
        expect(phones["300003"].locator("#offline")).to_be_hidden(timeout=8000)
        _option(phones["300003"], "A").click()
        expect(phones["300003"].locator("#q-status")).to_have_text("已提交，等待公布答案。")
        expect(screen.locator("#sq-answered")).to_have_text("已作答 3 / 3")
        # a reload resumes the current question with the answer already given
        phones["300002"].reload()
        expect(phones["300002"].locator("#q-status")).to_have_text("已提交，等待公布答案。")
        expect(_option(phones["300002"], "B")).to_have_class(re.compile("picked"))
        _step(host, "停止作答")
        expect(screen.locator("#sq-options .sq-count").first).to_have_text("2人")
        _step(host, "公布答案")
        expect(phones["300001"].locator("#q-status")).to_contain_text("回答正确")
        expect(phones["300002"].locator("#q-status")).to_contain_text("回答错误")
        expect(screen.locator("#sq-result")).to_contain_text("正确答案：A")
        _step(host, "排行榜")
        expect(screen.locator("#board-people")).to_contain_text("王治安")
        expect(phones["300001"].locator("#result-text")).to_contain_text("个人第1名")

        # 抢答, with a late joiner who answers first and right
        _step(host, "下一题")
        late_context, late = _phone(browser, base, "300004", code)
        contexts.append(late_context)
        phones["300004"] = late
        _step(host, "出题")
        _step(host, "开始作答")
        _option(phones["300002"], "C").click()  # a wrong buzz
        expect(phones["300002"].locator("#q-status")).to_have_text("已提交，等待公布答案。")
        _option(late, "A").click()
        expect(phones["300001"].locator("#q-status")).to_have_text("本题已被抢答。")
        expect(_option(phones["300001"], "A")).to_be_disabled()
        _step(host, "停止作答")
        _step(host, "公布答案")
        expect(screen.locator("#sq-result")).to_contain_text("抢答成功：钱城关")
        expect(host.locator("#host-answers")).to_contain_text("钱城关")

        # 风险题: stakes before the show
        _step(host, "下一题")
        expect(phones["300001"].locator("#stage-stake")).to_be_visible()
        phones["300001"].get_by_role("button", name="30分").click()
        expect(phones["300001"].locator("#stake-status")).to_contain_text("已选择 30 分")
        _step(host, "出题")
        _step(host, "开始作答")
        _option(phones["300001"], "A").click()
        expect(phones["300001"].locator("#q-status")).to_have_text("已提交，等待公布答案。")
        _step(host, "停止作答")
        _step(host, "公布答案")
        host.once("dialog", lambda dialog: dialog.accept())
        _step(host, "结束比赛")
        expect(screen.locator("#podium-summary")).to_contain_text("本次党章知识竞赛共有3个代表队、4名民警参加")
        expect(phones["300001"].locator("#result-title")).to_have_text("比赛结束")
        expect(phones["300001"].locator("#result-text")).to_contain_text("个人第1名")
        for page in list(phones.values()) + [screen, host]:
            shown = page.locator("body").inner_text()
            for stem in stems:  # the factory's stems say "(single)"
                shown = shown.replace(stem, "")
            assert not re.search(r"[A-Za-z]{3,}", shown), page.url  # no English on any page
        expect(host.locator("#delete-contest")).to_be_hidden()
    finally:
        for context in contexts:
            context.close()

    with live_app.app_context():
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer))
        rejoins = db.session.scalar(sa.select(sa.func.count()).select_from(LiveJoin).where(LiveJoin.rejoin.is_(True)))
        db.session.remove()
    assert answers == 6 and rejoins == 1
