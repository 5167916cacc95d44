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
