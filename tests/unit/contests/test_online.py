"""Online contests (ranked exams): ranking with its tie-breaks, departments as teams,
prizes and points, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp import timeutil
from quizapp.contests.online import (PrizeRule, award_closed_contests, award_online_contest_points, online_ranking,
                                     prize_list, summary_sentence)
from quizapp.contests.prizes import PrizeRuleError
from quizapp.exams import attempts, definitions
from quizapp.exams.models import Exam
from quizapp.exams.spec import ExamSpec, RuleSpec, SpecError
from quizapp.extensions import db
from quizapp.points.models import PointsEntry

from ...exam_factories import make_bank, make_organiser
from ...factories import make_officer
from ...online_contest_factories import ranked_exam, sit


@pytest.fixture
def contest(app):
    bank = make_bank(single=10, judge=10)
    organiser = make_organiser()
    zhian = [make_officer(name=n, department="市公安局/治安大队") for n in ("张伟", "王芳", "李强")]
    xingzhen = [make_officer(name=n, department="市公安局/刑侦大队") for n in ("刘洋", "陈静")]
    return ranked_exam(bank, organiser), organiser, zhian, xingzhen


def _names(ranking):
    return [(p.rank, p.result.extra.name) for p in ranking.individuals]


def test_individuals_rank_by_best_score_then_time_used_then_submission(contest):
    exam, _organiser, (zhang, wang, li), (liu, chen) = contest
    now = timeutil.now()
    sit(zhang, exam, right=8, seconds=300, finished=now - timedelta(minutes=50))
    sit(wang, exam, right=8, seconds=200, finished=now - timedelta(minutes=40))   # same score, faster
    sit(li, exam, right=8, seconds=300, finished=now - timedelta(minutes=60))     # same score and time, earlier
    sit(liu, exam, right=5, seconds=100, finished=now - timedelta(minutes=30))
    sit(liu, exam, right=10, seconds=500, finished=now - timedelta(minutes=20))   # the better second attempt counts
    ranking = online_ranking(db.session.get(Exam, exam.id))
    assert _names(ranking) == [(1, "刘洋"), (2, "王芳"), (3, "李强"), (4, "张伟")]
    best = ranking.place_of(liu.id).result
    assert (best.score, best.seconds) == (100, 500)
    assert [p.badge for p in ranking.individuals[:3]] == ["🥇", "🥈", "🥉"]
    assert not ranking.final
    assert ranking.place_of(chen.id) is None


def test_people_equal_in_score_time_and_submission_share_a_place(contest):
    exam, _organiser, (zhang, wang, li), _ = contest
    moment = timeutil.now() - timedelta(minutes=5)
    sit(zhang, exam, right=9, seconds=240, finished=moment)
    sit(wang, exam, right=9, seconds=240, finished=moment)
    sit(li, exam, right=7, seconds=100, finished=moment)
    ranks = [p.rank for p in online_ranking(exam).individuals]
    assert ranks == [1, 1, 3]


def test_time_used_is_capped_at_the_duration(contest):
    exam, _organiser, (zhang, *_), _ = contest
    sit(zhang, exam, right=6, seconds=exam.duration_minutes * 60 + 400)
    assert online_ranking(exam).individuals[0].result.seconds == exam.duration_minutes * 60


def test_departments_rank_by_average_best_score_with_participation_rate(contest):
    exam, _organiser, (zhang, wang, _li), (liu, chen) = contest
    sit(zhang, exam, right=10, seconds=100)
    sit(wang, exam, right=6, seconds=100)     # 治安大队: (100 + 60) / 2 = 80, 2 of 3
    sit(liu, exam, right=9, seconds=100)
    sit(chen, exam, right=9, seconds=100)     # 刑侦大队: 90, 2 of 2
    rows = [(d.rank, d.department, d.candidates, d.participants, d.participation_rate, d.average)
            for d in online_ranking(exam).departments]
    assert rows == [(1, "刑侦大队", 2, 2, 1.0, 90.0), (2, "治安大队", 3, 2, 0.6667, 80.0)]


def test_with_top_n_departments_place_by_the_average_of_their_best_n(app):
    bank = make_bank(single=10, judge=10)
    organiser = make_organiser()
    zhang, wang = (make_officer(name=n, department="市公安局/治安大队") for n in ("张伟", "王芳"))
    liu = make_officer(name="刘洋", department="市公安局/刑侦大队")
    exam = ranked_exam(bank, organiser, team_top_n=1)
    sit(zhang, exam, right=10, seconds=100)
    sit(wang, exam, right=2, seconds=100)     # average 60, best one 100
    sit(liu, exam, right=9, seconds=100)      # average 90, best one 90
    rows = [(d.rank, d.department, d.average, d.top_n_average) for d in online_ranking(exam).departments]
    assert rows == [(1, "治安大队", 60.0, 100.0), (2, "刑侦大队", 90.0, 90.0)]


def test_ranked_and_team_top_n_come_from_the_exam_document(app):
    opens = timeutil.now()
    document = {"title": "竞答", "opens_at": opens.isoformat(), "closes_at": (opens + timedelta(days=1)).isoformat(),
                "paper": {"questions": [1, 2]}, "ranked": True, "team_top_n": 5}
    spec = ExamSpec.from_document(document)
    assert spec.ranked is True and spec.team_top_n == 5
    assert ExamSpec.from_document({**document, "ranked": False, "team_top_n": None}).team_top_n is None
    with pytest.raises(SpecError) as refused:
        ExamSpec.from_document({**document, "ranked": "maybe", "team_top_n": 0})
    assert {e.field for e in refused.value.errors} == {"ranked", "team_top_n"}


def test_the_summary_sentence_names_units_people_and_the_winners(contest):
    exam, _organiser, (zhang, wang, _li), (liu, _chen) = contest
    sit(zhang, exam, right=10, seconds=100)
    sit(wang, exam, right=4, seconds=100)
    sit(liu, exam, right=9, seconds=100)
    assert summary_sentence(online_ranking(exam)) == (
        "本次党章知识竞答共有2个单位、3名民警参加，治安大队张伟获得个人第一名，刑侦大队获得团体第一名。")


def test_prizes_by_counts_or_shares_and_the_organisation_prize_by_participation(contest):
    exam, _organiser, (zhang, wang, li), (liu, chen) = contest
    for officer, right in ((zhang, 10), (wang, 9), (li, 8), (liu, 7), (chen, 6)):
        sit(officer, exam, right=right, seconds=100)
    ranking = online_ranking(exam)
    prizes = prize_list(ranking, PrizeRule("counts", 1, 1, 2, organisation=1))
    assert [(p.label, p.placed.result.extra.name) for p in prizes.prizes] == [
        ("一等奖", "张伟"), ("二等奖", "王芳"), ("三等奖", "李强"), ("三等奖", "刘洋")]
    assert [d.department for d in prizes.organisation] == ["刑侦大队", "治安大队"]  # both 100 %: the tie is kept
    shares = prize_list(ranking, PrizeRule("shares", 20, 20, 20, organisation=0))
    assert [p.level for p in shares.prizes] == [1, 2, 3] and shares.organisation == []
    with pytest.raises(PrizeRuleError):
        prize_list(ranking, PrizeRule("counts", 1.5, 0, 0))
    with pytest.raises(PrizeRuleError):
        prize_list(ranking, PrizeRule("shares", 60, 30, 20))


def test_points_are_awarded_once_after_the_contest_closes(contest):
    exam, organiser, (zhang, wang, li), (liu, _chen) = contest
    sit(zhang, exam, right=10, seconds=100)
    sit(wang, exam, right=9, seconds=100)
    sit(li, exam, right=8, seconds=100)
    sit(liu, exam, right=7, seconds=100)
    assert award_closed_contests() == 0  # still open: nothing yet
    definitions.close_exam(organiser, exam)
    assert award_closed_contests() > 0
    assert award_closed_contests() == 0
    assert award_online_contest_points(db.session.get(Exam, exam.id)) == 0
    rows = db.session.execute(sa.select(PointsEntry.officer_id, PointsEntry.reason, PointsEntry.points)
                              .where(PointsEntry.reason.like("contest%"))).all()
    places = {oid: points for oid, reason, points in rows if reason == "contest_place"}
    taken = [oid for oid, reason, _ in rows if reason == "contest_taken"]
    assert sorted(taken) == sorted([zhang.id, wang.id, li.id, liu.id])
    assert places == {zhang.id: 10, wang.id: 6, li.id: 3}  # the default rules
    assert online_ranking(db.session.get(Exam, exam.id)).final


def test_no_points_while_an_attempt_is_still_being_sat(contest):
    exam, organiser, (zhang, wang, _li), _ = contest
    sit(zhang, exam, right=10, seconds=100)
    attempts.start_attempt(wang, exam)
    exam.closed_at = timeutil.now()  # closed, but the sweep has not yet submitted 王芳's paper
    db.session.commit()
    assert award_closed_contests() == 0
    attempts.submit_open_attempts(exam.id, reason="closed")
    assert award_closed_contests() > 0


def test_an_exam_that_is_not_ranked_has_no_ranking(app):
    from quizapp.contests.errors import ContestError

    bank = make_bank()
    exam = definitions.create_exam(make_organiser(), ExamSpec(
        title="普通考试", opens_at=timeutil.now(), closes_at=timeutil.now() + timedelta(days=1),
        blueprint=(RuleSpec(bank.id, "single", 3, 2),)))
    with pytest.raises(ContestError) as refused:
        online_ranking(exam)
    assert refused.value.status == 404


def test_a_makeup_of_a_contest_is_not_ranked_and_a_clone_is(contest):
    exam, organiser, (zhang, _wang, _li), _ = contest
    sit(zhang, exam, right=3, seconds=100)
    definitions.close_exam(organiser, exam)
    assert definitions.create_makeup(organiser, exam).ranked is False
    assert definitions.clone_exam(organiser, exam).ranked is True


def test_the_scheduler_job_awards_a_closed_contest(app, contest):
    from quizapp.schedules.runner import run_job

    exam, organiser, (zhang, *_), _ = contest
    sit(zhang, exam, right=10, seconds=100)
    definitions.close_exam(organiser, exam)
    exam_id = exam.id
    db.session.commit()
    run_job(app, "online-contest-points")
    db.session.expire_all()
    assert db.session.get(Exam, exam_id).contest_points_at is not None
    assert db.session.scalar(sa.select(sa.func.sum(PointsEntry.points)).where(PointsEntry.officer_id == zhang.id)) > 0
