"""The exam report on a phone: figures, charts that fit, the summary copied with one tap."""
import pytest
import sqlalchemy as sa

from quizapp.banks.models import Question
from quizapp.exams import definitions
from quizapp.extensions import db
from tests.browser.conftest import browser_login
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, make_officer
from tests.unit.reports.test_exam_report import sit


@pytest.mark.browser
def test_organiser_reads_the_report_and_copies_the_summary_on_a_phone(live_app, live_server, phone_page):
    with live_app.app_context():
        bank = make_bank("政治理论", single=0, multiple=0, judge=5, fill=0)
        ids = db.session.scalars(sa.select(Question.id).order_by(Question.id)).all()
        organiser = make_organiser()
        people = [make_officer(department=f"市公安局/{station}") for station in ("一所", "一所", "二所")]
        exam = definitions.create_exam(organiser, exam_spec(None, blueprint=(), questions=tuple(ids),
                                                         question_points=20))
        for officer, right in zip(people, ({1, 2, 3, 4, 5}, {1, 2, 3, 4}, {1})):
            sit(officer, exam, right)
        exam_id, badge = exam.id, organiser.badge

    page = phone_page
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    browser_login(page, live_server, badge, DEFAULT_PASSWORD)
    page.goto(f"{live_server}/reports/exams/{exam_id}")

    summary = page.locator("#summary-text")
    expected = "全局共3名民警参加全员普测（应参加4名，参考率75%），合格率66.7%，平均分66.7。"
    assert summary.inner_text() == expected
    # Both charts render and fit the 390 px screen; the page itself does not scroll sideways.
    charts = page.locator(".chart-box svg")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert 300 <= box["width"] <= 390 and box["height"] > 140
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="复制综述").click()
    page.get_by_role("button", name="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert violations == []
