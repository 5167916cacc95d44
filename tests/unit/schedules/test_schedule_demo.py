"""The demo's quarterly schedule is one its organisers' pages call healthy."""
import random

import sqlalchemy as sa

from quizapp.demo import DemoContext
from quizapp.extensions import db
from quizapp.schedules import services
from quizapp.schedules.demo import demo_schedule
from quizapp.schedules.models import Schedule
from tests.exam_factories import make_bank, make_organiser


def test_the_demo_schedule_would_create_its_exam(app):
    make_bank(single=25, multiple=3, judge=12, fill=2)
    make_organiser()
    demo_schedule(DemoContext(rng=random.Random(1)))
    schedule = db.session.scalars(sa.select(Schedule)).one()
    assert services.schedule_health(schedule) == []
