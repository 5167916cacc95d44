"""Pages for amended sources: record an amendment on 按出处查看, the review queue, keep / edit / retire."""
from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.banks import services
from quizapp.banks.models import Question, SourceAmendment
from quizapp.extensions import db
from tests.factories import csrf_token, login, make_officer

PARTY = "中国共产党章程"


def setup_bank():
    bank = services.create_bank(None, "党章题库", "theory")
    for stem, article in (("第三条甲", "第三条"), ("第三条乙", "第三条第一款"), ("第十条", "第十条")):
        services.create_question(None, bank, services.QuestionInput(
            "judge", f"引用{stem}的题", [], "对", explanation="解析", chapter="党章", source_document=PARTY,
            source_article=article))
    return bank


def amend(client, bank, **fields):
    path = f"/admin/banks/{bank.id}/sources"
    data = {"csrf_token": csrf_token(client, path), "document": PARTY, "amended_on": "2022-10-22",
            "articles": "第三条", "note": "党的二十大部分修改"}
    data.update(fields)
    return client.post(f"{path}/amend", data=data)


def test_organiser_records_an_amendment_and_sees_the_queue_but_cannot_review(client):
    bank = setup_bank()
    make_officer(badge="700001", role="organiser", department="市公安局/政治处")
    login(client, "700001")
    sources = client.get(f"/admin/banks/{bank.id}/sources").get_data(as_text=True)
    assert "记录此文件的修订" in sources and 'name="amended_on"' in sources
    response = amend(client, bank)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/banks/reviews?bank={bank.id}")
    queue = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2道试题待复核" in queue or "待复核" in queue
    assert "引用第三条甲的题" in queue and "引用第三条乙的题" in queue and "引用第十条的题" not in queue
    assert "2022年10月22日</time>修订：第三条（党的二十大部分修改）" in queue  # the date kept on one line
    assert "复核由题库管理员完成" in queue
    question = db.session.scalar(sa.select(Question).where(Question.stem == "引用第三条甲的题"))
    token = csrf_token(client, f"/admin/banks/reviews?bank={bank.id}")
    assert client.post(f"/admin/banks/reviews/{question.id}/kept", data={"csrf_token": token}).status_code == 403
    sources = client.get(f"/admin/banks/{bank.id}/sources").get_data(as_text=True)
    assert "2题待复核" in sources and "2022年10月22日</time>：第三条（党的二十大部分修改）" in sources


def test_a_bad_date_or_a_repeat_is_refused_in_chinese(client):
    bank = setup_bank()
    make_officer(badge="100001", role="admin")
    login(client, "100001")
    page = client.get(amend(client, bank, amended_on="2022-13-40").headers["Location"]).get_data(as_text=True)
    assert "日期应为“年-月-日”" in page
    amend(client, bank)
    page = client.get(amend(client, bank).headers["Location"]).get_data(as_text=True)
    assert "已记录过《中国共产党章程》2022年10月22日的这次修订" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SourceAmendment)) == 1


def test_admin_keeps_edits_and_retires_from_the_queue(client):
    bank = setup_bank()
    make_officer(badge="100001", role="admin")
    login(client, "100001")
    amend(client, bank, articles="第三条、第十条")
    queue_path = f"/admin/banks/reviews?bank={bank.id}"
    first, second, third = db.session.scalars(sa.select(Question).order_by(Question.id)).all()
    token = csrf_token(client, queue_path)
    kept = client.post(f"/admin/banks/reviews/{first.id}/kept?bank={bank.id}", data={"csrf_token": token})
    assert kept.headers["Location"].endswith(queue_path)
    client.post(f"/admin/banks/reviews/{third.id}/retired", data={"csrf_token": token})
    queue = client.get(queue_path).get_data(as_text=True)
    edit_link = re.search(r'href="(/admin/banks/questions/%d\?[^"]+)"' % second.id, queue).group(1).replace("&amp;", "&")
    form = client.get(edit_link).get_data(as_text=True)
    assert "此题依据的文件已修订" in form and 'name="reviewed"' in form and "checked" in form
    saved = client.post(edit_link, data={"csrf_token": csrf_token(client, edit_link), "type": "judge",
                                         "stem": "引用第三条乙的题（按新条文修改）", "judge": "false", "difficulty": "2",
                                         "source_document": PARTY, "source_article": "第三条第一款", "reviewed": "y"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(queue_path)
    db.session.expire_all()
    assert [(q.needs_review, q.retired) for q in (first, second, third)] == [(False, False), (False, False),
                                                                             (False, True)]
    assert "没有待复核的试题" in client.get(queue_path).get_data(as_text=True)


def test_bank_page_marks_questions_awaiting_review(client):
    bank = setup_bank()
    make_officer(badge="100001", role="admin")
    login(client, "100001")
    amend(client, bank)
    page = client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    assert "2道试题引用的条款已修订" in page
    only = client.get(f"/admin/banks/{bank.id}?status=review").get_data(as_text=True)
    assert "引用第三条甲的题" in only and "引用第十条的题" not in only
