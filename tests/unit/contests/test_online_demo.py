"""The demo has one finished online contest with rankings and its points awarded, made once."""
from __future__ import annotations

import random

import sqlalchemy as sa

from quizapp.contests.demo import ONLINE_TITLE, demo_online_contest
from quizapp.contests.online import online_ranking, summary_sentence
from quizapp.demo import DemoContext
from quizapp.exams.models import Attempt, Exam
from quizapp.extensions import db
from quizapp.points.models import PointsEntry

from ...exam_factories import make_bank, make_organiser
from ...factories import make_officer


def test_demo_adds_a_finished_ranked_contest_once(app):
    make_bank(single=25, judge=12)
    make_organiser()
    departments = ("市公安局/治安大队", "市公安局/刑侦大队", "市公安局/城关派出所")
    for n in range(30):
        make_officer(department=departments[n % 3], commit=False)
    db.session.commit()
    demo_online_contest(DemoContext(rng=random.Random(2026)))
    demo_online_contest(DemoContext(rng=random.Random(2026)))
    exams = db.session.scalars(sa.select(Exam).where(Exam.title == ONLINE_TITLE)).all()
    assert len(exams) == 1
    exam = exams[0]
    assert exam.ranked and exam.status == "closed" and exam.contest_points_at is not None
    ranking = online_ranking(exam)
    assert ranking.final and 15 <= ranking.participants < 31
    # the three departments and the organiser's 政治处 (every unit below the bureau)
    assert len(ranking.departments) == 4 and len({d.participation_rate for d in ranking.departments}) > 1
    assert len({p.result.seconds for p in ranking.individuals}) > 1
    assert db.session.scalar(sa.select(sa.func.max(Attempt.number)).where(Attempt.exam_id == exam.id)) == 2
    units = sum(1 for d in ranking.departments if d.participants)
    assert summary_sentence(ranking).startswith(f"本次{ONLINE_TITLE}共有{units}个单位、{ranking.participants}名民警参加")
    awarded = db.session.scalar(sa.select(sa.func.count()).select_from(PointsEntry)
                                .where(PointsEntry.reason == "contest_taken"))
    assert awarded == ranking.participants
