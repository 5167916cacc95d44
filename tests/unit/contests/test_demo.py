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
