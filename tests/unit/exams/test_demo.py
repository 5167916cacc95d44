"""The demo step: an open full-staff exam and a drawn sample exam, or a note when no banks exist."""
from __future__ import annotations

import random

import sqlalchemy as sa

from quizapp.demo import DemoContext
from quizapp.exams.demo import FULL_TITLE, SAMPLE_TITLE, demo_exams
from quizapp.exams.models import Candidate, Exam
from quizapp.extensions import db

from ...exam_factories import make_bank, make_organiser
from ...factories import make_officer


def test_demo_skips_with_a_note_when_no_banks_are_loaded(app, capsys):
    demo_exams(DemoContext(rng=random.Random(1)))
    assert "还没有题库" in capsys.readouterr().out
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 0


def test_demo_adds_an_open_full_exam_and_a_drawn_sample_exam_once(app):
    make_bank(single=25, multiple=3, judge=12, fill=2)
    make_organiser()
    for n in range(30):
        make_officer(department="市公安局/治安大队" if n % 2 else "市公安局/刑侦大队", commit=False)
    db.session.commit()
    demo_exams(DemoContext(rng=random.Random(1)))
    db.session.commit()
    demo_exams(DemoContext(rng=random.Random(1)))
    full = db.session.scalar(sa.select(Exam).where(Exam.title == FULL_TITLE))
    sample = db.session.scalar(sa.select(Exam).where(Exam.title == SAMPLE_TITLE))
    assert full.status == "open" and sample.status == "open"
    assert full.question_count == 20 + 3 + 10 + 2
    count = lambda exam: db.session.scalar(sa.select(sa.func.count()).select_from(Candidate).where(Candidate.exam_id == exam.id))
    assert count(full) == 31 and count(sample) == 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exam)) == 2
