"""Every exam's short link and QR code: the organiser copies, downloads and prints them;
an officer's phone follows them through login to the exam's intro page."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote, unquote

import pytest

from quizapp import timeutil
from quizapp.exams import definitions
from quizapp.exams.candidates import admit_latecomers
from quizapp.exams.models import LINK_ALPHABET, Exam
from quizapp.extensions import db
from tests.exam_factories import exam_spec, make_bank, make_organiser
from tests.factories import DEFAULT_PASSWORD, csrf_token, login, make_officer
from tests.qr_reader import read_qr

pytestmark = pytest.mark.usefixtures("app")

TITLE = "第一季度政治理论测试"


def _exam(**overrides) -> Exam:
    organiser = make_organiser()
    make_officer(badge="800001", department="市公安局/治安大队")
    return definitions.create_exam(organiser, exam_spec(make_bank(), title=TITLE, departments=("市公安局/治安大队",),
                                                        **overrides))


def _short_path(exam: Exam) -> str:
    return f"/k/{exam.link_code}"


def test_every_exam_has_its_own_short_code_kept_when_edited():
    exam = _exam(opens_at=timeutil.now() + timedelta(days=1), closes_at=timeutil.now() + timedelta(days=2))
    other = definitions.create_exam(None, exam_spec(make_bank(name="另一题库"), title="第二场"))
    assert re.fullmatch(f"[{LINK_ALPHABET}]{{6}}", exam.link_code) and exam.link_code != other.link_code
    code = exam.link_code
    definitions.update_exam(None, exam, exam_spec(make_bank(name="新题库"), title="改过的标题",
                                                  opens_at=timeutil.now() + timedelta(days=1),
                                                  closes_at=timeutil.now() + timedelta(days=2)))
    assert db.session.get(Exam, exam.id).link_code == code


def test_the_qr_code_decodes_to_the_exams_absolute_link(client):
    exam = _exam()
    login(client, "700001")
    png = client.get(f"/manage/exams/{exam.id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    link = read_qr(png.data)
    assert link == f"http://localhost{_short_path(exam)}"
    disposition = png.headers["Content-Disposition"]
    assert "attachment" in disposition and quote(f"{TITLE}二维码.png") in disposition

    svg = client.get(f"/manage/exams/{exam.id}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert ET.fromstring(svg.data).tag == "{http://www.w3.org/2000/svg}svg"
    assert quote(f"{TITLE}二维码.svg") in svg.headers["Content-Disposition"]


def test_the_link_uses_the_public_base_url_when_set(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "QUIZAPP_BASE_URL", "https://ks.gaj.example.cn")
    exam = _exam()
    login(client, "700001")
    assert read_qr(client.get(f"/manage/exams/{exam.id}/qr.png").data) == f"https://ks.gaj.example.cn{_short_path(exam)}"
    page = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    assert f'value="https://ks.gaj.example.cn{_short_path(exam)}"' in page


def test_exam_page_shows_the_link_with_copy_download_and_print(client):
    exam = _exam()
    login(client, "700001")
    page = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    for text in ("考试链接与二维码", "复制链接", "下载二维码（PNG）", "下载二维码（SVG）", "打印考试通知",
                 f"http://localhost{_short_path(exam)}", "<svg", "js/exam_link.js"):
        assert text in page, text


def test_the_a4_notice_has_title_window_duration_code_and_link(client):
    exam = _exam()
    login(client, "700001")
    page = client.get(f"/manage/exams/{exam.id}/notice").get_data(as_text=True)
    text_only = re.sub(r"<[^>]+>", "", page)
    window = f"{timeutil.format_local(exam.opens_at)} 至 {timeutil.format_local(exam.closes_at)}"
    assert window in text_only
    for text in (TITLE, "30分钟", "<svg", f"http://localhost{_short_path(exam)}", "css/exam_notice.css"):
        assert text in page, text


def test_downloads_and_notice_are_for_the_exams_managers_only(client):
    exam = _exam()
    login(client, "800001")
    for path in ("qr.png", "qr.svg", "notice"):
        assert client.get(f"/manage/exams/{exam.id}/{path}").status_code == 403


def test_scanning_leads_through_login_straight_to_the_intro(client):
    exam = _exam()
    first = client.get(_short_path(exam))
    assert first.status_code == 302 and "/login" in first.headers["Location"]
    login_url = first.headers["Location"]
    assert unquote(login_url.split("next=", 1)[1]) == _short_path(exam)
    logged_in = client.post(login_url, data={"csrf_token": csrf_token(client, login_url), "badge": "800001",
                                             "password": DEFAULT_PASSWORD})
    assert logged_in.headers["Location"] == _short_path(exam)
    intro = client.get(_short_path(exam), follow_redirects=True)
    text = intro.get_data(as_text=True)
    assert intro.status_code == 200 and "开始考试" in text and TITLE in text


def test_an_officer_with_an_initial_password_changes_it_and_lands_on_the_intro(client):
    exam = _exam()
    make_officer(badge="800009", department="市公安局/治安大队", must_change_password=True)
    admit_latecomers()  # the sweep invites an officer added after the exam was created
    login_url = client.get(_short_path(exam)).headers["Location"]
    changed_url = client.post(login_url, data={"csrf_token": csrf_token(client, login_url), "badge": "800009",
                                               "password": DEFAULT_PASSWORD}).headers["Location"]
    assert changed_url.startswith("/password")
    done = client.post(changed_url, data={"csrf_token": csrf_token(client, changed_url), "current": DEFAULT_PASSWORD,
                                          "new": "Xinmima2026!", "confirm": "Xinmima2026!"})
    assert done.status_code == 302 and done.headers["Location"] == _short_path(exam)


def test_an_officer_not_invited_gets_a_clear_403(client):
    exam = _exam()
    make_officer(badge="800002", department="市公安局/刑侦大队")
    login(client, "800002")
    response = client.get(_short_path(exam), follow_redirects=True)
    assert response.status_code == 403
    assert "您不在本场考试的参考人员名单中，如有疑问请联系组织部门。" in response.get_data(as_text=True)


def test_an_unknown_code_is_a_chinese_404(client):
    _exam()
    login(client, "800001")
    response = client.get("/k/zzzzzz")
    assert response.status_code == 404 and "没有找到这个考试链接" in response.get_data(as_text=True)


def test_a_code_typed_in_capitals_still_works(client):
    exam = _exam()
    login(client, "800001")
    assert client.get(f"/k/{exam.link_code.upper()}").headers["Location"].endswith(f"/exams/{exam.id}")


def test_a_not_yet_open_exam_says_so(client):
    exam = _exam(opens_at=timeutil.now() + timedelta(days=1), closes_at=timeutil.now() + timedelta(days=2))
    login(client, "800001")
    assert "考试尚未开始" in client.get(_short_path(exam), follow_redirects=True).get_data(as_text=True)


def test_a_closed_exam_says_so(client):
    exam = _exam()
    definitions.close_exam(None, exam)
    login(client, "800001")
    assert "考试已结束" in client.get(_short_path(exam), follow_redirects=True).get_data(as_text=True)
