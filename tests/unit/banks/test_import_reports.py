"""What an import reports and keeps (issue 11): duplicates by stem and options, warnings, any-order fill."""
import json

import pytest

from quizapp.banks import services
from quizapp.banks.formats import parse_file
from quizapp.banks.questions import QuestionInput
from quizapp.banks.types import QUESTION_TYPES, grading_key
from tests.factories import make_officer

@pytest.fixture
def admin(app):
    return make_officer(badge="100001", name="管理员", role="admin")


def test_generic_stems_with_different_options_are_two_questions(admin):
    text = "1. 下列说法错误的是（ ）。\nA. 甲\nB. 乙\n答案：A\n2. 下列说法错误的是（ ）。\nA. 丙\nB. 丁\n答案：B\n"
    report = services.import_bank("bank.txt", text.encode(), "题库", "theory", admin)
    assert (report.imported, report.duplicates) == (2, 0)
    again = services.import_bank("bank.txt", text.encode(), "题库", "theory", admin)
    assert (again.imported, again.duplicates, again.skipped) == (0, 2, 2)


def test_same_stem_and_same_option_texts_in_another_order_is_a_duplicate(admin):
    text = "1. 下列说法错误的是（ ）。\nA. 甲\nB. 乙\n答案：A\n2. 下列说法错误的是（ ）\nA. 乙\nB. 甲\n答案：B\n"
    report = services.import_bank("bank.txt", text.encode(), "题库", "theory", admin)
    assert (report.imported, report.duplicates) == (1, 1)


def test_question_form_refuses_only_a_true_duplicate(admin):
    bank = services.create_bank(admin, "题库", "theory")
    first = QuestionInput(type="single", stem="下列说法错误的是（ ）", options=["甲", "乙"], answer="A")
    services.create_question(admin, bank, first)
    services.create_question(admin, bank, QuestionInput(type="single", stem="下列说法错误的是（ ）", options=["丙", "丁"],
                                                        answer="A"))
    with pytest.raises(services.QuestionInvalid, match="选项都相同"):
        services.create_question(admin, bank, first)


def test_unsupported_types_are_errors_or_with_valid_only_warnings(admin):
    data = "简答题\n1. 什么是警察？\n答案：维护治安的人。\n判断题\n2. 警察应当文明执勤。\n答案：对\n".encode()
    strict = services.import_bank("bank.txt", data, "题库", "theory", admin, dry_run=True)
    assert not strict.ok and "不支持" in strict.errors[0].message
    lenient = services.import_bank("bank.txt", data, "题库", "theory", admin, valid_only=True)
    assert lenient.written and lenient.imported == 1 and not lenient.errors
    assert lenient.warnings[0].where == "第1题（第2行）" and "已跳过" in lenient.warnings[0].message
    assert lenient.as_dict()["warnings"][0]["line"] == 2


def test_warnings_never_block_the_import(admin):
    data = "某某题库（2026年版）\n1. 甲？\n答案：对\n我的答案：错\n".encode()
    report = services.import_bank("bank.txt", data, "题库", "theory", admin)
    assert report.written and report.imported == 1 and len(report.warnings) == 2


def test_any_order_fill_is_kept_exported_and_graded_in_any_order(admin):
    data = "1. 四大名著是____、____、____、____。\n【答案】(三国演义)(西游记)(红楼梦)(水浒传) 乱序匹配\n".encode()
    services.import_bank("bank.txt", data, "名著", "theory", admin)
    bank = services.find_bank("名著")
    (question,) = bank.questions
    assert question.any_order
    document = json.loads(services.export_bank(bank, "json"))
    assert document["questions"][0]["any_order"] is True
    back = parse_file("bank.json", services.export_bank(bank, "json"))
    assert back.questions[0].any_order and back.questions[0].answer == question.answer
    fill = QUESTION_TYPES["fill"]
    key = grading_key("fill", question.answer, question.any_order)
    assert fill.grade(key, ["红楼梦", "水浒传", "三国演义", "西游记"], 4).correct
    assert not fill.grade(key, ["红楼梦", "红楼梦", "三国演义", "西游记"], 4).correct
    assert not fill.grade(question.answer, ["红楼梦", "水浒传", "三国演义", "西游记"], 4).correct
    assert fill.describe_key(key).endswith("（顺序不限）")


def test_any_order_set_on_the_question_form(admin):
    bank = services.create_bank(admin, "题库", "theory")
    saved = services.create_question(admin, bank, QuestionInput(type="fill", stem="两大政党是____和____", answer="甲|乙",
                                                                any_order=True))
    assert saved.any_order
    single_blank = services.create_question(admin, bank, QuestionInput(type="fill", stem="首都是____", answer="北京",
                                                                       any_order=True))
    assert not single_blank.any_order  # one blank has no order to relax


def test_samples_show_the_first_questions_of_each_type(admin):
    text = "".join(f"{n}. 判断{n}。\n答案：对\n" for n in range(1, 6)) + "6. 选？\nA. 甲\nB. 乙\n答案：B\n"
    report = services.import_bank("bank.txt", text.encode(), "题库", "theory", admin, dry_run=True)
    assert [q.stem for q in report.samples["judge"]] == ["判断1。", "判断2。", "判断3。"]
    assert report.samples["single"][0].answer == "B"
