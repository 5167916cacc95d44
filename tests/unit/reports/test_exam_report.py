"""Exam report figures against a scenario computed by hand."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from quizapp.banks.models import Question
from quizapp.exams import attempts, definitions, saving
from quizapp.exams.spec import RuleSpec
from quizapp.extensions import db
from quizapp.reports.services import exam_report
from quizapp.reports.xlsx import safe_cell
from quizapp.roster.models import Officer
from tests.exam_factories import exam_spec, items_of, make_bank, make_organiser, right_answer, wrong_answer
from tests.factories import api_token, make_officer


def sit(officer, exam, right_positions):
    """Start, answer the questions at these positions of the fixed order (1-based) right, the rest wrong, submit."""
    attempt = attempts.start_attempt(officer, exam)
    order = {qid: n for n, qid in enumerate(exam_question_ids(exam), start=1)}
    for item in items_of(attempt.id):
        good = order[item.question_id] in right_positions
        saving.save_answer(officer.id, attempt.id, item.question_id,
                             right_answer(item) if good else wrong_answer(item), seq=1)
    return attempts.submit_attempt(attempt.id)


def exam_question_ids(exam):
    return [row.question_id for row in exam.fixed_rows]


@pytest.fixture
def scenario(app):
    """Five judge questions worth 20 each; 一所 A=100, B=80, C absent; 二所 D=40, E=80. Pass mark 60."""
    bank = make_bank("政治理论", single=0, multiple=0, judge=5, fill=0)
    ids = db.session.scalars(sa.select(Question.id).where(Question.bank_id == bank.id).order_by(Question.id)).all()
    organiser = make_organiser()
    people = {name: make_officer(name=name, department=f"市公安局/{station}")
              for name, station in (("A", "一所"), ("B", "一所"), ("C", "一所"), ("D", "二所"), ("E", "二所"))}
    exam = definitions.create_exam(organiser, exam_spec(
        None, blueprint=(), questions=tuple(ids), question_points=20,
        departments=("市公安局/一所", "市公安局/二所")))
    sit(people["A"], exam, {1, 2, 3, 4, 5})
    sit(people["B"], exam, {1, 2, 3, 4})
    sit(people["D"], exam, {1, 2})
    sit(people["E"], exam, {1, 2, 3, 4})
    return exam, organiser, ids


def test_headline_and_department_figures_match_the_hand_computation(scenario):
    exam, _, _ = scenario
    report = exam_report(exam)
    f = report.figures
    assert (f.candidates, f.participated, f.passed) == (5, 4, 3)
    assert f.participation_rate == 0.8 and f.pass_rate == 0.75
    assert (f.average, f.highest, f.lowest) == (75, 100, 40)
    assert [(d.department, d.candidates, d.participated, d.pass_rate, d.average) for d in report.departments] == [
        ("一所", 3, 2, 1.0, 90), ("二所", 2, 2, 0.5, 60)]
    assert report.summary == "一所、二所共4名民警参加全员普测（应参加5名，参考率80%），合格率75%，平均分75。"
    assert [b.count for b in report.distribution] == [0, 0, 0, 0, 1, 0, 0, 0, 2, 1]


def test_question_statistics_match_the_worked_examples(scenario):
    exam, _, ids = scenario
    by_id = {q.question_id: q.stats for q in exam_report(exam).questions}
    # Q1: everyone right → facility 1, discrimination undefined.
    assert (by_id[ids[0]].correct_rate, by_id[ids[0]].facility, by_id[ids[0]].discrimination) == (1.0, 1.0, None)
    # Q3: right for A, B, E; x = [20, 20, 0, 20], rest y = [80, 60, 40, 60] → r = 400 / √(300·800) = 0.8165.
    assert (by_id[ids[2]].correct_rate, by_id[ids[2]].discrimination) == (0.75, 0.8165)
    # Q5: right for A only; x = [20, 0, 0, 0], y = [80, 80, 40, 80] → r = 200 / √(300·1200) = 0.3333.
    assert (by_id[ids[4]].facility, by_id[ids[4]].discrimination) == (0.25, 0.3333)


def test_report_api_has_the_documented_shape(scenario, client):
    exam, organiser, ids = scenario
    body = client.get(f"/api/v1/exams/{exam.id}/report", headers=api_token(client, organiser.badge)).get_json()
    assert set(body) == {"candidates", "participated", "participation_rate", "pass_rate", "average", "highest",
                         "lowest", "departments", "questions", "summary"}
    assert body["pass_rate"] == 0.75 and body["participation_rate"] == 0.8 and body["average"] == 75
    assert body["departments"][1] == {"department": "二所", "candidates": 2, "participated": 2, "pass_rate": 0.5,
                                      "average": 60}
    assert set(body["questions"][0]) == {"question_id", "stem", "correct_rate", "facility", "discrimination"}
    assert len(body["questions"]) == 5


def test_report_api_refuses_officers_and_unknown_exams(scenario, client):
    exam, organiser, _ = scenario
    officer = make_officer(badge="X1")
    assert client.get(f"/api/v1/exams/{exam.id}/report").status_code == 401
    response = client.get(f"/api/v1/exams/{exam.id}/report", headers=api_token(client, officer.badge))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    response = client.get("/api/v1/exams/999/report", headers=api_token(client, organiser.badge))
    assert response.status_code == 404


def test_xlsx_opens_with_the_four_sheets_and_matches_the_report(scenario, client):
    exam, organiser, _ = scenario
    response = client.get(f"/api/v1/exams/{exam.id}/report.xlsx", headers=api_token(client, organiser.badge))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert "%E6%88%90%E7%BB%A9%E6%8A%A5%E5%91%8A.xlsx" in response.headers["Content-Disposition"]  # 成绩报告
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["汇总", "部门", "人员", "题目"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["实际参加人数"] == 4 and summary["合格率(%)"] == 75 and summary["平均分"] == 75
    assert summary["情况综述"].startswith("一所、二所共4名民警")
    people = list(book["人员"].iter_rows(min_row=2, values_only=True))
    assert len(people) == 5
    assert [row[4] for row in people if row[1] in ("C", "D")] == ["未参加", "不合格"]
    assert list(book["部门"].iter_rows(min_row=2, values_only=True))[0][:3] == ("一所", 3, 2)


def test_nobody_sat_and_nobody_invited(app):
    bank = make_bank("政治理论", single=0, multiple=0, judge=5, fill=0)
    organiser = make_organiser()
    make_officer(department="市公安局/一所")
    make_officer(department="市公安局/一所")
    absent = definitions.create_exam(organiser, exam_spec(bank, blueprint=(RuleSpec(bank.id, "judge", 5, 20),)))
    report = exam_report(absent)
    assert (report.figures.candidates, report.figures.participated) == (3, 0)
    assert report.figures.pass_rate is None and report.figures.average is None
    assert report.summary == "全局应参加全员普测民警3名，无人参加。"
    assert report.as_api()["questions"] == [] and report.as_api()["pass_rate"] is None
    undrawn = definitions.create_exam(organiser, exam_spec(bank, mode="sample",
                                                        blueprint=(RuleSpec(bank.id, "judge", 5, 20),)))
    empty = exam_report(undrawn)
    assert empty.figures.candidates == 0 and empty.figures.participation_rate is None
    assert empty.departments == [] and sum(b.count for b in empty.distribution) == 0


def test_text_that_looks_like_a_formula_is_written_as_text(scenario, client):
    exam, organiser, ids = scenario
    officer = db.session.scalars(sa.select(Officer).where(Officer.name == "A")).one()
    officer.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    response = client.get(f"/api/v1/exams/{exam.id}/report.xlsx", headers=api_token(client, organiser.badge))
    sheet = load_workbook(io.BytesIO(response.data))["人员"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [safe_cell(v) for v in ("+1", "-2", "@x", "正常", 3.5)] == ["'+1", "'-2", "'@x", "正常", 3.5]


def test_cli_prints_the_summary_and_writes_the_workbook(scenario, runner, tmp_path):
    exam, _, _ = scenario
    target = tmp_path / "报告.xlsx"
    result = runner.invoke(args=["report", str(exam.id), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "一所、二所共4名民警参加全员普测" in result.output and "合格率75%" in result.output
    assert "平均分75，最高分100，最低分40" in result.output  # the one score rule, as on the pages
    assert load_workbook(target).sheetnames == ["汇总", "部门", "人员", "题目"]
    missing = runner.invoke(args=["report", "999"])
    assert missing.exit_code == 1 and "不存在" in missing.output


def test_score_bands_floor_on_every_backend(scenario):
    exam, _, _ = scenario
    from quizapp.exams.models import Attempt

    db.session.execute(sa.update(Attempt).where(Attempt.score == 40).values(score=79.5))
    db.session.commit()
    assert [b.count for b in exam_report(exam).distribution] == [0, 0, 0, 0, 0, 0, 0, 1, 2, 1]
