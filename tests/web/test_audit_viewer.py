"""The audit viewer: every recorded action has a Chinese label; filters; the xlsx export."""
import ast
import io
from pathlib import Path

from openpyxl import load_workbook

import quizapp
from quizapp.audit.services import ACTION_LABELS, record
from quizapp.extensions import db
from tests.factories import login, make_officer


def recorded_actions() -> set[str]:
    """Every action code passed to audit record(...) anywhere in the package (found by parsing the source)."""
    codes = set()
    for path in Path(quizapp.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record" \
                    and len(node.args) >= 2:
                codes |= {n.value for n in ast.walk(node.args[1])
                          if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return codes


def test_every_recorded_action_is_labelled_and_offered_as_a_filter(app, client):
    codes = recorded_actions()
    assert {"exam.draw", "exam.replace", "roster.import", "schedule.resume", "bank.import"} <= codes
    assert sorted(codes - set(ACTION_LABELS)) == []
    make_officer(badge="A1", role="admin")
    login(client, "A1")
    html = client.get("/admin/audit/").get_data(as_text=True)
    for code in codes:
        assert f'value="{code}"' in html


def test_filtered_export_opens_with_chinese_labels(app, client):
    admin = make_officer(badge="A1", name="管理员甲", role="admin")
    record(admin, "schedule.pause", summary="暂停定时计划“季度测试”")
    record(admin, "officer.role", summary="=修改角色")
    db.session.commit()
    login(client, "A1")
    response = client.get("/admin/audit/export.xlsx?action=officer.role")
    assert response.status_code == 200 and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data))["审计日志"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1:4] == ("A1", "管理员甲", "修改角色")
    assert rows[0][5] == "'=修改角色"  # written as text, never as a formula
    officer_client = app.test_client()
    make_officer(badge="P1")
    login(officer_client, "P1")
    assert officer_client.get("/admin/audit/export.xlsx").status_code == 403


def test_an_edited_question_shows_each_changed_field_before_and_after(app, client):
    import re

    from quizapp.banks import services
    from tests.factories import csrf_token

    make_officer(badge="100001", name="管理员", role="admin")
    login(client, "100001")
    bank = services.create_bank(None, "党章题库", "theory")
    question = services.create_question(None, bank, services.QuestionInput(
        "single", "党的最高领导机关是？", ["全国代表大会", "支部"], "A",
        explanation="旧解析", chapter="第一章", difficulty=1))
    path = f"/admin/banks/questions/{question.id}"
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "type": "single", "stem": "党的最高领导机关是？",
        "option_A": "全国代表大会", "option_B": "支部", "correct": ["A"],
        "explanation": "依据党章第十条", "chapter": "第二章", "difficulty": "3"})
    assert response.status_code == 302

    html = client.get("/admin/audit/?action=question.update").get_data(as_text=True)
    changes = [re.sub(r"<[^>]+>|\s+", "", item) for item in re.findall(r"<li>(.*?)</li>", html, re.S)
               if "→" in item]
    assert changes == ["解析：旧解析→依据党章第十条", "章节：第一章→第二章", "难度：易→难"]
    assert f'<td class="audit-target">试题 #{question.id}</td>' in html

    rows = list(load_workbook(io.BytesIO(client.get("/admin/audit/export.xlsx?action=question.update").data))
                ["审计日志"].iter_rows(min_row=2, values_only=True))
    assert rows[0][6] == "解析：旧解析 → 依据党章第十条\n章节：第一章 → 第二章\n难度：易 → 难"


def test_a_renamed_bank_and_an_edited_exam_show_their_changes_in_chinese(app, client):
    from quizapp.audit.models import AuditEntry
    from quizapp.banks import services
    from quizapp.exams import definitions
    from tests.exam_factories import exam_spec, make_bank, make_organiser

    bank = services.create_bank(None, "旧题库", "theory")
    services.update_bank(None, bank, "新题库", "regulations")
    source = make_bank("组卷题库", single=10, judge=10)
    organiser = make_organiser()
    exam = definitions.create_exam(organiser, exam_spec(source, opens_at=exam_spec(source).opens_at.replace(year=2099),
                                                        closes_at=exam_spec(source).closes_at.replace(year=2099)))
    from dataclasses import replace

    definitions.update_exam(organiser, exam, replace(definitions.spec_from_exam(exam), pass_mark=80,
                                                     duration_minutes=45))
    entries = {e.action: e.details["changes"] for e in db.session.query(AuditEntry)
               if e.action in ("bank.update", "exam.update")}
    assert entries["bank.update"] == [{"field": "名称", "before": "旧题库", "after": "新题库"},
                                      {"field": "分类", "before": "政治理论", "after": "法规制度"}]
    assert entries["exam.update"] == [{"field": "合格线", "before": "60", "after": "80"},
                                      {"field": "考试时长（分钟）", "before": "30", "after": "45"}]
