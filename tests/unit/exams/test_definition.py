"""Defining exams: blueprint checks, scope, candidates, draws, replacements, board, makeup."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp import timeutil
from quizapp.audit.models import AuditEntry
from quizapp.exams import attempts, definitions, progress, saving
from quizapp.exams.candidates import draw_candidates, plan_draw, replace_candidate
from quizapp.exams.errors import ExamError
from quizapp.exams.spec import ExamSpec, RuleSpec
from quizapp.exams.models import Candidate, Draw, Exam
from quizapp.extensions import db
from quizapp.roster.models import Department
from quizapp.notifications.models import Notification

from ...exam_factories import exam_spec, make_bank, make_organiser
from ...factories import make_officer


def candidates(exam):
    return set(db.session.scalars(sa.select(Candidate.officer_id).where(
        Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None))))


def test_a_blueprint_asking_more_questions_than_the_bank_holds_is_refused_in_chinese(app):
    bank = make_bank(single=3)
    organiser = make_organiser()
    spec = exam_spec(bank, blueprint=(RuleSpec(bank.id, "single", 4, 2),))
    with pytest.raises(ExamError, match="只有3道单选题.*要求4道"):
        definitions.create_exam(organiser, spec)
    # two rules on the same bank and type may not add up to more than it holds either
    spec = exam_spec(bank, blueprint=(RuleSpec(bank.id, "single", 2, 2),
                                      RuleSpec(bank.name, "single", 2, 2)))
    with pytest.raises(ExamError, match="合计要求4道"):
        definitions.create_exam(organiser, spec)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 0


def test_full_exam_invites_active_officers_of_chosen_departments_narrowed_by_groups(app):
    bank = make_bank()
    organiser = make_organiser()
    member = make_officer(department="市公安局/治安大队/一中队", political_status="入党积极分子")
    make_officer(department="市公安局/治安大队", political_status="中共党员")
    make_officer(department="市公安局/治安大队", political_status="入党积极分子", active=False)
    tagged = make_officer(department="市公安局/治安大队", tags=["入党积极分子"])
    make_officer(department="市公安局/刑侦大队", political_status="入党积极分子")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",), groups=("入党积极分子",)))
    assert candidates(exam) == {member.id, tagged.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == str(exam.id))) == "exam.create"


def test_an_organiser_limited_to_a_department_cannot_make_an_exam_outside_it(app):
    from quizapp.roster.services import ensure_department

    bank = make_bank()
    organiser = make_organiser()
    organiser.scope_departments = [ensure_department("市公安局/治安大队")]
    ensure_department("市公安局/刑侦大队")
    db.session.commit()
    with pytest.raises(ExamError) as refused:
        definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/刑侦大队",)))
    assert refused.value.status == 403
    exam = definitions.create_exam(organiser, exam_spec(bank))  # omitted departments: his own scope
    assert [d.path for d in exam.departments] == ["市公安局/治安大队"]


def test_an_exam_can_be_edited_before_it_opens_but_not_after(app):
    bank = make_bank()
    organiser = make_organiser()
    later = timeutil.now() + timedelta(days=2)
    exam = definitions.create_exam(organiser, exam_spec(bank, opens_at=later, closes_at=later + timedelta(days=1)))
    definitions.update_exam(organiser, exam, ExamSpec.from_document(
        {"title": "改名后的测试", "pass_mark": 80}, base=definitions.spec_from_exam(exam)))
    assert exam.title == "改名后的测试" and exam.pass_mark == 80
    open_exam = definitions.create_exam(organiser, exam_spec(bank))
    with pytest.raises(ExamError) as refused:
        definitions.update_exam(organiser, open_exam, definitions.spec_from_exam(open_exam))
    assert refused.value.status == 409


def test_clone_copies_the_definition_into_a_future_window(app):
    bank = make_bank()
    organiser = make_organiser()
    exam = definitions.create_exam(organiser, exam_spec(bank, partial_credit=True))
    clone = definitions.clone_exam(organiser, exam)
    assert clone.opens_at > timeutil.now() and clone.partial_credit
    assert clone.cloned_from_id == exam.id and clone.question_count == exam.question_count


def _sample_roster():
    for n in range(6):
        make_officer(department="市公安局/治安大队", commit=False)
    for n in range(3):
        make_officer(department="市公安局/刑侦大队", commit=False)
    make_officer(department="市公安局/刑侦大队", active=False, commit=False)
    db.session.commit()


def test_a_draw_with_the_same_seed_draws_the_same_officers_and_is_audited(app):
    bank = make_bank()
    organiser = make_organiser()
    _sample_roster()
    exam = definitions.create_exam(organiser, exam_spec(bank, mode="sample", departments=("市公安局/治安大队", "市公安局/刑侦大队")))
    assert candidates(exam) == set()
    plan = plan_draw(exam, 3, "proportional")
    assert {(u.path, u.population, u.allocated) for u in plan} == {("市公安局/治安大队", 6, 2), ("市公安局/刑侦大队", 3, 1)}
    draw = draw_candidates(organiser, exam, 3, "proportional", seed=42)
    first = candidates(exam)
    assert len(first) == 3 and draw.seed == 42
    draw_candidates(organiser, exam, 3, "proportional", seed=42)
    assert candidates(exam) == first
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "exam.draw")))
    assert len(actions) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draw)) == 2


def test_replacing_an_absent_candidate_draws_another_from_the_same_department(app):
    bank = make_bank()
    organiser = make_organiser()
    _sample_roster()
    exam = definitions.create_exam(organiser, exam_spec(bank, mode="sample", departments=("市公安局/治安大队", "市公安局/刑侦大队")))
    draw_candidates(organiser, exam, 4, "equal", seed=7)
    absent = db.session.scalars(sa.select(Candidate).join(Candidate.department)
                                .where(Candidate.exam_id == exam.id)
                                .where(Department.path == "市公安局/刑侦大队")).first()
    substitute = replace_candidate(organiser, absent)
    assert substitute.department.path == "市公安局/刑侦大队"
    assert substitute.officer_id not in {absent.officer_id} and substitute.officer.active
    assert absent.replaced_at is not None
    assert db.session.scalar(sa.select(AuditEntry.summary).where(AuditEntry.action == "exam.replace")).count("替补")


def test_board_counts_invited_started_and_submitted_per_department(app):
    bank = make_bank()
    organiser = make_organiser()
    first = make_officer(department="市公安局/治安大队")
    second = make_officer(department="市公安局/治安大队")
    make_officer(department="市公安局/刑侦大队")
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队", "市公安局/刑侦大队")))
    attempts.start_attempt(first, exam)
    attempt = attempts.start_attempt(second, exam)
    attempts.submit_attempt(attempt.id)
    result = progress.board(exam)
    assert (result["invited"], result["started"], result["submitted"], result["not_started"]) == (3, 2, 1, 1)
    assert result["in_progress"] == 1
    assert result["departments"][1] == {"department": "市公安局/治安大队", "invited": 2, "started": 2,
                                        "in_progress": 1, "submitted": 1, "not_started": 0}
    assert progress.remind_not_started(organiser, exam) == 1
    assert progress.remind_not_started(organiser, exam) == 0  # once an hour at most


def test_makeup_invites_those_who_failed_or_missed(app):
    bank = make_bank()
    organiser = make_organiser()
    passer, failer, absentee = (make_officer(department="市公安局/治安大队") for _ in range(3))
    exam = definitions.create_exam(organiser, exam_spec(bank, departments=("市公安局/治安大队",)))
    from ...exam_factories import items_of, right_answer

    good = attempts.start_attempt(passer, exam)
    for item in items_of(good.id):
        saving.save_answer(passer.id, good.id, item.question_id, right_answer(item), 1)
    attempts.submit_attempt(good.id)
    attempts.submit_attempt(attempts.start_attempt(failer, exam).id)
    with pytest.raises(ExamError):
        definitions.create_makeup(organiser, exam)  # still open
    definitions.close_exam(organiser, exam)
    makeup = definitions.create_makeup(organiser, exam)
    assert candidates(makeup) == {failer.id, absentee.id}
    assert makeup.makeup_of_id == exam.id and "补考" in makeup.title
