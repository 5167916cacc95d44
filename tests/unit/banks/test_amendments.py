"""Amended sources: recording an amendment flags the questions citing it 待复核; they stay out of new
exam papers, practice and mock exams until an admin keeps, edits or retires them (audited)."""
from __future__ import annotations

import random
from datetime import date

import pytest
import sqlalchemy as sa

from quizapp.audit.models import AuditEntry
from quizapp.banks import amendments, services
from quizapp.banks.errors import BankError
from quizapp.banks.models import Question, QuestionReview
from quizapp.exams.attempts import start_attempt
from quizapp.exams.definitions import create_exam
from quizapp.exams.errors import ExamError
from quizapp.exams.models import PaperItem
from quizapp.exams.spec import RuleSpec
from quizapp.extensions import db
from quizapp.practice import mock, services as practice
from tests.exam_factories import exam_spec, make_organiser
from tests.factories import make_officer

PARTY = "中国共产党章程"
AMENDED_2022 = date(2022, 10, 22)


def judge(bank, stem, article, document=PARTY, answer="对"):
    return services.create_question(None, bank, services.QuestionInput(
        "judge", stem, [], answer, explanation="解析", chapter="党章", source_document=document,
        source_article=article))


@pytest.fixture
def cited(app):
    """Two banks citing the party constitution; questions named by what they cite."""
    bank = services.create_bank(None, "党章题库", "theory")
    other = services.create_bank(None, "支部题库", "theory")
    questions = {
        "art3": judge(bank, "党员必须履行义务甲", "第三条"),
        "art3p2": judge(bank, "党员必须履行义务乙", "第三条第二款"),
        "art30": judge(bank, "第三十条的题", "第三十条"),
        "whole": judge(bank, "引用整部党章的题", ""),
        "general": judge(bank, "总纲的题", "总纲"),
        "police": judge(bank, "警察法第三条的题", "第三条", document="中华人民共和国人民警察法"),
        "other_bank": judge(other, "另一题库引用第三条", "第三条"),
        "retired": judge(bank, "已停用的第三条题", "第三条"),
    }
    services.set_retired(None, questions["retired"], True)
    return bank, other, questions


def flagged(questions) -> set[str]:
    db.session.expire_all()
    return {name for name, q in questions.items() if db.session.get(Question, q.id).needs_review}


def record(actor=None, articles="第三条", document=PARTY, on=AMENDED_2022, note=""):
    return amendments.record_amendment(actor, amendments.AmendmentInput(document, on, articles, note))


def test_recording_an_amendment_flags_exactly_the_questions_citing_its_articles(cited):
    bank, other, questions = cited
    organiser = make_organiser()
    amendment, count = record(organiser, "第三条、总纲", note="党的二十大部分修改")
    # Any paragraph of 第三条, the whole document, in any bank; not 第三十条, not another law, not retired ones.
    assert flagged(questions) == {"art3", "art3p2", "whole", "general", "other_bank"} and count == 5
    assert amendment.articles == ["第三条", "总纲"] and amendment.recorded_by_id == organiser.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "source.amend"))
    assert entry.actor_id == organiser.id and "5道试题待复核" in entry.summary
    assert [p.question.stem for p in amendments.pending_reviews(other)] == ["另一题库引用第三条"]
    assert amendments.pending_count(bank) == 4


def test_an_amendment_of_the_whole_text_flags_every_question_citing_the_document(cited):
    _, _, questions = cited
    _, count = record(articles="")
    assert flagged(questions) == {"art3", "art3p2", "art30", "whole", "general", "other_bank"} and count == 6


def test_amendments_are_validated_and_not_recorded_twice(cited):
    for bad, message in ((amendments.AmendmentInput("", AMENDED_2022), "文件名称"),
                         (amendments.AmendmentInput(PARTY, None), "修订日期"),
                         (amendments.AmendmentInput(PARTY, AMENDED_2022, "第" + "三" * 120 + "条"), "不能超过")):
        with pytest.raises(BankError, match=message):
            amendments.record_amendment(None, bad)
    record(articles="第三条")
    with pytest.raises(BankError, match="已记录过"):
        record(articles=" 第三条 ")
    db.session.rollback()
    # art3, art3p2, whole and other_bank, once each.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionReview)) == 4


def test_keeping_editing_or_retiring_closes_the_review_and_is_audited(cited):
    bank, _, questions = cited
    admin = make_officer(badge="100001", role="admin")
    record(articles="第三条")
    amendments.review_question(admin, questions["art3"], "kept")
    amendments.review_question(admin, questions["other_bank"], "retired")
    services.update_question(admin, questions["whole"], services.QuestionInput(
        "judge", "引用整部党章的题（已按新党章修改）", [], "错", explanation="解析", chapter="党章",
        source_document=PARTY), reviewed=True)
    services.set_retired(admin, questions["art3p2"], True)  # retiring from the question list closes it too
    assert flagged(questions) == set()  # nothing awaits review any more
    outcomes = dict(db.session.execute(sa.select(QuestionReview.question_id, QuestionReview.outcome)).all())
    assert outcomes == {questions["art3"].id: "kept", questions["other_bank"].id: "retired",
                        questions["whole"].id: "edited", questions["art3p2"].id: "retired"}
    assert db.session.get(Question, questions["other_bank"].id).retired
    reviews = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "question.review")).all()
    assert len(reviews) == 4 and all(entry.actor_id == admin.id for entry in reviews)
    with pytest.raises(BankError, match="已复核"):
        amendments.review_question(admin, questions["art3"], "kept")


def test_editing_without_saying_it_was_reviewed_keeps_the_flag(cited):
    _, _, questions = cited
    record(articles="第三条")
    services.update_question(None, questions["art3"], services.QuestionInput(
        "judge", "党员必须履行义务甲（改了一个字）", [], "对", source_document=PARTY, source_article="第三条"))
    assert "art3" in flagged(questions)


def test_flagged_questions_stay_out_of_new_exam_papers(cited):
    bank, _, questions = cited
    record(articles="第三条")
    in_circulation = {q.id for name, q in questions.items() if name in ("art30", "general", "police")}
    organiser = make_organiser()
    exam = create_exam(organiser, exam_spec(bank, blueprint=(RuleSpec(bank.id, "judge", 3, 25),)))
    for number in range(3):
        officer = make_officer(badge=f"2000{number:02d}", department="市公安局/政治处")
        attempt = start_attempt(officer, exam)
        drawn = set(db.session.scalars(sa.select(PaperItem.question_id).where(PaperItem.attempt_id == attempt.id)))
        assert drawn == in_circulation
    with pytest.raises(ExamError, match="只有3道判断题"):  # a fourth would be a flagged one
        create_exam(organiser, exam_spec(bank, blueprint=(RuleSpec(bank.id, "judge", 4, 20),)))
    with pytest.raises(ExamError, match="待复核"):
        create_exam(organiser, exam_spec(None, blueprint=(), questions=(questions["art3"].id,),
                                               question_points=10))


def test_a_fixed_paper_defined_before_the_amendment_leaves_the_flagged_question_out(cited):
    _, _, questions = cited
    organiser = make_organiser()
    ids = (questions["art3"].id, questions["art30"].id)
    exam = create_exam(organiser, exam_spec(None, blueprint=(), questions=ids, question_points=50,
                                                  departments=("市公安局/政治处",)))
    record(articles="第三条")
    attempt = start_attempt(make_officer(badge="200001", department="市公安局/政治处"), exam)
    items = db.session.scalars(sa.select(PaperItem).where(PaperItem.attempt_id == attempt.id)).all()
    assert [item.question_id for item in items] == [questions["art30"].id]
    assert items[0].points == 100  # the paper still totals the exam's full marks


def test_flagged_questions_are_not_practised_nor_drawn_for_mock_exams(cited):
    bank, _, questions = cited
    officer = make_officer(badge="200001")
    record(articles="第三条")
    served = set()
    for _ in range(12):
        item = practice.next_question(officer.id, bank.id, "sequential")
        served.add(item.question.id)
        practice.record_answer(officer.id, item.question.id, True)
    assert served == {q.id for n, q in questions.items() if n in ("art30", "general", "police")}
    paper = mock.start_mock(officer.id, bank.id, count=10, rng=random.Random(1))
    assert set(paper.question_ids) == served
    assert [(c, n) for c, n in practice.chapters(bank.id)] == [("党章", 3)]


def test_live_contests_leave_flagged_questions_out_too(cited):
    from quizapp.contests.errors import ContestError
    from quizapp.contests.live_setup import LiveContestSpec, RoundSpec, create_live_contest

    bank, _, questions = cited
    record(articles="第三条")
    host = make_organiser()
    contest = create_live_contest(host, LiveContestSpec(title="党章知识竞答", rounds=(
        RoundSpec("required", 10, 20, bank_id=bank.id, count=3),), seed=1))
    in_circulation = {q.id for name, q in questions.items() if name in ("art30", "general", "police")}
    assert {q.question_id for q in contest.questions} == in_circulation
    with pytest.raises(ContestError, match="待复核"):
        create_live_contest(host, LiveContestSpec(title="指定题目", rounds=(
            RoundSpec("required", 10, 20, question_ids=(questions["art3"].id,)),)))
