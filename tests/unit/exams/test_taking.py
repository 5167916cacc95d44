"""Sitting an exam: papers, resuming, saving with seq, deadlines, the overdue sweep, absences."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from quizapp import timeutil
from quizapp.banks.models import Question
from quizapp.exams import attempts, definitions, presenters, saving
from quizapp.exams.errors import ExamError
from quizapp.exams.models import Answer
from quizapp.exams.spec import RuleSpec
from quizapp.extensions import db

from ...exam_factories import (exam_spec, items_of, make_bank, make_organiser, reload_attempt, right_answer,
                               wrong_answer)
from ...factories import make_officer


@pytest.fixture
def setting(app):
    bank = make_bank(single=20, multiple=6, judge=10, fill=4)
    organiser = make_organiser()
    officer = make_officer(department="市公安局/治安大队")
    return bank, organiser, officer


def _exam(bank, organiser, **overrides):
    overrides.setdefault("blueprint", (RuleSpec(bank.id, "single", 5, 2), RuleSpec(bank.id, "multiple", 2, 5),
                                       RuleSpec(bank.id, "judge", 4, 2), RuleSpec(bank.id, "fill", 2, 6)))
    return definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), **overrides))


def test_each_candidate_gets_an_own_paper_with_shuffled_options_and_mapped_keys(setting):
    bank, organiser, officer = setting
    other = make_officer(department="市公安局/治安大队")
    exam = _exam(bank, organiser)
    mine = items_of(attempts.start_attempt(officer, exam).id)
    theirs = items_of(attempts.start_attempt(other, exam).id)
    assert len(mine) == 13 and sum(i.points for i in mine) == pytest.approx(100)
    assert [i.question_id for i in mine] != [i.question_id for i in theirs]
    singles = [item for item in mine if item.type == "single"]
    assert len(singles) == 5
    # the shown key points at the option whose original key was A (the bank's key)
    assert all(item.option_map[item.key] == "A" for item in singles)
    assert all([o["key"] for o in item.options] == list("ABCD") for item in singles)
    # the options were shuffled: some paper shows them in another order (a key may still land on A)
    assert any(item.option_map != {key: key for key in "ABCD"} for item in singles)


def test_a_paper_is_a_snapshot_that_later_edits_to_the_bank_never_change(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    item = items_of(attempt.id)[0]
    question = db.session.get(Question, item.question_id)
    question.stem, question.answer = "改过的题干", "D"
    db.session.commit()
    saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    result = attempts.submit_attempt(attempt.id)
    assert items_of(attempt.id)[0].stem != "改过的题干"
    assert items_of(attempt.id)[0].correct is True and result.score > 0


def test_starting_again_resumes_the_same_attempt_with_its_answers(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    item = items_of(attempt.id)[0]
    saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    again = attempts.start_attempt(officer, exam)
    assert again.id == attempt.id
    assert attempts.saved_answers(again) == {item.question_id: right_answer(item)}


def test_a_later_seq_wins_and_repeats_are_harmless(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    item = next(i for i in items_of(attempt.id) if i.type == "single")
    other = wrong_answer(item)
    saving.save_answer(officer.id, attempt.id, item.question_id, other, 2)
    saving.save_answer(officer.id, attempt.id, item.question_id, item.key, 1)  # arrives late: ignored
    saving.save_answer(officer.id, attempt.id, item.question_id, other, 2)  # a repeat
    db.session.expire_all()
    assert db.session.scalar(sa.select(Answer.answer).where(Answer.attempt_id == attempt.id)) == other
    saving.save_answer(officer.id, attempt.id, item.question_id, item.key, 3)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Answer.answer).where(Answer.attempt_id == attempt.id)) == item.key
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1


def test_a_bad_answer_shape_or_someone_elses_attempt_is_refused(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    item = next(i for i in items_of(attempt.id) if i.type == "single")
    with pytest.raises(ExamError) as bad:
        saving.save_answer(officer.id, attempt.id, item.question_id, "Z", 1)
    assert bad.value.status == 422
    with pytest.raises(ExamError) as foreign:
        saving.save_answer(organiser.id, attempt.id, item.question_id, "A", 1)
    assert foreign.value.status == 403
    with pytest.raises(ExamError) as missing:
        saving.save_answer(officer.id, attempt.id, 999999, "A", 1)
    assert missing.value.status == 404


def test_submitting_twice_returns_the_first_result(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    for item in items_of(attempt.id):
        saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    first = attempts.submit_attempt(attempt.id)
    assert first.score == 100 and first.passed
    submitted_at = first.submitted_at
    again = attempts.submit_attempt(attempt.id)
    assert (again.score, again.submitted_at) == (100, submitted_at)
    with pytest.raises(ExamError) as late:
        saving.save_answer(officer.id, attempt.id, items_of(attempt.id)[0].question_id, "A", 9)
    assert late.value.status == 409


def test_deadline_is_the_earlier_of_duration_and_window_close(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser, closes_at=timeutil.now() + timedelta(minutes=10), duration_minutes=30)
    attempt = attempts.start_attempt(officer, exam)
    assert attempt.deadline == exam.closes_at


def test_saves_are_accepted_within_the_network_grace_and_refused_after_it(setting, app):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    first, second = items_of(attempt.id)[:2]
    with time_machine.travel(attempt.deadline + timedelta(seconds=4), tick=False):
        saving.save_answer(officer.id, attempt.id, first.question_id, right_answer(first), 1)
    with time_machine.travel(attempt.deadline + timedelta(seconds=6), tick=False):
        with pytest.raises(ExamError) as late:
            saving.save_answer(officer.id, attempt.id, second.question_id, right_answer(second), 1)
    assert late.value.status == 409
    finished = reload_attempt(attempt.id)
    assert finished.submitted_at == attempt.deadline and finished.submit_reason == "deadline"
    assert finished.score == first.points or finished.score == pytest.approx(first.points, abs=0.01)


def test_overdue_attempt_counts_only_answers_saved_in_time(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    items = items_of(attempt.id)
    saving.save_answer(officer.id, attempt.id, items[0].question_id, right_answer(items[0]), 1)
    # an answer written after the cutoff (e.g. by a save that slipped past the check) never counts
    db.session.add(Answer(attempt_id=attempt.id, question_id=items[1].question_id, answer=right_answer(items[1]),
                          seq=1, saved_at=attempt.deadline + timedelta(seconds=30)))
    db.session.commit()
    with time_machine.travel(attempt.deadline + timedelta(minutes=1), tick=False):
        assert attempts.close_overdue_attempts() == 1
        assert attempts.close_overdue_attempts() == 0  # idempotent
    finished = reload_attempt(attempt.id)
    assert finished.score == pytest.approx(items[0].points, abs=0.01)


def test_an_overdue_attempt_is_submitted_when_its_officer_comes_back(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser, attempts_allowed=1)
    attempt = attempts.start_attempt(officer, exam)
    with time_machine.travel(attempt.deadline + timedelta(minutes=5), tick=False):
        with pytest.raises(ExamError) as used:
            attempts.start_attempt(officer, exam)
    assert used.value.code == "no_attempts_left" and used.value.extra["attempt_id"] == attempt.id
    assert reload_attempt(attempt.id).submit_reason == "deadline"


def test_start_is_refused_before_the_window_and_spread_by_the_start_delay(setting):
    bank, organiser, officer = setting
    later = timeutil.now() + timedelta(hours=1)
    exam = _exam(bank, organiser, opens_at=later, closes_at=later + timedelta(hours=2), start_delay_seconds=120)
    with pytest.raises(ExamError) as early:
        attempts.start_attempt(officer, exam)
    assert early.value.code == "exam_not_open"
    # Each candidate's delay is fixed by a hash: take one whose delay is not zero.
    delayed_officer = next(o for o in [officer] + [make_officer(department="市公安局/治安大队") for _ in range(5)]
                           if attempts.start_offset_seconds(exam, o.id))
    ready = attempts.ready_at(exam, delayed_officer.id)
    assert later < ready <= later + timedelta(seconds=120)
    with time_machine.travel(later, tick=False), pytest.raises(ExamError) as delayed:
        attempts.start_attempt(delayed_officer, exam)
    assert delayed.value.code == "start_delayed"
    assert delayed.value.extra["retry_after"] == int((ready - later).total_seconds()) + 1
    with time_machine.travel(ready, tick=False):
        assert attempts.start_attempt(delayed_officer, exam).started_at == ready


def test_opening_an_overdue_attempt_submits_it_with_the_answers_saved_in_time(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    item = items_of(attempt.id)[0]
    saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    before = attempts.open_attempt(officer, attempt.id)
    assert before.submitted_at is None
    with time_machine.travel(attempt.deadline + timedelta(minutes=3), tick=False):
        opened = attempts.open_attempt(officer, attempt.id)
    assert (opened.submit_reason, opened.submitted_at) == ("deadline", attempt.deadline)
    assert opened.score == pytest.approx(item.points, abs=0.01)


def test_opening_someone_elses_or_a_missing_attempt_is_refused(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    with pytest.raises(ExamError) as foreign:
        attempts.open_attempt(organiser, attempt.id)
    with pytest.raises(ExamError) as missing:
        attempts.open_attempt(officer, attempt.id + 1000)
    assert (foreign.value.status, missing.value.status) == (403, 404)


def test_closing_an_exam_submits_open_attempts(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    assert definitions.close_exam(organiser, exam) == 1
    assert reload_attempt(attempt.id).submit_reason == "closed"


def test_absences_are_logged_and_short_ones_tolerated(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    with time_machine.travel(timeutil.now() + timedelta(minutes=5), tick=False):
        short = attempts.log_absence(officer, attempt.id, 8.4)
        long = attempts.log_absence(officer, attempt.id, 200)
    assert (short.seconds, short.tolerated) == (8, True)
    assert (long.seconds, long.tolerated) == (200, False)


def _expected_shown_key(item):
    """The bank's keys are A (single), A and C (multiple), true, and 答案/回答: in the letters shown."""
    shown = {original: letter for letter, original in item.option_map.items()}
    return {"single": lambda: shown["A"], "multiple": lambda: sorted([shown["A"], shown["C"]]),
            "judge": lambda: True, "fill": lambda: [["答案", "回答"]]}[item.type]()


PHONE_FIELDS = {"id", "type", "stem", "options", "points", "blanks"}


def test_paper_items_hold_the_key_only_on_the_server(setting):
    bank, organiser, officer = setting
    exam = _exam(bank, organiser)
    attempt = attempts.start_attempt(officer, exam)
    items = items_of(attempt.id)
    assert [item.key for item in items] == [_expected_shown_key(item) for item in items]
    fresh = presenters.paper_payload(attempt, exam)
    resumed = presenters.paper_payload(attempts.start_attempt(officer, exam), exam)
    for payload in (fresh, resumed):
        assert [q["id"] for q in payload["questions"]] == [item.question_id for item in items]
        for question in payload["questions"]:
            assert set(question) <= PHONE_FIELDS
            assert all(set(option) == {"key", "text"} for option in question["options"])


def test_a_question_retired_after_the_pools_were_cached_never_reaches_a_new_paper(setting):
    bank, organiser, officer = setting
    other = make_officer(department="市公安局/治安大队")
    exam = _exam(bank, organiser, blueprint=(RuleSpec(bank.id, "single", 19, 1),))
    first = {i.question_id for i in items_of(attempts.start_attempt(officer, exam).id)}
    retired = db.session.get(Question, sorted(first)[0])
    retired.retired = True
    db.session.commit()
    second = {i.question_id for i in items_of(attempts.start_attempt(other, exam).id)}
    assert len(second) == 19 and retired.id not in second
