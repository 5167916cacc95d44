"""The save path's own machinery: the per-process paper cache, the credentials and the
deadline checked by the save's own statement, and a save that fails closed."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from quizapp import timeutil
from quizapp.auth.models import ApiToken
from quizapp.auth.services import issue_token, token_digest
from quizapp.exams import attempts, definitions, saving
from quizapp.exams.errors import ExamError
from quizapp.exams.models import Answer, Attempt
from quizapp.exams.spec import RuleSpec
from quizapp.extensions import db

from ...exam_factories import (exam_spec, items_of, make_bank, make_organiser, reload_attempt, right_answer,
                               wrong_answer)
from ...factories import make_officer


@pytest.fixture
def sitting(app):
    bank = make_bank(single=10, judge=6)
    organiser = make_organiser()
    officer = make_officer(department="市公安局/治安大队")
    other = make_officer(department="市公安局/治安大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), blueprint=(
        RuleSpec(bank.id, "single", 4, 5), RuleSpec(bank.id, "judge", 4, 5))))
    attempt = attempts.start_attempt(officer, exam)
    return attempt, officer, other


def stored_answers(attempt_id: int) -> dict:
    db.session.rollback()
    return dict(db.session.execute(sa.select(Answer.question_id, Answer.answer)
                                   .where(Answer.attempt_id == attempt_id)).all())


def test_the_first_save_caches_the_paper_and_later_saves_use_it(sitting):
    attempt, officer, _other = sitting
    items = items_of(attempt.id)
    token, _ = issue_token(officer)
    assert saving.PAPERS.get(attempt.id) is None
    saving.save_answer(None, attempt.id, items[0].question_id, right_answer(items[0]), 1,
                         token_hash=token_digest(token))
    paper = saving.PAPERS.get(attempt.id)
    assert paper is not None and paper.officer_id == officer.id and set(paper.items) == {i.question_id for i in items}
    saving.save_answer(None, attempt.id, items[1].question_id, wrong_answer(items[1]), 2,
                         token_hash=token_digest(token))
    assert stored_answers(attempt.id) == {items[0].question_id: right_answer(items[0]),
                                          items[1].question_id: wrong_answer(items[1])}


def test_a_stale_cached_paper_never_lets_another_officer_write(sitting):
    """The write checks owner and paper seed against the database, not the cache: a cached
    paper naming the wrong officer (as after an id was reused) gets nobody in."""
    attempt, officer, other = sitting
    items = items_of(attempt.id)
    intruder, _ = issue_token(other)
    saving.save_answer(officer.id, attempt.id, items[0].question_id, right_answer(items[0]), 1)
    cached = saving.PAPERS.get(attempt.id)
    saving.PAPERS.put(attempt.id, dataclasses.replace(cached, officer_id=other.id, paper_seed=cached.paper_seed + 1))
    with pytest.raises(ExamError) as refused:
        saving.save_answer(None, attempt.id, items[0].question_id, wrong_answer(items[0]), 2,
                             token_hash=token_digest(intruder))
    assert refused.value.status == 403
    assert stored_answers(attempt.id) == {items[0].question_id: right_answer(items[0])}


def test_a_cached_paper_with_the_wrong_seed_is_reloaded_and_the_save_goes_through(sitting):
    attempt, officer, _other = sitting
    items = items_of(attempt.id)
    saving.save_answer(officer.id, attempt.id, items[0].question_id, right_answer(items[0]), 1)
    cached = saving.PAPERS.get(attempt.id)
    saving.PAPERS.put(attempt.id, dataclasses.replace(cached, paper_seed=cached.paper_seed + 1))
    saving.save_answer(officer.id, attempt.id, items[1].question_id, right_answer(items[1]), 2)
    assert stored_answers(attempt.id)[items[1].question_id] == right_answer(items[1])
    assert saving.PAPERS.get(attempt.id).paper_seed == cached.paper_seed


def test_a_token_revoked_after_its_paper_was_cached_is_refused(sitting):
    attempt, officer, _other = sitting
    items = items_of(attempt.id)
    token, _ = issue_token(officer)
    saving.save_answer(None, attempt.id, items[0].question_id, right_answer(items[0]), 1,
                         token_hash=token_digest(token))
    db.session.execute(sa.update(ApiToken).values(revoked_at=sa.func.now()))
    db.session.commit()
    with pytest.raises(ExamError) as refused:
        saving.save_answer(None, attempt.id, items[0].question_id, wrong_answer(items[0]), 2,
                             token_hash=token_digest(token))
    assert refused.value.status == 401
    assert stored_answers(attempt.id) == {items[0].question_id: right_answer(items[0])}


def test_a_wrong_answer_shape_is_refused_only_after_the_caller_is_checked(sitting):
    attempt, officer, other = sitting
    item = next(i for i in items_of(attempt.id) if i.type == "single")
    saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)  # cached now
    with pytest.raises(ExamError) as stranger:
        saving.save_answer(other.id, attempt.id, item.question_id, "Z", 2)
    assert stranger.value.status == 403
    with pytest.raises(ExamError) as owner:
        saving.save_answer(officer.id, attempt.id, item.question_id, "Z", 2)
    assert owner.value.status == 422 and owner.value.code == "invalid_answer"


def test_the_cache_keeps_the_most_recently_used_papers():
    cache = saving.PaperCache(capacity=2)
    paper = saving.Paper(officer_id=1, deadline=None, paper_seed=1, items={1: ("single", "ABCD")})
    cache.put(1, paper)
    cache.put(2, paper)
    cache.get(1)
    cache.put(3, paper)
    assert cache.get(1) is not None and cache.get(2) is None and cache.get(3) is not None


def test_a_write_that_stored_nothing_for_no_known_reason_is_an_error_not_saved(sitting, monkeypatch):
    """Fails closed: were a new condition added to the write without a matching refusal,
    phones would hear "not saved, retry", never "saved" for an answer not stored."""
    attempt, officer, _other = sitting
    item = items_of(attempt.id)[0]
    monkeypatch.setattr(saving, "_write", lambda *args: False)
    with pytest.raises(ExamError) as refused:
        saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 1)
    assert (refused.value.status, refused.value.code) == (500, "not_saved")
    assert stored_answers(attempt.id) == {}


def test_a_repeated_or_older_seq_is_confirmed_by_the_stored_answer(sitting):
    attempt, officer, _other = sitting
    item = items_of(attempt.id)[0]
    saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 5)
    saving.save_answer(officer.id, attempt.id, item.question_id, right_answer(item), 5)  # a retry
    saving.save_answer(officer.id, attempt.id, item.question_id, wrong_answer(item), 4)  # arrived late
    assert stored_answers(attempt.id) == {item.question_id: right_answer(item)}


def test_extra_time_given_after_the_paper_was_cached_lets_saves_through(sitting):
    attempt, officer, _other = sitting
    first, second = items_of(attempt.id)[:2]
    saving.save_answer(officer.id, attempt.id, first.question_id, right_answer(first), 1)  # cached now
    old_deadline = attempt.deadline
    db.session.execute(sa.update(Attempt).where(Attempt.id == attempt.id)
                       .values(deadline=old_deadline + timedelta(minutes=10)))
    db.session.commit()
    with time_machine.travel(old_deadline + timedelta(minutes=1), tick=False):
        saving.save_answer(officer.id, attempt.id, second.question_id, right_answer(second), 2)
    assert stored_answers(attempt.id)[second.question_id] == right_answer(second)
    assert saving.PAPERS.get(attempt.id).deadline == old_deadline + timedelta(minutes=10)


def test_a_deadline_brought_forward_is_kept_by_the_write_whatever_the_cached_paper_says(sitting):
    attempt, officer, _other = sitting
    first, second = items_of(attempt.id)[:2]
    saving.save_answer(officer.id, attempt.id, first.question_id, right_answer(first), 1)  # cached now
    now = timeutil.now()
    db.session.execute(sa.update(Attempt).where(Attempt.id == attempt.id).values(deadline=now - timedelta(minutes=1)))
    db.session.commit()
    assert saving.PAPERS.get(attempt.id).deadline > now  # the cache still says there is time
    with pytest.raises(ExamError) as refused:
        saving.save_answer(officer.id, attempt.id, second.question_id, right_answer(second), 2, now=now)
    assert refused.value.code == "deadline_passed"
    assert second.question_id not in stored_answers(attempt.id)
    assert reload_attempt(attempt.id).submit_reason == "deadline"
