"""The admin's roster pages: upload → preview → confirm, and officer management."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.roster.models import Officer
from tests.factories import csrf_token, get_officer, login, make_officer
from tests.roster_files import bureau_rows, csv_bytes, xlsx_bytes


def admin_client(client):
    make_officer(badge="100001", name="周建国", role="admin", department="市公安局")
    login(client, "100001")
    return client


def upload(client, data: bytes, name: str):
    token = csrf_token(client, "/admin/roster/import")
    return client.post("/admin/roster/import", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_admin_imports_a_99_officer_roster_through_preview_and_confirm(client):
    admin_client(client)
    preview = upload(client, xlsx_bytes(bureau_rows(99)), "名单.xlsx")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认导入" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Officer)) == 1, "preview writes nothing"
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)

    result = client.post("/admin/roster/import/confirm",
                         data={"csrf_token": csrf_token(client, "/admin/roster/import"), "token": token})
    text = result.get_data(as_text=True)
    assert "导入完成：新增99人" in text and "初始密码" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Officer)) == 100

    # The same confirm cannot be replayed.
    again = client.post("/admin/roster/import/confirm",
                        data={"csrf_token": csrf_token(client, "/admin/roster/import"), "token": token})
    assert "上传已失效" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_broken_roster_is_rejected_with_row_numbers(client):
    admin_client(client)
    rows = bureau_rows(10)
    rows[4][0] = ""
    rows[7][2] = ""
    page = upload(client, csv_bytes(rows, "gb18030"), "名单.csv").get_data(as_text=True)
    assert "2处错误" in page and "整个文件都不会导入" in page
    assert "<td class=\"num\">6</td><td>警号</td>" in page
    assert "<td class=\"num\">9</td><td>部门</td>" in page
    assert "确认导入" not in page


def test_officers_list_search_and_management(client):
    admin_client(client)
    officer = make_officer(badge="200123", name="欧阳明", department="市公安局/城关派出所")
    listing = client.get("/admin/officers?q=欧阳").get_data(as_text=True)
    assert "200123" in listing and "100001" not in listing

    url = f"/admin/officers/{officer.id}"
    token = csrf_token(client, url)
    client.post(f"{url}/role", data={"csrf_token": token, "role": "organiser"})
    reset = client.post(f"{url}/password", data={"csrf_token": token}, follow_redirects=True)
    assert "已为欧阳明（200123）生成新密码" in reset.get_data(as_text=True)
    client.post(f"{url}/deactivate", data={"csrf_token": token})
    db.session.expire_all()
    officer = get_officer("200123")
    assert officer.role == "organiser" and not officer.active and officer.must_change_password
    audit = client.get("/admin/audit/?action=officer.password_reset").get_data(as_text=True)
    assert "重置欧阳明（200123）的密码" in audit


def test_officers_and_organisers_cannot_reach_admin_pages(client):
    make_officer(badge="300001", role="organiser")
    login(client, "300001")
    for path in ("/admin/officers", "/admin/roster/import", "/admin/audit/"):
        response = client.get(path)
        assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/officers")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_roster_import_over_the_api(client):
    make_officer(badge="100001", role="admin", department="市公安局")
    from tests.factories import api_token

    headers = api_token(client, "100001")
    bad = bureau_rows(5)
    bad[2][3] = "局长"
    response = client.post("/api/v1/roster/import", headers=headers,
                           data={"file": (io.BytesIO(csv_bytes(bad)), "r.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["errors"] == [{"row": 4, "column": "角色", "message": "角色“局长”无效，应为民警、组织者或管理员。"}]

    response = client.post("/api/v1/roster/import", headers=headers,
                           data={"file": (io.BytesIO(csv_bytes(bureau_rows(5))), "r.csv"), "dry_run": "true"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and len(response.get_json()["new"]) == 5
    assert get_officer("310000") is None
    response = client.post("/api/v1/roster/import", headers=headers,
                           data={"file": (io.BytesIO(csv_bytes(bureau_rows(5))), "r.csv")},
                           content_type="multipart/form-data")
    assert len(response.get_json()["generated_passwords"]) == 5 and get_officer("310000") is not None


def test_template_download(client):
    admin_client(client)
    response = client.get("/admin/roster/template.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    from quizapp.roster.importer import parse_roster

    assert parse_roster("t.xlsx", response.data).errors == []


def test_admin_sets_an_officers_email_for_reminders(client):
    admin_client(client)
    officer = make_officer(badge="200124", name="郑好")
    url = f"/admin/officers/{officer.id}"
    token = csrf_token(client, url)
    bad = client.post(f"{url}/email", data={"csrf_token": token, "email": "not-an-address"}, follow_redirects=True)
    assert "邮箱格式不正确" in bad.get_data(as_text=True)
    client.post(f"{url}/email", data={"csrf_token": token, "email": "zheng@example.org"})
    db.session.expire_all()
    assert get_officer("200124").email == "zheng@example.org"
    assert "郑好（200124）邮箱：zheng@example.org" in client.get("/admin/audit/").get_data(as_text=True)


def _import(client, rows):
    page = upload(client, xlsx_bytes(rows), "名单.xlsx").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/admin/roster/import/confirm",
                       data={"csrf_token": csrf_token(client, "/admin/roster/import"), "token": token})


def test_initial_passwords_come_once_as_an_xlsx_and_as_printable_slips_and_are_kept_nowhere(client):
    import base64

    from openpyxl import load_workbook

    from quizapp.auth.passwords import verify_password
    from quizapp.uploads import PendingUpload

    admin_client(client)
    result = _import(client, bureau_rows(5))
    html = result.get_data(as_text=True)
    assert result.headers["Cache-Control"] == "no-store"

    link = re.search(r'href="data:application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet;base64,'
                     r'([^"]+)" download="初始密码5人\.xlsx"', html)
    assert link, "the xlsx download is on the result page"
    sheet = load_workbook(io.BytesIO(base64.b64decode(link.group(1))))["初始密码"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("警号", "姓名", "部门", "初始密码", "登录地址")
    assert len(rows) == 6 and all(row[4] == "http://localhost/login" for row in rows[1:])
    for badge, name, department, password, _ in rows[1:]:
        officer = get_officer(badge)
        assert officer.name == name and officer.department.path == department
        assert verify_password(officer.password_hash, password) and password not in officer.password_hash

    slips = re.findall(r'<div class="slip">(.*?)</div>\s*<img class="slip-qr" src="([^"]+)"', html, re.S)
    assert len(slips) == 5
    first_badge, first_name, _, first_password, _ = rows[1]
    text, qr = slips[0]
    assert first_name in text and first_badge in text and first_password in text and "http://localhost/login" in text
    svg = client.get(qr)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert "打印密码条" in html and "js/print.js" in html

    # Nothing is left to fetch them again: no pending upload, and the officers list never shows them.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 0
    assert first_password not in client.get("/admin/officers").get_data(as_text=True)


def test_an_import_that_generates_no_passwords_offers_no_slips(client):
    admin_client(client)
    rows = bureau_rows(2)
    for row in rows:
        row[4] = "Chushi2026x"
    html = _import(client, rows).get_data(as_text=True)
    assert "导入完成：新增2人" in html and 'class="slip"' not in html and "下载初始密码" not in html


def test_admin_marks_an_account_as_service_account_on_its_page_and_back(client):
    admin_client(client)
    officer = make_officer(badge="310001", name="王伟")
    page = client.get(f"/admin/officers/{officer.id}").get_data(as_text=True)
    assert "服务账号" in page and "不计为民警" in page
    token = csrf_token(client, f"/admin/officers/{officer.id}")
    response = client.post(f"/admin/officers/{officer.id}/service", data={"csrf_token": token, "service": "y"},
                           follow_redirects=True)
    assert "已设为服务账号" in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_officer("310001").is_service_account
    listing = client.get("/admin/officers?q=310001").get_data(as_text=True)
    assert "服务账号</span>" in listing
    only_service = client.get("/admin/officers?service=1").get_data(as_text=True)
    assert "310001" in only_service and "100001" not in only_service
    assert "310001" not in client.get("/admin/officers?service=0").get_data(as_text=True)

    response = client.post(f"/admin/officers/{officer.id}/service", data={"csrf_token": token}, follow_redirects=True)
    assert "已取消服务账号" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not get_officer("310001").is_service_account
