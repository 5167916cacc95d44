"""No English anywhere a person looks: every page and export each role reaches in the demo.

The demo bureau (quizapp demo) is built once; the officer, the organiser and the admin each
walk every page and export from their home page (tests/site_walk.py). Any ASCII word in the
visible text or in an xlsx cell — an enum code such as `single` or `proportional`, an audit
target such as `questionbank 3`, an English weekday, a library's own error message — fails,
except a short allowlist of format names (PDF, xlsx, API, …), option letters and addresses.
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from quizapp.demo import build_demo
from quizapp.extensions import db
from quizapp.labels import label, target_label
from quizapp.tabular import TableError, read_rows

from .. import site_walk

ROLES = tuple(site_walk.DEMO_LOGINS)



@pytest.fixture(scope="module")
def demo_app(app):
    """The app with the demo bureau: built once for the module's tests."""
    with app.app_context():
        from tests.conftest import truncate_all

        truncate_all()
        build_demo()
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def walks(demo_app):
    result = {}
    for role in ROLES:
        client = demo_app.test_client()
        site_walk.login(client, role)
        result[role] = site_walk.walk(client, role)
    return result


@pytest.fixture(autouse=True)
def _fresh_state():
    """Override the per-test truncation: the demo data is shared by the module's tests."""
    yield


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_answers(walks, role):
    visits = walks[role]
    broken = [(v.url, v.status) for v in visits if v.status >= 400]
    assert not broken, f"{role}: pages that fail: {broken}"
    # The walk really went through the site (not stuck at a login page).
    assert len(visits) >= {"officer": 20, "organiser": 60, "admin": 80}[role]
    exports = [v.url for v in visits if "spreadsheetml" in v.content_type]
    if role != "officer":
        assert exports, f"{role}: no xlsx export reached"


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_no_english_word_on_any_page_or_export(walks, role):
    found = {}
    for visit in walks[role]:
        words = sorted({word for text in site_walk.texts_of(visit) for word in site_walk.english_in(text)})
        if words:
            found[visit.url] = words
    assert not found, f"{role}: English a person would read: {found}"


def test_the_checker_catches_enum_words_and_library_messages():
    """The word check itself: it must catch what leaked before and pass what is allowed."""
    assert site_walk.english_in("分配方式：proportional") == ["proportional"]
    assert site_walk.english_in("questionbank 3") == ["questionbank"]
    assert site_walk.english_in("Expecting value: line 1 column 1 (char 0)")
    assert site_walk.english_in("Not a valid integer value.")
    assert not site_walk.english_in("导出 xlsx · 下载 PDF · 接口 API · 答案 ABCD")
    assert not site_walk.english_in("访问 https://exam.example.cn/login 或下载 名单模板.xlsx")
    html = b"<html><body><p>single</p><script>var mode='single'</script><input placeholder='Monday'></body></html>"
    visit = site_walk.Visit("officer", "/", 200, "text/html; charset=utf-8", html)
    assert [w for t in site_walk.texts_of(visit) for w in site_walk.english_in(t)] == ["single", "Monday"]


def test_labels_name_enum_values_and_audit_targets_in_chinese():
    assert label("proportional", "allocation") == "按部门人数比例"
    assert label("judge", "question_type") == "判断"
    assert label("sat", "weekday") == "周六" and label(7, "iso_weekday") == "周日"
    assert label("organiser", "role") == "组织者"
    assert target_label("question", "213") == "试题 #213"
    assert target_label("questionbank", 3) == "题库 #3"
    assert target_label("roster", None) == "人员名册"


def test_audit_export_names_targets_and_allocations_in_chinese(walks):
    export = next(v for v in walks["admin"] if v.url.startswith("/admin/audit/export.xlsx"))
    sheet = load_workbook(io.BytesIO(export.body), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    targets = {row[4] for row in rows[1:]}
    assert any(t and t.startswith("题库 #") for t in targets)
    assert any(t and t.startswith("考试 #") for t in targets)
    assert any("按部门人数比例" in (row[5] or "") for row in rows[1:])


def test_a_broken_csv_is_refused_in_chinese():
    with pytest.raises(TableError) as refused:
        read_rows("名单.csv", "警号,姓名\n1,\"张三\n".encode() + b"x" * 200_000)
    assert not site_walk.english_in(str(refused.value).replace("CSV", "").replace("Excel", "").replace("xlsx", ""))


def test_form_messages_of_wtforms_are_chinese(demo_app):
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    class NumberForm(FlaskForm):
        count = IntegerField("人数")

    with demo_app.test_request_context(method="POST", data={"count": "abc"}):
        form = NumberForm(meta={"csrf": False})
        assert not form.validate()
        assert form.count.errors == ["请填写整数。"]


def test_a_contest_form_row_with_letters_in_a_number_says_so_in_chinese(demo_app):
    """A real page's WTForms message (a FormField row, the generic path): Chinese."""
    from tests.factories import csrf_token

    client = demo_app.test_client()
    site_walk.login(client, "organiser")
    data = {"csrf_token": csrf_token(client, "/contests/live/new"), "title": "测试竞赛",
            "team_scoring": "sum", "rounds-0-kind": "required", "rounds-0-bank": "1", "rounds-0-count": "abc"}
    page = client.post("/contests/live/new", data=data)
    assert page.status_code in (200, 422)
    text = "".join(site_walk.visible_texts(page.data))
    assert "请填写整数" in text
    assert "Not a valid" not in page.get_data(as_text=True)


def test_an_unexpected_library_error_reaches_the_page_only_in_chinese(tmp_path):
    """A library's English exception (here json's decode error) never reaches a page:
    the one error handler shows a Chinese page and keeps the English for the log."""
    import json

    from flask import abort

    from tests.conftest import make_test_app

    app = make_test_app("sqlite", tmp_path)

    @app.route("/raises-library-error")
    def _library_error():
        return json.loads("{not json")

    @app.route("/aborts-with-english")
    def _english_abort():
        abort(400, "Failed to decode JSON object: Expecting value: line 1 column 1 (char 0)")

    client = app.test_client()
    for path, status in (("/raises-library-error", 500), ("/aborts-with-english", 400)):
        page = client.get(path)
        assert page.status_code == status
        body = page.get_data(as_text=True)
        assert "Expecting" not in body and "JSON" not in body
        words = [w for t in site_walk.visible_texts(page.data) for w in site_walk.english_in(t)]
        assert words == [], (path, words)


def test_exam_report_export_names_question_types_in_chinese(walks):
    reports = [v for v in walks["organiser"] if v.url.endswith("/report.xlsx")]
    types = set()
    for export in reports:
        workbook = load_workbook(io.BytesIO(export.body), read_only=True)
        rows = list(workbook["题目"].iter_rows(values_only=True))
        column = rows[0].index("题型")
        types.update(row[column] for row in rows[1:])
    assert types >= {"单选", "多选", "判断", "填空"}


def test_every_audit_action_the_code_records_has_a_chinese_label(app):
    """An action recorded without a label would show its code (exam.draw) in the audit log."""
    import re
    from pathlib import Path

    import quizapp
    from quizapp.audit.services import ACTION_LABELS

    recorded = set()
    for source in Path(quizapp.__file__).parent.rglob("*.py"):
        recorded.update(re.findall(r"record\(\s*[^,()]+,\s*\"([a-z_]+\.[a-z_]+)\"", source.read_text(encoding="utf-8")))
    assert len(recorded) > 30
    assert sorted(recorded - set(ACTION_LABELS)) == []
