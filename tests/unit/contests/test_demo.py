"""The demo has a live contest ready to host, made once."""
from __future__ import annotations

import sqlalchemy as sa

from quizapp.contests.models import LiveContest
from quizapp.extensions import db


def test_demo_has_one_live_contest_in_its_lobby_with_three_rounds(app):
    from quizapp.demo import build_demo

    build_demo()
    build_demo()
    contests = db.session.scalars(sa.select(LiveContest)).all()
    assert len(contests) == 1
    contest = contests[0]
    assert (contest.title, contest.status, contest.phase) == ("党章知识竞赛", "lobby", "lobby")
    assert [r.kind for r in contest.rounds] == ["required", "buzz", "risk"]
    assert len(contest.questions) == 18 and all(q.type in ("single", "multiple", "judge") for q in contest.questions)
    assert len({q.question_id for q in contest.questions}) == 18


def test_demo_has_one_finished_online_contest_with_rankings(app):
    from quizapp.contests.demo import ONLINE_TITLE
    from quizapp.contests.online import online_ranking
    from quizapp.demo import build_demo
    from quizapp.exams.models import Exam

    build_demo()
    build_demo()
    exams = db.session.scalars(sa.select(Exam).where(Exam.ranked.is_(True))).all()
    assert [e.title for e in exams] == [ONLINE_TITLE]
    ranking = online_ranking(exams[0])
    assert ranking.final and ranking.participants > 50 and len(ranking.departments) == 5
    assert ranking.individuals[0].rank == 1 and ranking.individuals[0].result.score > 0
