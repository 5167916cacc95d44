"""POST /api/v1/banks/import and GET /api/v1/banks."""
from __future__ import annotations

import io
import json

from quizapp.banks import services
from tests.factories import api_token, make_officer

DOCUMENT = {"bank": {"name": "党章题库", "category": "theory"}, "questions": [
    {"type": "judge", "stem": "党的最高理想和最终目标是实现共产主义。", "options": [], "answer": True},
    {"type": "single", "stem": "单选", "options": [{"key": "A", "text": "甲"}, {"key": "B", "text": "乙"}],
     "answer": "A", "chapter": "总纲"},
]}


def post_import(client, headers, document=DOCUMENT, filename="bank.json", **fields):
    data = {"file": (io.BytesIO(json.dumps(document, ensure_ascii=False).encode()), filename)}
    data.update(fields)
    return client.post("/api/v1/banks/import", data=data, headers=headers, content_type="multipart/form-data")


def test_admin_imports_a_json_export(client):
    make_officer(badge="100001", role="admin")
    response = post_import(client, api_token(client, "100001"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["imported"], body["skipped"], body["errors"]) == (2, 0, [])
    assert body["counts"] == {"judge": 1, "single": 1}
    assert len(services.find_bank("党章题库").questions) == 2


def test_dry_run_writes_nothing_and_second_import_skips_duplicates(client):
    make_officer(badge="100001", role="admin")
    headers = api_token(client, "100001")
    dry = post_import(client, headers, dry_run="true").get_json()
    assert dry["imported"] == 2 and dry["dry_run"] and services.find_bank("党章题库") is None
    post_import(client, headers)
    again = post_import(client, headers).get_json()
    assert (again["imported"], again["skipped"]) == (0, 2)


def test_bad_rows_give_422_with_row_errors_and_write_nothing(client):
    make_officer(badge="100001", role="admin")
    document = json.loads(json.dumps(DOCUMENT))
    document["questions"][1]["answer"] = "Z"
    response = post_import(client, api_token(client, "100001"), document)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_file"
    assert error["errors"] == [{"row": 2, "column": "答案", "message": error["errors"][0]["message"], "where": "第2题"}]
    assert services.find_bank("党章题库") is None
    partial = post_import(client, api_token(client, "100001"), document, valid_only="true").get_json()
    assert partial["imported"] == 1 and len(partial["errors"]) == 1


def test_garbage_file_is_a_422_not_a_crash(client):
    make_officer(badge="100001", role="admin")
    response = client.post("/api/v1/banks/import", headers=api_token(client, "100001"),
                           data={"file": (io.BytesIO(bytes(range(256)) * 8), "x.xlsx"), "bank": "b"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Excel" in response.get_json()["error"]["errors"][0]["message"]


def test_officers_cannot_import(client):
    make_officer(badge="300001")
    assert post_import(client, api_token(client, "300001")).status_code == 403


def test_bank_list_counts_active_questions_and_hides_empty_banks_from_officers(client):
    make_officer(badge="100001", role="admin")
    make_officer(badge="300001")
    post_import(client, api_token(client, "100001"))
    services.create_bank(None, "空题库", "other")
    officer = client.get("/api/v1/banks", headers=api_token(client, "300001")).get_json()
    assert [(b["name"], b["questions"], b["by_type"]) for b in officer] == [("党章题库", 2, {"judge": 1, "single": 1})]
    admin = client.get("/api/v1/banks", headers=api_token(client, "100001")).get_json()
    assert {b["name"] for b in admin} == {"党章题库", "空题库"}
    assert client.get("/api/v1/banks").status_code == 401


def test_import_reports_warnings_and_text_lines(client):
    make_officer(badge="100001", role="admin")
    text = "警务题库（2026年）\n1. 警察应当文明执勤。\n答案：对\n简答题\n2. 什么是警察？\n答案：维护治安的人。\n"
    data = {"file": (io.BytesIO(text.encode()), "bank.txt"), "bank": "警务题库", "valid_only": "true"}
    response = client.post("/api/v1/banks/import", data=data, headers=api_token(client, "100001"),
                           content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 200 and body["imported"] == 1 and body["errors"] == []
    assert [(w["line"], w["where"]) for w in body["warnings"]] == [(5, "第2题（第5行）"), (1, "第1行")]


def test_refused_text_file_locates_each_error_by_question_and_line(client):
    make_officer(badge="100001", role="admin")
    text = "1. 甲？\nA. 一\nB. 二\n答案：AB\n单选题\n2. 乙？\nA. 一\nB. 二\n答案：AB\n"
    data = {"file": (io.BytesIO(text.encode()), "bank.txt"), "bank": "警务题库"}
    response = client.post("/api/v1/banks/import", data=data, headers=api_token(client, "100001"),
                           content_type="multipart/form-data")
    error = response.get_json()["error"]
    assert response.status_code == 422
    assert [(e["line"], e["question"], e["column"]) for e in error["errors"]] == [(6, 2, "答案")]


GUESSABLE = {"bank": {"name": "偏题库", "category": "theory"}, "questions": [
    {"type": "single", "stem": f"第{n}条规定的是哪一项内容（ ）", "answer": "A", "chapter": "总则", "explanation": "见条文。",
     "options": [{"key": k, "text": f"第{n}题的选项{k}"} for k in "ABCD"]}
    for n in range(1, 13)
]}


def test_import_answers_with_the_bank_health_on_a_dry_run_and_after_writing(client):
    make_officer(badge="100001", role="admin")
    headers = api_token(client, "100001")
    for dry_run in ("true", "false"):
        body = post_import(client, headers, GUESSABLE, dry_run=dry_run).get_json()
        codes = [f["code"] for f in body["health"]["findings"] if f["severity"] == "warning"]
        assert "single_letters" in codes, body["health"]
        assert body["health"]["warnings"] == len(codes)
    assert services.find_bank("偏题库") is not None


def test_an_import_without_explanations_or_chapters_is_told_so(client):
    make_officer(badge="100001", role="admin")
    body = post_import(client, api_token(client, "100001")).get_json()
    warned = {f["code"] for f in body["health"]["findings"] if f["severity"] == "warning"}
    assert warned == {"missing_explanations", "missing_chapters"}, body["health"]
