"""题库体检 of a stored bank: `quizapp check-bank`, the API and the pages, on a deliberately bad bank
(tests/data/bad-bank.json) with the history of an exam sat."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import timeutil
from quizapp.banks import services
from quizapp.banks.cli import EXIT_WARNINGS
from quizapp.banks.models import Question
from quizapp.exams.attempts import start_attempt
from quizapp.exams.definitions import create_exam
from quizapp.exams.spec import RuleSpec
from quizapp.exams.models import Attempt, PaperItem
from quizapp.extensions import db
from tests.exam_factories import exam_spec, make_organiser
from tests.factories import api_token, login, make_officer

BAD_BANK = Path(__file__).resolve().parents[2] / "data" / "bad-bank.json"
EVERY_KIND = {"single_letters", "longest_right", "multiple_prefix", "all_options_right", "judge_balance",
              "near_duplicates", "missing_explanations", "missing_chapters", "chapter_coverage",
              "explanation_letters", "almost_all_right", "almost_all_wrong", "discrimination_flags"}


def sit_exam(question_ids: dict[str, int], officers: int = 20) -> None:
    """Twenty submitted papers: `easy` right for all, `hard` for none, `core…` for the strong half,
    `inverted` for the weak half only (so the strong do worse on it: negative discrimination)."""
    organiser = make_organiser()
    ids = tuple(question_ids.values())
    exam = create_exam(organiser, exam_spec(None, blueprint=(), questions=ids, question_points=10))
    now = timeutil.now()
    for number in range(officers):
        officer = make_officer(badge=f"3100{number:02d}", name=f"民警{number}")
        strong = number < officers // 2
        right = {"easy": True, "hard": False, "core1": strong, "core2": strong, "core3": strong,
                 "inverted": not strong}
        score = 10.0 * sum(right.values())
        attempt = Attempt(exam_id=exam.id, officer_id=officer.id, paper_seed=number, started_at=now,
                          deadline=now + timedelta(minutes=30), submitted_at=now, score=score, passed=score >= 20)
        db.session.add(attempt)
        db.session.flush()
        for position, (name, question_id) in enumerate(question_ids.items(), start=1):
            db.session.add(PaperItem(attempt_id=attempt.id, position=position, question_id=question_id,
                                     type="judge", stem=name, options=[], option_map={}, key=True, points=10.0,
                                     earned=10.0 if right[name] else 0.0, correct=right[name]))
    db.session.commit()


@pytest.fixture
def bad_bank(app):
    report = services.import_bank(BAD_BANK.name, BAD_BANK.read_bytes(), None, None, None)
    assert report.written, report.errors
    bank = services.find_bank("体检示例：有问题的题库")
    judges = list(db.session.scalars(sa.select(Question.id).where(Question.bank_id == bank.id,
                                                                  Question.type == "judge").order_by(Question.id)))
    sit_exam({"easy": judges[0], "hard": judges[1], "core1": judges[2], "core2": judges[3], "core3": judges[4],
              "inverted": judges[5]})
    return bank, judges


def test_check_bank_lists_every_kind_of_finding_and_exits_with_warnings(runner, bad_bank):
    bank, judges = bad_bank
    result = runner.invoke(args=["check-bank", bank.name])
    assert result.exit_code == EXIT_WARNINGS, result.output
    output = result.output
    assert output.startswith(f"题库“{bank.name}”体检：33题，")
    for title in ("单选题答案字母分布不均", "正确选项往往是最长的", "多选题的正确选项总在前面", "多选题的选项全部正确",
                  "判断题对错比例失衡", "有相似度很高的重复题", "缺少解析", "缺少章节", "解析按字母指称选项", "各章节题量",
                  "几乎人人答对的题", "几乎人人答错的题", "考试统计提示可能有误的题"):
        assert title in output, title
    assert "为什么重要：" in output
    assert f"#{judges[1]}" in output and "相似度" in output
    document = json.loads(runner.invoke(args=["check-bank", bank.name, "--json"]).output)
    assert {f["code"] for f in document["findings"]} == EVERY_KIND
    flagged = next(f for f in document["findings"] if f["code"] == "discrimination_flags")
    assert flagged["questions"] == [judges[1], judges[5]]


def test_check_bank_on_a_file_and_its_errors(runner, tmp_path):
    result = runner.invoke(args=["check-bank", "--file", str(BAD_BANK)])
    assert result.exit_code == EXIT_WARNINGS and "第2题" in result.output  # the near-copy of question 1
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"questions": [
        {"type": "judge", "stem": "人民警察必须以宪法和法律为活动准则。", "answer": True, "explanation": "第四条",
         "chapter": "总则"}]}, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(args=["check-bank", "--file", str(clean)]).exit_code == 0
    assert runner.invoke(args=["check-bank", "没有这个题库"]).exit_code == 1
    assert "二者选一" in runner.invoke(args=["check-bank"]).stderr


def test_health_api_is_documented_and_for_organisers(client, bad_bank):
    bank, judges = bad_bank
    make_officer(badge="100001", role="admin")
    body = client.get(f"/api/v1/banks/{bank.id}/health", headers=api_token(client, "700001")).get_json()
    assert body["questions"] == 33 and body["warnings"] == 11 and body["exam_answers"] == 120
    assert {f["code"] for f in body["findings"]} == EVERY_KIND
    pairs = next(f for f in body["findings"] if f["code"] == "near_duplicates")["pairs"]
    assert len(pairs) == 1 and pairs[0]["similarity"] >= 0.7
    officer = api_token(client, "310000")
    assert client.get(f"/api/v1/banks/{bank.id}/health", headers=officer).status_code == 403
    assert client.get("/api/v1/banks/999999/health", headers=api_token(client, "100001")).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/banks/{bank_id}/health" in spec["paths"]
    assert "HealthReport" in spec["components"]["schemas"]


def test_bank_page_and_health_page_show_the_findings_with_edit_links(client, bad_bank):
    bank, judges = bad_bank
    make_officer(badge="100001", role="admin")
    login(client, "100001")
    page = client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    assert "题库体检" in page and "11项警告" in page and "判断题对错比例失衡" in page
    health = client.get(f"/admin/banks/{bank.id}/health").get_data(as_text=True)
    assert "为什么重要" in health and "几乎人人答错的题" in health
    assert f'href="/admin/banks/questions/{judges[1]}"' in health


def test_a_remembered_report_is_never_stale(app):
    from quizapp.banks.checkup import bank_health

    bank = services.create_bank(None, "小题库", "theory")
    question = services.create_question(None, bank, services.QuestionInput(
        "judge", "人民警察必须以宪法和法律为活动准则。", [], "对", explanation="第四条。", chapter="总则"))
    first = bank_health(bank)
    assert bank_health(bank) is first  # unchanged: not checked again
    services.update_question(None, question, services.QuestionInput(
        "judge", "人民警察必须以宪法和法律为活动准则。", [], "对", explanation="", chapter="总则"))
    assert "missing_explanations" in {f.code for f in bank_health(bank).findings}
