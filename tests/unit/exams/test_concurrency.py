"""Real threads against the real database: a save racing a submit, two devices saving at once."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from quizapp.auth.services import issue_token, token_digest
from quizapp.exams import attempts, definitions, saving
from quizapp.exams.spec import RuleSpec
from quizapp.exams.errors import ExamError
from quizapp.exams.grading import PaperQuestion, grade_paper
from quizapp.exams.models import Answer
from quizapp.extensions import db

from ...exam_factories import exam_spec, items_of, make_bank, make_organiser, reload_attempt, right_answer, wrong_answer
from ...factories import make_officer


def run_threads(app, functions):
    """Run each function in its own thread with its own app context (and session); collect errors."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def runner(function):
        with app.app_context():
            try:
                barrier.wait()
                function()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def sitting(app):
    bank = make_bank(single=20, judge=10)
    organiser = make_organiser()
    officer = make_officer(department="市公安局/治安大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), blueprint=(
        RuleSpec(bank.id, "single", 10, 1), RuleSpec(bank.id, "judge", 10, 1))))
    return exam, officer


@pytest.mark.parametrize("round_", range(5))
def test_a_save_racing_a_submit_is_either_counted_or_refused(app, sitting, round_):
    exam, officer = sitting
    attempt = attempts.start_attempt(officer, exam)
    token_hash = token_digest(issue_token(officer)[0])  # commits: before the items are loaded
    items = items_of(attempt.id)
    officer_id, attempt_id = officer.id, attempt.id
    accepted, refused = [], []

    def saver(chunk, by_token=False):
        def save():
            for item in chunk:
                try:
                    if by_token:  # as the API saves: the token checked by the save's own statement
                        saving.save_answer(None, attempt_id, item.question_id, right_answer(item), 1,
                                             token_hash=token_hash)
                    else:
                        saving.save_answer(officer_id, attempt_id, item.question_id, right_answer(item), 1)
                    accepted.append(item.question_id)
                except ExamError as error:
                    assert error.status == 409
                    refused.append(item.question_id)
        return save

    def submitter():
        attempts.submit_attempt(attempt_id)

    errors = run_threads(app, [saver(items[:10]), saver(items[10:], by_token=True), submitter])
    assert errors == []
    finished = reload_attempt(attempt_id)
    stored = dict(db.session.execute(sa.select(Answer.question_id, Answer.answer)
                                     .where(Answer.attempt_id == attempt_id)).all())
    # every accepted save is stored and counted; nothing refused was stored
    assert set(accepted) == set(stored) and not set(refused) & set(stored)
    regraded = grade_paper([PaperQuestion(i.question_id, i.type, i.key, i.points, tuple(i.options)) for i in items],
                           stored, partial_credit=False, pass_mark=60, total_points=100)
    assert finished.score == regraded.score == pytest.approx(5 * len(accepted), abs=0.01)


def test_two_devices_saving_at_once_never_fail_and_the_larger_seq_wins(app, sitting):
    exam, officer = sitting
    attempt = attempts.start_attempt(officer, exam)
    items = [i for i in items_of(attempt.id) if i.type == "single"][:5]
    officer_id, attempt_id = officer.id, attempt.id

    def device(seqs, answer_of):
        def save():
            for seq in seqs:
                for item in items:
                    saving.save_answer(officer_id, attempt_id, item.question_id, answer_of(item), seq)
        return save

    # the phone sends odd seqs with the wrong answer, the tablet even seqs with the right one; 20 is the last
    errors = run_threads(app, [device(range(1, 20, 2), wrong_answer), device(range(2, 21, 2), right_answer),
                               device(range(2, 21, 2), right_answer)])
    assert errors == []
    db.session.expire_all()
    stored = dict(db.session.execute(sa.select(Answer.question_id, Answer.answer)
                                     .where(Answer.attempt_id == attempt_id)).all())
    assert stored == {item.question_id: right_answer(item) for item in items}
    assert set(db.session.scalars(sa.select(Answer.seq).where(Answer.attempt_id == attempt_id))) == {20}


def test_two_devices_starting_at_once_share_one_attempt(app, sitting):
    exam, officer = sitting
    exam_id, officer_id = exam.id, officer.id
    started = []

    def start():
        from quizapp.exams.models import Exam
        from quizapp.roster.models import Officer

        started.append(attempts.start_attempt(db.session.get(Officer, officer_id), db.session.get(Exam, exam_id)).id)

    errors = run_threads(app, [start, start, start])
    assert errors == [] and len(set(started)) == 1
