"""The study demo step: weekly materials, minutes, practice history and points, added once."""
from __future__ import annotations

import random

import sqlalchemy as sa

from quizapp.demo import DemoContext
from quizapp.extensions import db
from quizapp.points.models import PointsEntry
from quizapp.practice.models import PracticeAnswer
from quizapp.roster.demo import seed_roster
from quizapp.study import files
from quizapp.study.demo import seed_study
from quizapp.study.models import StudyDay, StudyFile, StudyMaterial
from tests.practice_factories import make_practice_bank


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def run_step():
    context = DemoContext(rng=random.Random(7))
    seed_roster(context)
    db.session.commit()
    seed_study(context)
    db.session.commit()


def test_demo_adds_materials_and_practice_once(app):
    make_practice_bank()
    run_step()
    titles = db.session.scalars(sa.select(StudyMaterial.title).order_by(StudyMaterial.published_on)).all()
    assert len(titles) == 3 and all(t.startswith("政治学习三十分：") for t in titles)
    # The latest issue carries the study notes as a PDF, which the upload checks would accept too.
    latest = db.session.scalar(sa.select(StudyMaterial).order_by(StudyMaterial.published_on.desc()).limit(1))
    (guide,) = latest.attachments
    assert guide.filename == "学习辅导材料.pdf" and files.sniff(guide.data).kind == "pdf"
    assert "学习时长自动记录".encode("utf-16-be").hex().upper().encode() in guide.data
    answers, days, points = count(PracticeAnswer), count(StudyDay), count(PointsEntry)
    assert answers > 0 and days > 0 and points > 0
    run_step()
    assert (count(StudyMaterial), count(PracticeAnswer), count(StudyDay), count(PointsEntry), count(StudyFile)) == (
        3, answers, days, points, 1)


def test_demo_without_banks_skips_practice_history(app):
    run_step()
    assert count(StudyMaterial) == 3 and count(PracticeAnswer) == 0
