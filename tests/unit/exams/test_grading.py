"""Grading per question type, through the registry."""
from __future__ import annotations

from quizapp.exams.grading import PaperQuestion, grade_answer, grade_paper, scale_points

OPTIONS = tuple({"key": k, "text": k} for k in "ABCD")


def q(qtype, key, points=2.0, qid=1):
    return PaperQuestion(qid, qtype, key, points, OPTIONS if qtype in ("single", "multiple") else ())


def test_single_choice_is_exact():
    assert grade_answer(q("single", "B"), "B").score == 2
    assert grade_answer(q("single", "B"), "b").score == 2
    assert grade_answer(q("single", "B"), "C").score == 0


def test_judge_is_exact():
    assert grade_answer(q("judge", True), True).correct
    assert grade_answer(q("judge", True), False).score == 0
    assert grade_answer(q("judge", False), None).score == 0


def test_multiple_is_all_or_nothing_without_partial_credit():
    question = q("multiple", ["A", "C", "D"], 4)
    assert grade_answer(question, ["D", "A", "C"]).score == 4
    assert grade_answer(question, ["A", "C"]).score == 0
    assert grade_answer(question, ["A", "B", "C", "D"]).score == 0


def test_multiple_gives_half_for_a_correct_subset_with_partial_credit():
    question = q("multiple", ["A", "C", "D"], 4)
    assert grade_answer(question, ["A", "C"], partial_credit=True).score == 2
    assert not grade_answer(question, ["A", "C"], partial_credit=True).correct
    # one wrong choice earns nothing
    assert grade_answer(question, ["A", "B"], partial_credit=True).score == 0
    assert grade_answer(question, ["A", "C", "D"], partial_credit=True).score == 4


def test_fill_accepts_alternatives_after_normalising_space_width_and_case():
    question = q("fill", [["为人民服务", "全心全意为人民服务"], ["four", "4"]])
    assert grade_answer(question, [" 全心全意 为人民服务", "ＦＯＵＲ"]).correct
    assert grade_answer(question, ["为人民服务", "４"]).correct
    assert not grade_answer(question, ["为人民服务", "five"]).correct
    assert not grade_answer(question, ["为人民服务"]).correct


def test_malformed_or_blank_answers_earn_nothing():
    assert grade_answer(q("single", "A"), "Z").score == 0
    assert grade_answer(q("multiple", ["A", "B"]), []).score == 0
    assert grade_answer(q("fill", [["x"]]), ["  "]).score == 0


def test_paper_score_passes_at_the_pass_mark_and_never_exceeds_the_total():
    points = scale_points([1, 1, 1], 100)
    questions = [q("single", "A", p, i) for i, p in enumerate(points)]
    full = grade_paper(questions, {0: "A", 1: "A", 2: "A"}, partial_credit=False, pass_mark=60, total_points=100)
    assert full.score == 100 and full.passed
    two = grade_paper(questions, {0: "A", 1: "A", 2: "B"}, partial_credit=False, pass_mark=60, total_points=100)
    assert two.score == 66.67 and two.passed
    one = grade_paper(questions, {0: "A"}, partial_credit=False, pass_mark=60, total_points=100)
    assert one.score == 33.33 and not one.passed
