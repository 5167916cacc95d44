"""Practice rules: modes, the wrong-answer book, favourites, progress, retired questions, mock exams."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
import time_machine

from quizapp import timeutil
from quizapp.extensions import db
from quizapp.practice import mock as mock_exams
from quizapp.practice import services
from quizapp.practice.models import PracticeAnswer
from tests.factories import make_officer
from tests.practice_factories import make_practice_bank, questions_of, right_for, wrong_for


@pytest.fixture
def officer(app):
    return make_officer(badge="300001")


@pytest.fixture
def bank(app):
    return make_practice_bank()


def answer(officer, question, right=True, mode="sequential", chapter=None):
    return services.record_answer(officer.id, question.id, (right_for if right else wrong_for)(officer.id, question),
                                  mode, chapter)


def test_sequential_practice_resumes_after_the_last_answered_question(officer, bank):
    qs = questions_of(bank)
    first = services.next_question(officer.id, bank.id, "sequential")
    assert (first.question.id, first.position, first.total) == (qs[0].id, 1, 5)
    answer(officer, qs[0])
    answer(officer, qs[1], right=False)
    again = services.next_question(officer.id, bank.id, "sequential")
    assert again.question.id == qs[2].id and again.position == 3
    # Asking again without answering serves the same question: he resumes where he stopped.
    assert services.next_question(officer.id, bank.id, "sequential").question.id == qs[2].id


def test_sequential_wraps_round_after_the_last_question(officer, bank):
    qs = questions_of(bank)
    answer(officer, qs[-1])
    assert services.next_question(officer.id, bank.id, "sequential").question.id == qs[0].id


def test_chapter_practice_keeps_its_own_place_and_only_serves_that_chapter(officer, bank):
    qs = questions_of(bank)
    chapter = "第二章 党员"
    served = services.next_question(officer.id, bank.id, "sequential", chapter)
    assert served.question.id == qs[3].id and (served.position, served.total) == (1, 2)
    answer(officer, qs[3], chapter=chapter)
    assert services.next_question(officer.id, bank.id, "sequential", chapter).question.id == qs[4].id
    # The whole-bank cursor did not move.
    assert services.next_question(officer.id, bank.id, "sequential").question.id == qs[0].id
    for _ in range(10):
        assert services.next_question(officer.id, bank.id, "random", chapter).question.chapter == chapter


def test_retired_questions_are_never_served_nor_answerable(officer, bank):
    qs = questions_of(bank)
    for question in qs[:-1]:
        question.retired = True
    db.session.commit()
    for mode in ("sequential", "random"):
        for _ in range(5):
            assert services.next_question(officer.id, bank.id, mode).question.id == qs[-1].id
    with pytest.raises(services.PracticeError) as error:
        answer(officer, qs[0])
    assert error.value.status == 404
    assert services.bank_progress(officer.id, bank.id).total == 1


def test_wrong_answers_enter_the_book_and_leave_after_two_right_in_a_row(officer, bank):
    question = questions_of(bank)[0]
    assert services.next_question(officer.id, bank.id, "wrong") is None
    assert answer(officer, question, right=False).in_wrong_book
    assert services.next_question(officer.id, bank.id, "wrong").question.id == question.id
    assert answer(officer, question, right=True, mode="wrong").in_wrong_book  # one right is not enough
    assert answer(officer, question, right=False, mode="wrong").in_wrong_book  # a wrong one resets the streak
    assert answer(officer, question, right=True, mode="wrong").in_wrong_book
    assert not answer(officer, question, right=True, mode="wrong").in_wrong_book
    assert services.next_question(officer.id, bank.id, "wrong") is None
    assert services.bank_progress(officer.id, bank.id).wrong_book == 0


def test_right_answers_never_put_a_question_in_the_book(officer, bank):
    question = questions_of(bank)[0]
    answer(officer, question, right=True)
    answer(officer, question, right=True)
    assert services.next_question(officer.id, bank.id, "wrong") is None


def test_wrong_book_cycles_least_recently_answered_first(officer, bank):
    qs = questions_of(bank)
    with time_machine.travel(timeutil.now(), tick=False) as traveller:
        answer(officer, qs[0], right=False)
        traveller.shift(timedelta(seconds=5))
        answer(officer, qs[1], right=False)
        assert services.next_question(officer.id, bank.id, "wrong").question.id == qs[0].id
        traveller.shift(timedelta(seconds=5))
        answer(officer, qs[0], right=True, mode="wrong")
        assert services.next_question(officer.id, bank.id, "wrong").question.id == qs[1].id


def test_favourites_are_toggled_and_served(officer, bank):
    qs = questions_of(bank)
    assert services.next_question(officer.id, bank.id, "favourites") is None
    services.set_favourite(officer.id, qs[2].id, True)
    assert services.is_favourite(officer.id, qs[2].id)
    assert services.next_question(officer.id, bank.id, "favourites").question.id == qs[2].id
    services.set_favourite(officer.id, qs[2].id, False)
    assert services.next_question(officer.id, bank.id, "favourites") is None


def test_feedback_carries_the_key_and_the_explanation(officer, bank):
    fill = questions_of(bank)[3]
    feedback = services.record_answer(officer.id, fill.id, ["４"], "sequential")  # full-width digit
    assert feedback.correct and feedback.view.key == [["四", "4"]] and feedback.view.key_text == "四/4"
    assert feedback.view.explanation == "第4题的解析"
    wrong = answer(officer, questions_of(bank)[1], right=False)
    # The key in the letters this officer saw, each with its option's text.
    named = dict(part.split(". ") for part in wrong.view.key_text.split("；"))
    assert not wrong.correct and list(named) == wrong.view.key and set(named.values()) == {"选项A", "选项C"}


@pytest.mark.parametrize("qtype, bad", [("single", "Z"), ("multiple", 5), ("judge", "yes"), ("fill", {"a": 1})])
def test_answers_of_the_wrong_shape_are_refused_and_nothing_is_recorded(officer, bank, qtype, bad):
    question = next(q for q in questions_of(bank) if q.type == qtype)
    with pytest.raises(services.PracticeError) as error:
        services.record_answer(officer.id, question.id, bad)
    assert error.value.status == 422
    assert db.session.query(PracticeAnswer).count() == 0


def test_progress_counts_answered_questions_and_correct_rate_by_chapter(officer, bank):
    qs = questions_of(bank)
    answer(officer, qs[0], right=True)
    answer(officer, qs[0], right=False)
    answer(officer, qs[1], right=True)
    answer(officer, qs[3], right=False)
    progress = services.bank_progress(officer.id, bank.id)
    assert (progress.total, progress.answered, progress.attempts, progress.correct) == (5, 3, 4, 2)
    assert progress.rate == 0.5
    first, second = progress.chapters
    assert (first.chapter, first.total, first.answered, first.rate) == ("第一章 总纲", 3, 2, 2 / 3)
    assert (second.chapter, second.answered, second.rate) == ("第二章 党员", 1, 0.0)
    # Another officer's answers do not count.
    other = make_officer(badge="300002")
    assert services.bank_progress(other.id, bank.id).answered == 0


def test_memorise_walks_the_bank_in_order(officer, bank):
    qs = questions_of(bank)
    assert services.memorise_question(bank.id, 2).question.id == qs[1].id
    assert services.memorise_question(bank.id, 99).question.id == qs[-1].id
    assert services.memorise_question(bank.id, 1, "第二章 党员").question.id == qs[3].id


def test_mock_exam_is_graded_through_the_registry_and_kept_apart(officer, bank):
    qs = questions_of(bank)
    mock = mock_exams.start_mock(officer.id, bank.id, count=4, minutes=10, rng=random.Random(1))
    assert len(mock.question_ids) == 4 and mock.points_each == 25
    paper = mock_exams.mock_questions(mock)
    answers = {str(q.id): right_for(officer.id, q) for q in paper[:3]}
    answers[str(paper[3].id)] = wrong_for(officer.id, paper[3])
    result = mock_exams.submit_mock(officer.id, mock.id, answers)
    assert (result.score, result.passed, result.expired) == (75.0, True, False)
    assert [result.results[str(q.id)]["correct"] for q in paper] == [True, True, True, False]
    # Submitting again changes nothing; practice records and the wrong book are untouched.
    assert mock_exams.submit_mock(officer.id, mock.id, {}).score == 75.0
    assert db.session.query(PracticeAnswer).count() == 0
    assert {q.id for q in qs} >= set(mock.question_ids)


def test_mock_exam_submitted_after_the_deadline_counts_nothing(officer, bank):
    with time_machine.travel(timeutil.now(), tick=False) as traveller:
        mock = mock_exams.start_mock(officer.id, bank.id, count=5, minutes=1)
        traveller.shift(timedelta(seconds=60 + mock_exams.MOCK_GRACE_SECONDS + 1))
        paper = mock_exams.mock_questions(mock)
        result = mock_exams.submit_mock(officer.id, mock.id, {str(q.id): right_for(officer.id, q) for q in paper})
    assert result.expired and result.score == 0 and not result.passed


def test_mock_exam_refuses_bad_sizes_and_other_officers(officer, bank):
    with pytest.raises(services.PracticeError):
        mock_exams.start_mock(officer.id, bank.id, count=0)
    with pytest.raises(services.PracticeError):
        mock_exams.start_mock(officer.id, bank.id, minutes=999)
    mock = mock_exams.start_mock(officer.id, bank.id, count=2)
    other = make_officer(badge="300003")
    with pytest.raises(services.PracticeError) as error:
        mock_exams.submit_mock(other.id, mock.id, {})
    assert error.value.status == 404
