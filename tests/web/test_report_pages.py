"""Report pages: exam report, comparison, quarter overview, study and year reports."""
import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from quizapp.banks.models import QuestionBank
from quizapp.extensions import db
from quizapp.notifications.models import Notification
from tests.factories import login
from tests.unit.reports.test_exam_report import scenario  # noqa: F401  (fixture)


def test_exam_report_page_shows_figures_charts_and_the_copyable_summary(scenario, client):  # noqa: F811
    exam, organiser, _ = scenario
    login(client, organiser.badge)
    response = client.get(f"/reports/exams/{exam.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="summary-text"' in html and "一所、二所共4名民警参加全员普测" in html
    assert 'data-copy="summary-text"' in html and "js/reports.js" in html
    content = html[html.index("<main>"):html.index("</main>")]  # the tab bar's icons are SVG too
    assert content.count("<svg") == 2 and "成绩分布" in html and "各部门合格率" in html
    # The only scripts are files served by us (the CSP forbids inline script).
    assert all(tag.startswith('<script src="/static/') for tag in re.findall(r"<script[^>]*>", html))
    assert "二所" in html and "75%" in html
    assert client.get(f"/reports/exams/{exam.id}/report.xlsx").status_code == 200


def test_flagged_questions_are_sent_to_the_bank_owner_once(scenario, client, monkeypatch):  # noqa: F811
    exam, organiser, _ = scenario
    # Four participants are below the evidence threshold; lower it so Q5 (facility 0.25) is not flagged
    # but a stricter facility cut-off flags it.
    monkeypatch.setattr("quizapp.reports.statistics.MIN_ATTEMPTS_FOR_FLAGS", 4)
    monkeypatch.setattr("quizapp.reports.statistics.BROKEN_FACILITY_BELOW", 0.3)
    bank = db.session.scalars(sa.select(QuestionBank)).one()
    bank.owner_id = organiser.id
    db.session.commit()
    login(client, organiser.badge)
    html = client.get(f"/reports/exams/{exam.id}").get_data(as_text=True)
    assert "几乎无人答对" in html and "提醒题库负责人" in html
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    client.post(f"/reports/exams/{exam.id}/notify-flagged", data={"csrf_token": token})
    client.post(f"/reports/exams/{exam.id}/notify-flagged", data={"csrf_token": token})
    notes = db.session.scalars(sa.select(Notification).where(Notification.officer_id == organiser.id,
                                                              Notification.kind == "system")).all()
    assert len(notes) == 1 and "1道题" in notes[0].title


def test_compare_quarter_study_and_year_pages(scenario, client):  # noqa: F811
    exam, organiser, _ = scenario
    login(client, organiser.badge)
    compare = client.get(f"/reports/compare?a={exam.id}&b={exam.id}").get_data(as_text=True)
    assert compare.count("一所、二所共4名民警") == 2
    quarter = client.get("/reports/quarter").get_data(as_text=True)
    assert exam.title in quarter and 'data-copy="quarter-text"' in quarter
    study = client.get("/reports/study")
    assert study.status_code == 200 and "未达标人员" in study.get_data(as_text=True)
    assert client.get("/reports/study.xlsx").status_code == 200
    year = client.get("/reports/year").get_data(as_text=True)
    assert "12月" in year
    book = load_workbook(io.BytesIO(client.get("/reports/year.xlsx").data))
    rows = list(book["全年参与"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12 and sum(row[3] for row in rows) == 4  # the four who sat this year's exam
    assert client.get("/reports/").status_code == 200


def test_scheduler_tells_bank_owners_about_flagged_questions_once_the_exam_ended(scenario, monkeypatch):  # noqa: F811
    from datetime import timedelta

    from quizapp.schedules.jobs import notify_flagged_questions

    exam, organiser, _ = scenario
    monkeypatch.setattr("quizapp.reports.statistics.MIN_ATTEMPTS_FOR_FLAGS", 4)
    monkeypatch.setattr("quizapp.reports.statistics.BROKEN_FACILITY_BELOW", 0.3)
    bank = db.session.scalars(sa.select(QuestionBank)).one()
    bank.owner_id = organiser.id
    db.session.commit()
    assert notify_flagged_questions(exam.closes_at - timedelta(hours=1)) == 0  # still open
    assert notify_flagged_questions(exam.closes_at + timedelta(hours=1)) == 1
    assert notify_flagged_questions(exam.closes_at + timedelta(hours=2)) == 0
    assert notify_flagged_questions(exam.closes_at + timedelta(days=8)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.dedupe_key == f"flagged:{exam.id}")) == 1


def test_charts_of_an_exam_nobody_sat_say_so_in_chinese():
    from quizapp.reports import charts

    svg = str(charts.pass_rate_chart([]))
    assert "暂无数据" in svg and "No data" not in svg


def test_one_rounding_rule_for_scores_on_the_page_the_summary_and_the_workbook(scenario, client):  # noqa: F811
    from quizapp.exams.models import Attempt
    from quizapp.roster.models import Officer

    exam, organiser, _ = scenario
    # D scored 51.96 instead of 40: the average becomes 311.96 / 4 = 77.99, 二所's (51.96 + 80) / 2 = 65.98.
    attempt = db.session.scalars(sa.select(Attempt).join(Officer, Officer.id == Attempt.officer_id)
                                 .where(Officer.name == "D")).one()
    attempt.score = 51.96
    db.session.commit()
    login(client, organiser.badge)
    html = client.get(f"/reports/exams/{exam.id}").get_data(as_text=True)
    tile = re.search(r'<div class="stat">([^<]*)</div>平均分', html).group(1)
    assert tile == "78"
    assert "合格率75%，平均分78。" in html
    assert "77.99" not in html and "65.98" not in html and ">66<" in html

    book = load_workbook(io.BytesIO(client.get(f"/reports/exams/{exam.id}/report.xlsx").data))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["平均分"] == 78.0 and summary["最低分"] == 52.0
    assert "平均分78。" in summary["情况综述"]
    assert [row[5] for row in book["部门"].iter_rows(min_row=2, values_only=True)] == [90.0, 66.0]
    assert 52.0 in [row[3] for row in book["人员"].iter_rows(min_row=2, values_only=True)]
