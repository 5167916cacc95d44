"""Import, export, editing and deleting banks through the service functions."""
import io
import json

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.audit.models import AuditEntry
from quizapp.banks import services
from quizapp.banks.models import Question, QuestionBank
from quizapp.banks.usage import BANK_USAGE_CHECKS, register_bank_usage
from quizapp.extensions import db
from tests.factories import make_officer


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "章节"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["单选", "单选题一", "甲", "乙", "", "A", "", "第一章"],
    ["多选", "多选题一", "甲", "乙", "丙", "AB", "", "第一章"],
    ["判断", "判断题一", "", "", "", "对", "", "第二章"],
    ["填空", "填空题（ ）", "", "", "", "答", "", "第二章"],
]
BAD = ["单选", "答案不在选项中", "甲", "乙", "", "D", "", ""]


def question_count(bank_name=None) -> int:
    query = sa.select(sa.func.count()).select_from(Question)
    if bank_name:
        query = query.join(QuestionBank).where(QuestionBank.name == bank_name)
    return db.session.scalar(query)


@pytest.fixture
def admin(app):
    return make_officer(badge="100001", name="管理员", role="admin")


def test_import_creates_the_bank_and_counts_by_type(admin):
    report = services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    assert report.written and report.imported == 4 and not report.errors
    assert report.counts == {"single": 1, "multiple": 1, "judge": 1, "fill": 1}
    bank = services.find_bank("法规题库")
    assert bank.category == "regulations" and question_count("法规题库") == 4
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "bank.import"))
    assert audit.actor_id == admin.id and "新增4题" in audit.summary


def test_one_bad_row_writes_nothing(admin):
    report = services.import_bank("bank.xlsx", xlsx(GOOD + [BAD]), "法规题库", "regulations", admin)
    assert not report.ok and not report.written
    assert [(e.row, e.column) for e in report.errors] == [(6, "答案")]
    assert services.find_bank("法规题库") is None
    assert question_count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_valid_rows_only_imports_the_good_rows_and_reports_the_bad(admin):
    report = services.import_bank("bank.xlsx", xlsx(GOOD + [BAD]), "法规题库", "regulations", admin, valid_only=True)
    assert report.written and report.imported == 4 and len(report.errors) == 1
    assert question_count("法规题库") == 4


def test_dry_run_reports_without_writing(admin):
    report = services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin, dry_run=True)
    assert report.ok and report.imported == 4 and not report.written
    assert services.find_bank("法规题库") is None


def test_duplicates_are_skipped_or_updated_as_asked(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    changed = [row[:] for row in GOOD]
    changed[0][5] = "B"  # same stem, new answer
    changed[0][1] = "单选题一。"  # punctuation does not make a new question
    changed.append(["单选", "新题", "甲", "乙", "", "B", "", ""])
    skipped = services.import_bank("bank.xlsx", xlsx(changed), "法规题库", None, admin)
    assert (skipped.imported, skipped.skipped, skipped.duplicates, skipped.updated) == (1, 4, 4, 0)
    stem = db.session.scalar(sa.select(Question).where(Question.stem == "单选题一"))
    assert stem.answer == "A"
    updated = services.import_bank("bank.xlsx", xlsx(changed), "法规题库", None, admin, on_duplicate="update")
    assert (updated.imported, updated.updated, updated.skipped) == (0, 5, 0)
    question = db.session.scalar(sa.select(Question).where(Question.stem == "单选题一。"))
    assert question.answer == "B"
    assert question_count("法规题库") == 5


def test_duplicates_within_one_file_are_skipped(admin):
    report = services.import_bank("bank.xlsx", xlsx(GOOD + [GOOD[0]]), "法规题库", "regulations", admin)
    assert (report.imported, report.skipped) == (4, 1)


def test_missing_bank_name_or_bad_category_is_an_error(admin):
    assert services.import_bank("bank.xlsx", xlsx(GOOD), "", None, admin).errors[0].column == "题库"
    assert "分类" in services.import_bank("bank.xlsx", xlsx(GOOD), "x", "sports", admin).errors[0].message


def test_json_import_takes_bank_name_and_category_from_the_file(admin):
    document = {"bank": {"name": "党章题库", "category": "theory"},
                "questions": [{"type": "judge", "stem": "题", "options": [], "answer": True}]}
    report = services.import_bank("bank.json", json.dumps(document).encode(), None, None, admin)
    assert report.written and services.find_bank("党章题库").category == "theory"


def test_xlsx_export_imports_back_to_the_same_questions(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    bank = services.find_bank("法规题库")
    before = services.export_document(bank)["questions"]
    data = services.export_bank(bank, "xlsx")
    services.import_bank("copy.xlsx", data, "副本", "regulations", admin)
    after = services.export_document(services.find_bank("副本"))["questions"]
    assert after == before


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
stems = texts.filter(lambda t: t.strip())


@st.composite
def bank_documents(draw):
    questions = []
    for _ in range(draw(st.integers(1, 6))):
        type_ = draw(st.sampled_from(["single", "multiple", "judge", "fill"]))
        options = []
        if type_ in ("single", "multiple"):
            count = draw(st.integers(3, 8))
            options = [{"key": "ABCDEFGH"[i], "text": draw(stems).strip()} for i in range(count)]
        answer = {
            "single": lambda: draw(st.sampled_from([o["key"] for o in options])),
            "multiple": lambda: sorted(draw(st.sets(st.sampled_from([o["key"] for o in options]), min_size=2))),
            "judge": lambda: draw(st.booleans()),
            "fill": lambda: [[a.strip() for a in draw(st.lists(stems, min_size=1, max_size=3, unique_by=str.strip))]
                             for _ in range(draw(st.integers(1, 3)))],
        }[type_]()
        question = {"type": type_, "stem": draw(stems).strip(), "options": options, "answer": answer,
                    "explanation": draw(st.text(max_size=20)).strip(), "chapter": draw(st.text(max_size=10)).strip(),
                    "difficulty": draw(st.integers(1, 3)), "tags": []}
        if draw(st.integers(0, 4)) == 0:
            question["retired"] = True
        questions.append(question)
    return {"bank": {"name": "随机题库", "category": draw(st.sampled_from(["theory", "regulations", "other"]))},
            "questions": questions}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=bank_documents())
def test_json_export_then_import_gives_the_same_bank(admin, document):
    db.session.execute(sa.delete(Question))
    db.session.execute(sa.delete(QuestionBank))
    db.session.commit()
    first = services.import_bank("a.json", json.dumps(document).encode(), None, None, admin)
    assert first.written, first.errors
    exported = services.export_bank(services.find_bank("随机题库"), "json")
    original = services.export_document(services.find_bank("随机题库"))
    document2 = json.loads(exported)
    document2["bank"]["name"] = "随机题库2"
    second = services.import_bank("b.json", json.dumps(document2).encode(), None, None, admin)
    assert second.written, second.errors
    copy = services.export_document(services.find_bank("随机题库2"))
    assert copy["questions"] == original["questions"]
    assert copy["bank"]["category"] == original["bank"]["category"]
    # and the bank holds what the file said, apart from in-file duplicates
    assert len(original["questions"]) == first.imported


def make_question_input(**changes):
    data = {"type": "single", "stem": "题干", "options": ["甲", "乙", ""], "answer": "B", "chapter": "第一章"}
    data.update(changes)
    return services.QuestionInput(**data)


def test_question_create_edit_retire_restore(admin):
    bank = services.create_bank(admin, "题库", "theory")
    question = services.create_question(admin, bank, make_question_input())
    assert (question.options, question.answer) == ([{"key": "A", "text": "甲"}, {"key": "B", "text": "乙"}], "B")
    with pytest.raises(services.QuestionInvalid) as error:
        services.create_question(admin, bank, make_question_input(stem="题干。"))
    assert error.value.column == "题干"
    with pytest.raises(services.QuestionInvalid) as error:
        services.update_question(admin, question, make_question_input(answer="C"))
    assert error.value.column == "答案"
    services.update_question(admin, question, make_question_input(type="multiple", answer="AB"))
    assert db.session.get(Question, question.id).answer == ["A", "B"]
    services.set_retired(admin, question, True)
    assert db.session.get(Question, question.id).retired
    services.set_retired(admin, question, False)
    assert not db.session.get(Question, question.id).retired
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["bank.create", "question.create", "question.update", "question.retire", "question.restore"]


def test_judge_and_fill_questions_through_the_form_input(admin):
    bank = services.create_bank(admin, "题库", "theory")
    judge = services.create_question(admin, bank, make_question_input(type="judge", stem="判断", options=[], answer="错误"))
    assert judge.answer is False
    fill = services.create_question(admin, bank, make_question_input(type="fill", stem="（ ）", options=[], answer="甲/乙|丙"))
    assert fill.answer == [["甲", "乙"], ["丙"]]


def test_delete_bank_needs_its_name_and_removes_its_questions(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    bank = services.find_bank("法规题库")
    with pytest.raises(services.BankError):
        services.delete_bank(admin, bank, "法规")
    services.delete_bank(admin, bank, "法规题库")
    assert services.find_bank("法规题库") is None and question_count() == 0


def test_delete_bank_refused_while_something_uses_it(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    bank = services.find_bank("法规题库")

    def used_by_test_exam(checked):
        return "测试考试" if checked.id == bank.id else None

    register_bank_usage(used_by_test_exam)
    try:
        with pytest.raises(services.BankError) as error:
            services.delete_bank(admin, bank, "法规题库")
        assert "测试考试" in str(error.value)
    finally:
        BANK_USAGE_CHECKS.remove(used_by_test_exam)
    assert question_count("法规题库") == 4


def test_delete_bank_refused_when_an_exam_blueprint_draws_from_it(admin):
    from datetime import timedelta

    from quizapp import timeutil
    from quizapp.exams.models import BlueprintRule, Exam

    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    bank = services.find_bank("法规题库")
    exam = Exam(title="考试", opens_at=timeutil.now(), closes_at=timeutil.now() + timedelta(days=1))
    exam.rules_rows = [BlueprintRule(bank_id=bank.id, type="single", count=1, points=1)]
    db.session.add(exam)
    db.session.commit()
    with pytest.raises(services.BankError) as refused:
        services.delete_bank(admin, bank, "法规题库")
    assert "组卷规则" in refused.value.message
    assert question_count("法规题库") == 4


def test_delete_bank_refused_when_a_usage_check_fails_in_the_database(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    bank = services.find_bank("法规题库")

    def broken(checked):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    register_bank_usage(broken)
    try:
        with pytest.raises(services.BankError) as refused:
            services.delete_bank(admin, bank, "法规题库")
        assert "无法确认是否被使用" in refused.value.message
    finally:
        BANK_USAGE_CHECKS.remove(broken)
    assert question_count("法规题库") == 4


def test_bank_summaries_count_by_type_and_chapter(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    (summary,) = services.bank_summaries()
    assert summary.total == 4
    assert summary.by_type == {"single": 1, "multiple": 1, "judge": 1, "fill": 1}
    assert summary.chapters == [("第一章", 2), ("第二章", 2)]


def test_question_filter_by_type_chapter_and_text(admin):
    services.import_bank("bank.xlsx", xlsx(GOOD), "法规题库", "regulations", admin)
    bank = services.find_bank("法规题库")

    def stems(**criteria):
        return [q.stem for q in db.session.scalars(services.question_query(bank, services.QuestionFilter(**criteria)))]

    assert stems(type="judge") == ["判断题一"]
    assert stems(chapter="第一章") == ["单选题一", "多选题一"]
    assert stems(text="填空") == ["填空题（ ）"]
    assert stems(text="%") == []


def test_control_characters_never_reach_the_database(admin):
    document = {"bank": {"name": "控制\u0000字符", "category": "theory", "description": "说明\u0000"},
                "questions": [{"type": "fill", "stem": "题\u0000（ ）", "options": [], "answer": [["答\u0001案"]],
                               "chapter": "章\u0007", "explanation": "\ud800解析"}]}
    report = services.import_bank("x.json", json.dumps(document).encode(), None, None, admin)
    assert report.written, report.errors
    bank = services.find_bank("控制字符")
    assert bank.description == "说明"
    assert services.export_document(bank)["questions"][0] == {
        "type": "fill", "stem": "题（ ）", "options": [], "answer": [["答案"]], "explanation": "解析",
        "chapter": "章", "difficulty": 2, "tags": []}
