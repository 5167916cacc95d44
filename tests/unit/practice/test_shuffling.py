"""Options shuffled per officer in practice and mock exams: stable per officer and question,
different between officers, and grading unaffected."""
from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from quizapp.banks.types import QUESTION_TYPES
from quizapp.practice import services
from quizapp.practice.presenting import for_officer
from quizapp.practice.shuffling import option_order, shown_options
from tests.factories import make_officer
from tests.practice_factories import make_practice_bank, questions_of

OPTIONS = [{"key": k, "text": f"选项{k}"} for k in "ABCDE"]
IDS = st.integers(1, 10**9)


@given(officer=IDS, question=IDS, count=st.integers(2, 8))
def test_the_order_is_a_permutation_fixed_by_officer_and_question(officer, question, count):
    order = option_order(officer, question, count)
    assert sorted(order) == list(range(count))
    assert option_order(officer, question, count) == order  # the same every time


def test_officers_see_different_orders_and_every_option_leads_about_equally_often():
    firsts = Counter(shown_options(officer, 42, OPTIONS).options[0]["text"] for officer in range(1, 2001))
    assert set(firsts) == {o["text"] for o in OPTIONS}
    assert all(300 <= count <= 500 for count in firsts.values())  # 400 expected each
    orders = {tuple(option_order(officer, 42, 5)) for officer in range(1, 51)}
    assert len(orders) > 30


@given(officer=IDS, question=IDS, chosen=st.sets(st.sampled_from("ABCDE"), min_size=1))
def test_letters_translate_both_ways(officer, question, chosen):
    shown = shown_options(officer, question, OPTIONS)
    texts = {o["key"]: o["text"] for o in shown.options}
    for letter in chosen:
        assert texts[letter] == f"选项{shown.original_answer(letter)}"  # the letter names the same text
        assert shown.shown_answer(shown.original_answer(letter)) == letter
    assert shown.shown_answer(shown.original_answer(sorted(chosen))) == sorted(chosen)


@given(officer=IDS, key=st.sets(st.sampled_from("ABCDE"), min_size=2), answer=st.sets(st.sampled_from("ABCDE"),
                                                                                          min_size=1))
def test_grading_in_shown_letters_matches_grading_in_the_questions_own(officer, key, answer):
    multiple = QUESTION_TYPES["multiple"]
    shown = shown_options(officer, 7, OPTIONS)
    original = sorted(key)
    seen_key, seen_answer = shown.shown_answer(original), sorted(answer)
    assert multiple.grade(original, shown.original_answer(seen_answer), 1).correct == (
        set(seen_answer) == set(seen_key))
    assert multiple.grade(original, shown.original_answer(seen_key), 1).correct


def test_a_question_in_the_wrong_answer_book_looks_the_same_the_second_time(app):
    officer = make_officer(badge="300001")
    other = make_officer(badge="300002")
    bank = make_practice_bank(chapters={"总纲": ["single"] * 8})
    first = services.next_question(officer.id, bank.id, "sequential").question
    seen = for_officer(officer.id, first).options
    wrong = next(o["key"] for o in seen if o["text"] != "选项B")
    feedback = services.record_answer(officer.id, first.id, wrong)
    assert not feedback.correct and feedback.given == wrong and feedback.view.options == seen
    again = services.next_question(officer.id, bank.id, "wrong").question
    assert again.id == first.id and for_officer(officer.id, again).options == seen
    assert services.feedback_for(officer.id, feedback.answer_id).given == wrong  # stored in B's own letters
    # Across the bank, someone else sees the options of some question in another order.
    assert any(for_officer(officer.id, q).options != for_officer(other.id, q).options for q in questions_of(bank))


def test_judge_and_fill_keep_their_shape_and_marks_say_what_was_right(app):
    officer = make_officer(badge="300001")
    bank = make_practice_bank(chapters={"总纲": ["single", "multiple", "judge", "fill"]})
    single, multiple, judge, fill = (for_officer(officer.id, q) for q in questions_of(bank))
    wrong = next(o["key"] for o in single.options if o["key"] != single.key)
    assert single.marks(wrong) == {single.key: "right", wrong: "wrong"}
    assert single.marks(single.key) == {single.key: "right"}
    extra = next(o["key"] for o in multiple.options if o["key"] not in multiple.key)
    assert multiple.marks([multiple.key[0], extra]) == {**{k: "right" for k in multiple.key}, extra: "wrong"}
    assert judge.options == [] and judge.key is True and judge.marks(False) == {"true": "right", "false": "wrong"}
    assert fill.key_text == "四/4" and fill.marks(["4"]) == {0: "right"} and fill.marks(["五"]) == {0: "wrong"}
    assert single.key_text == f"{single.key}. 选项B"
