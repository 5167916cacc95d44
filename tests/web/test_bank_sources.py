"""Questions tied to their source: the form, the bank page's source filter, the page by source, xlsx."""
from __future__ import annotations

import io

import openpyxl
import sqlalchemy as sa

from quizapp.banks import services
from quizapp.banks.formats import parse_file
from quizapp.banks.models import Question
from quizapp.extensions import db
from tests.web.test_bank_pages import admin_client, question_form


def cited(bank, stem, document="", article="", type_="judge"):
    return services.create_question(None, bank, services.QuestionInput(
        type_, stem, [], "对", source_document=document, source_article=article))


def test_question_form_saves_and_shows_the_source(client):
    admin_client(client)
    bank = services.create_bank(None, "党章题库", "theory")
    path = f"/admin/banks/{bank.id}/questions/new"
    assert question_form(client, path, source_document="《中国共产党章程》", source_article="第 三 条").status_code == 302
    question = db.session.scalar(sa.select(Question).where(Question.stem == "新题"))
    assert (question.source_document, question.source_article) == ("中国共产党章程", "第三条")
    edit = client.get(f"/admin/banks/questions/{question.id}").get_data(as_text=True)
    assert 'value="中国共产党章程"' in edit and 'value="第三条"' in edit
    page = client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    assert "《中国共产党章程》第三条" in page


def test_article_without_a_document_is_refused_in_place(client):
    admin_client(client)
    bank = services.create_bank(None, "党章题库", "theory")
    response = question_form(client, f"/admin/banks/{bank.id}/questions/new", source_article="第三条")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="source_document-err"' in html and "没有出处文件名称" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_bank_lists_questions_by_source(client):
    admin_client(client)
    bank = services.create_bank(None, "综合题库", "theory")
    cited(bank, "党章第三条甲", "中国共产党章程", "第三条")
    cited(bank, "党章第三条乙", "中国共产党章程", "第三条")
    cited(bank, "党章第十条", "中国共产党章程", "第十条")
    cited(bank, "党章总纲", "中国共产党章程", "总纲")
    cited(bank, "警察法第二十二条的题", "中华人民共和国人民警察法", "第二十二条")
    cited(bank, "无出处")
    page = client.get(f"/admin/banks/{bank.id}/sources").get_data(as_text=True)
    party = page.index("《中国共产党章程》")
    assert party < page.index("《中华人民共和国人民警察法》")  # most cited first
    # Articles in the document's order: named parts, then 第三条 before 第十条.
    assert page.index("总纲", party) < page.index("第三条", party) < page.index("第十条", party)
    assert "未注明出处的试题" in page
    listing = client.get(f"/admin/banks/{bank.id}?document=中国共产党章程&article=第三条").get_data(as_text=True)
    assert "党章第三条甲" in listing and "党章第三条乙" in listing and "党章第十条" not in listing
    uncited = client.get(f"/admin/banks/{bank.id}?document=__none__").get_data(as_text=True)
    assert "无出处" in uncited and "警察法第二十二条的题" not in uncited


def test_xlsx_export_writes_the_source_as_people_cite_it(client):
    admin_client(client)
    bank = services.create_bank(None, "党章题库", "theory")
    cited(bank, "党章第三条", "中国共产党章程", "第三条")
    data = client.get(f"/admin/banks/{bank.id}/export.xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("出处") + 1).value == "《中国共产党章程》第三条"
    (question,) = parse_file("back.xlsx", data).questions
    assert (question.source_document, question.source_article) == ("中国共产党章程", "第三条")


def test_template_examples_cite_their_sources(client):
    admin_client(client)
    result = parse_file("template.xlsx", client.get("/admin/banks/template.xlsx").data)
    assert all(q.source_document for q in result.questions)
