"""Practice and the exam form list a bank's chapters in natural Chinese order, like every other list."""
import sqlalchemy as sa

from quizapp.banks.models import Question
from quizapp.extensions import db
from quizapp.practice import services
from tests.exam_factories import make_bank
from tests.factories import make_officer


def test_practice_chapters_and_progress_follow_natural_chinese_order(app):
    bank = make_bank("章节练习", single=5, multiple=0, judge=0, fill=0)
    questions = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id))
    for question, chapter in zip(questions, ("第十章", "第二章", "第十一章", "第一章", "第三章")):
        question.chapter = chapter
    db.session.commit()
    expected = ["第一章", "第二章", "第三章", "第十章", "第十一章"]

    assert [chapter for chapter, _ in services.chapters(bank.id)] == expected
    officer = make_officer()
    assert [c.chapter for c in services.bank_progress(officer.id, bank.id).chapters] == expected


def test_exam_form_offers_a_banks_chapters_in_the_same_natural_order(app):
    from quizapp.exams.form_data import bank_catalogue

    bank = make_bank("组卷章节", single=4, multiple=0, judge=0, fill=0)
    questions = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id))
    for question, chapter in zip(questions, ("第10讲", "第2讲", "第01讲", "附录")):
        question.chapter = chapter
    db.session.commit()
    chapters = [c["name"] for c in bank_catalogue()[str(bank.id)]["chapters"]]
    assert chapters == ["第01讲", "第2讲", "第10讲", "附录"]
