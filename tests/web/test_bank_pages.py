"""Bank pages: import with preview, the question form, filters, delete, access."""
from __future__ import annotations

import io
import json
import re

import openpyxl
import sqlalchemy as sa

from quizapp.banks import services
from quizapp.banks.formats import parse_file
from quizapp.banks.models import Question, QuestionBank
from quizapp.extensions import db
from tests.factories import csrf_token, login, make_officer


def xlsx(rows, header=("题型", "题干", "选项A", "选项B", "选项C", "答案", "章节")) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS = [["单选", "单选题", "甲", "乙", "", "A", "第一章"], ["多选", "多选题", "甲", "乙", "丙", "AB", "第一章"],
        ["判断", "判断题", "", "", "", "对", "第二章"], ["填空", "填空（ ）", "", "", "", "答", "第二章"]]


def admin_client(client):
    make_officer(badge="100001", name="管理员", role="admin")
    login(client, "100001")
    return client


def upload(client, data, filename="bank.xlsx", **fields):
    form = {"csrf_token": csrf_token(client, "/admin/banks/import"), "bank_name": "法规题库", "category": "regulations",
            "on_duplicate": "skip", "file": (io.BytesIO(data), filename)}
    form.update(fields)
    return client.post("/admin/banks/import", data=form, content_type="multipart/form-data")


def confirm(client, preview_html):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_html)
    assert token, "no confirm form on the preview"
    return client.post("/admin/banks/import/confirm", data={
        "csrf_token": csrf_token(client, "/admin/banks/"), "token": token.group(1)})


def test_import_preview_shows_counts_then_confirm_writes(client):
    admin_client(client)
    preview = upload(client, xlsx(ROWS))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认导入" in html and "将新增 <strong>4</strong> 题" in html
    assert services.find_bank("法规题库") is None  # the preview writes nothing
    response = confirm(client, html)
    assert response.status_code == 302
    bank = services.find_bank("法规题库")
    assert bank is not None and len(bank.questions) == 4
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "新增4题" in page and "单选题" in page


def test_preview_with_errors_lists_them_and_offers_no_confirm(client):
    admin_client(client)
    html = upload(client, xlsx(ROWS + [["单选", "坏题", "甲", "乙", "", "Z", ""]])).get_data(as_text=True)
    assert "整个文件都不会导入" in html and "确认导入" not in html
    assert re.search(r'<td class="where">第6行 第F列<br><span class="muted">答案</span></td><td>答案“Z”不是选项字母', html)


def test_valid_only_confirms_the_good_rows(client):
    admin_client(client)
    html = upload(client, xlsx(ROWS + [["单选", "坏题", "甲", "乙", "", "Z", ""]]), valid_only="y").get_data(as_text=True)
    assert "这些题目将被跳过" in html
    confirm(client, html)
    assert len(services.find_bank("法规题库").questions) == 4


def test_preview_counts_duplicates_and_update_overwrites(client):
    admin_client(client)
    confirm(client, upload(client, xlsx(ROWS)).get_data(as_text=True))
    changed = [row[:] for row in ROWS]
    changed[0][5] = "B"
    html = upload(client, xlsx(changed), on_duplicate="update").get_data(as_text=True)
    assert re.search(r'<div class="stat">4</div>重复', html)
    confirm(client, html)
    assert db.session.scalar(sa.select(Question.answer).where(Question.stem == "单选题")) == "B"


def test_hostile_upload_gets_a_clear_error_page(client):
    admin_client(client)
    response = upload(client, b"PK\x03\x04 definitely not a workbook", filename="bank.xlsx")
    assert response.status_code == 200
    assert "无法打开" in response.get_data(as_text=True)


def test_template_download_has_an_example_of_each_type(client):
    admin_client(client)
    response = client.get("/admin/banks/template.xlsx")
    assert response.status_code == 200
    result = parse_file("template.xlsx", response.data)
    assert not result.errors
    assert sorted(q.type for q in result.questions) == ["fill", "judge", "multiple", "single"]


def test_banks_list_and_question_filters(client):
    admin_client(client)
    confirm(client, upload(client, xlsx(ROWS)).get_data(as_text=True))
    bank = services.find_bank("法规题库")
    listing = client.get("/admin/banks/").get_data(as_text=True)
    assert "法规题库" in listing and "2个章节" in listing
    page = client.get(f"/admin/banks/{bank.id}?type=judge").get_data(as_text=True)
    assert "判断题" in page and "多选题" not in page
    page = client.get(f"/admin/banks/{bank.id}?q=填空").get_data(as_text=True)
    assert "填空（ ）" in page and "判断题" not in page
    page = client.get(f"/admin/banks/{bank.id}?chapter=第一章").get_data(as_text=True)
    assert "单选题" in page and "判断题" not in page


def question_form(client, path, **fields):
    data = {"csrf_token": csrf_token(client, path), "type": "single", "stem": "新题", "difficulty": "2",
            "option_A": "甲", "option_B": "乙", "correct": ["B"]}
    data.update(fields)
    return client.post(path, data=data)


def test_question_form_adds_edits_and_reports_errors_in_place(client):
    admin_client(client)
    bank = services.create_bank(None, "题库", "theory")
    path = f"/admin/banks/{bank.id}/questions/new"
    assert question_form(client, path).status_code == 302
    question = db.session.scalar(sa.select(Question).where(Question.stem == "新题"))
    assert question.answer == "B"
    bad = question_form(client, path, stem="另一题", correct=["C"])
    assert bad.status_code == 422 and "单选题答案" in bad.get_data(as_text=True)
    gap = question_form(client, path, stem="另一题", option_B="", option_C="丙", correct=["A"])
    assert gap.status_code == 422 and "选项B为空" in gap.get_data(as_text=True)
    edit_path = f"/admin/banks/questions/{question.id}"
    assert "checked" in client.get(edit_path).get_data(as_text=True)
    assert question_form(client, edit_path, type="judge", judge="false").status_code == 302
    db.session.expire_all()
    assert (question.type, question.answer, question.options) == ("judge", False, [])
    assert question_form(client, edit_path, type="fill", stem="（ ）和（ ）", blanks="甲/乙\n丙").status_code == 302
    db.session.expire_all()
    assert question.answer == [["甲", "乙"], ["丙"]]


def test_retire_and_restore_a_question(client):
    admin_client(client)
    bank = services.create_bank(None, "题库", "theory")
    question = services.create_question(None, bank, services.QuestionInput("judge", "题", [], "对"))
    token = csrf_token(client, f"/admin/banks/{bank.id}")
    client.post(f"/admin/banks/questions/{question.id}/retire", data={"csrf_token": token})
    db.session.expire_all()
    assert question.retired
    client.post(f"/admin/banks/questions/{question.id}/restore", data={"csrf_token": token})
    db.session.expire_all()
    assert not question.retired


def test_delete_bank_needs_the_typed_name(client):
    admin_client(client)
    bank = services.create_bank(None, "要删的题库", "other")
    path = f"/admin/banks/{bank.id}/delete"
    wrong = client.post(path, data={"csrf_token": csrf_token(client, path), "confirm_name": "要删"})
    assert "请输入完整的题库名称" in wrong.get_data(as_text=True)
    assert db.session.get(QuestionBank, bank.id) is not None
    right = client.post(path, data={"csrf_token": csrf_token(client, path), "confirm_name": "要删的题库"})
    assert right.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(QuestionBank).where(QuestionBank.name == "要删的题库")) is None


def test_export_downloads_json_that_imports_back(client):
    admin_client(client)
    confirm(client, upload(client, xlsx(ROWS)).get_data(as_text=True))
    bank = services.find_bank("法规题库")
    document = json.loads(client.get(f"/admin/banks/{bank.id}/export.json").data)
    assert document["bank"] == {"name": "法规题库", "category": "regulations"}
    assert len(document["questions"]) == 4
    assert client.get(f"/admin/banks/{bank.id}/export.xlsx").data.startswith(b"PK")


def test_organiser_reads_but_cannot_change(client):
    make_officer(badge="200001", role="organiser")
    bank = services.create_bank(None, "题库", "theory")
    login(client, "200001")
    assert client.get("/admin/banks/").status_code == 200
    assert "添加试题" not in client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    assert client.get("/admin/banks/import").status_code == 403
    assert client.get(f"/admin/banks/{bank.id}/questions/new").status_code == 403


def test_officer_cannot_see_bank_management(client):
    make_officer(badge="300001")
    login(client, "300001")
    assert client.get("/admin/banks/").status_code == 403
    assert "题库管理" not in client.get("/").get_data(as_text=True)


def test_question_list_is_paginated(client):
    admin_client(client)
    rows = [["判断", f"第{n:02d}题", "", "", "", "对", ""] for n in range(35)]
    confirm(client, upload(client, xlsx(rows)).get_data(as_text=True))
    bank = services.find_bank("法规题库")
    first = client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    assert "第00题" in first and "第34题" not in first and "共35条" in first
    second = client.get(f"/admin/banks/{bank.id}?page=2").get_data(as_text=True)
    assert "第34题" in second and "第00题" not in second


def test_delete_page_refuses_a_bank_an_exam_uses(client):
    from quizapp.banks.usage import BANK_USAGE_CHECKS, register_bank_usage

    admin_client(client)
    bank = services.create_bank(None, "考试用题库", "other")

    def used(checked):
        return "年度考试" if checked.id == bank.id else None

    register_bank_usage(used)
    try:
        path = f"/admin/banks/{bank.id}/delete"
        page = client.get(path).get_data(as_text=True)
        assert "已被考试使用（年度考试）" in page and "永久删除" not in page
        refused = client.post(path, data={"csrf_token": csrf_token(client, "/admin/banks/"), "confirm_name": "考试用题库"})
        assert "不能删除" in refused.get_data(as_text=True)
    finally:
        BANK_USAGE_CHECKS.remove(used)
    assert services.find_bank("考试用题库") is not None


def test_preview_shows_the_parsed_questions_with_the_answer_marked(client):
    admin_client(client)
    html = upload(client, xlsx(ROWS)).get_data(as_text=True)
    single = html[html.index('id="sample-single"'):html.index('id="sample-multiple"')]
    assert "单选题" in single and re.search(r'<li class="right">A\. 甲 <span class="mark">✓ 正确答案</span></li>', single)
    assert '<li class="">B. 乙</li>' in single
    judge = html[html.index('id="sample-judge"'):]
    assert "答案：<strong>正确</strong>" in judge


def test_preview_lists_warnings_located_by_question_and_line(client):
    admin_client(client)
    text = "学习题库（2026年）\n1. 警察应当文明执勤。\n答案：对\n我的答案：错\n".encode()
    html = upload(client, text, filename="bank.txt").get_data(as_text=True)
    assert "提示（2处，不影响导入）" in html and "第1行" in html and "学习题库（2026年）" in html
    assert "确认导入" in html


def test_confirm_imports_exactly_what_was_previewed(client, monkeypatch):
    admin_client(client)
    html = upload(client, xlsx(ROWS)).get_data(as_text=True)

    def refuse(*args, **kwargs):
        raise AssertionError("the file must not be parsed again on confirm")

    monkeypatch.setattr(services, "parse_file", refuse)
    assert confirm(client, html).status_code == 302
    bank = services.find_bank("法规题库")
    assert sorted(q.stem for q in bank.questions) == ["判断题", "单选题", "填空（ ）", "多选题"]


def test_upload_again_keeps_the_bank_name_and_settings(client):
    admin_client(client)
    html = upload(client, xlsx(ROWS + [["单选", "坏题", "甲", "乙", "", "Z", ""]]), on_duplicate="update").get_data(
        as_text=True)
    again = re.search(r'<a class="button" href="([^"]+)">重新上传</a>', html).group(1).replace("&amp;", "&")
    form = client.get(again).get_data(as_text=True)
    assert 'value="法规题库"' in form
    assert re.search(r'<option selected value="regulations">|<option value="regulations" selected>', form)
    assert re.search(r'value="update"[^>]*checked|checked[^>]*value="update"', form)


def test_question_list_shows_difficulty_in_words_and_chapters_in_natural_order(client):
    from tests.exam_factories import make_bank

    bank = make_bank("章节题库", single=4, multiple=0, judge=0, fill=0)
    questions = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id)).all()
    for question, chapter, difficulty in zip(questions, ("第十章", "第二章", "第十一章", "第一章"), (1, 2, 3, 3)):
        question.chapter, question.difficulty = chapter, difficulty
    db.session.commit()
    admin_client(client)

    html = client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    filter_box = html[html.index('id="chapter"'):html.index("</select>", html.index('id="chapter"'))]
    assert re.findall(r">(第[^<]*章)</option>", filter_box) == ["第一章", "第二章", "第十章", "第十一章"]
    rows = re.findall(r'<td class="chapter">(第[^<]*章).*?</td>\s*<td>(易|中|难)</td>', html, re.S)
    assert sorted(rows) == sorted([("第十章", "易"), ("第二章", "中"), ("第十一章", "难"), ("第一章", "难")])

    index = client.get("/admin/banks/").get_data(as_text=True)
    assert re.findall(r"<li>(第[^<]*章)：", index) == ["第一章", "第二章", "第十章", "第十一章"]
