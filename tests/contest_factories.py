"""Builders for live-contest tests: a contest on a bank with known keys, officers joined."""
from __future__ import annotations

from quizapp.contests import live_play
from quizapp.contests.live_setup import LiveContestSpec, RoundSpec, create_live_contest
from quizapp.extensions import db

from .exam_factories import make_bank, make_organiser
from .factories import make_officer

# make_bank's keys: single "A", multiple ["A", "C"], judge true.
RIGHT = {"single": "A", "multiple": ["A", "C"], "judge": True}
WRONG = {"single": "B", "multiple": ["A"], "judge": False}


def make_live_contest(rounds=(("required", 2), ("buzz", 1), ("risk", 1)), team_scoring: str = "sum",
                      host=None, bank=None, seed: int = 7):
    """A contest in its lobby: one round per (kind, count), single-choice questions only
    (points: 必答 10 in 20 s, 抢答 20 in 15 s with a 10-point penalty, 风险 by stake)."""
    host = host or make_organiser()
    bank = bank or make_bank(single=12, multiple=0, judge=0, fill=0)
    settings = {"required": (10, 20, 0), "buzz": (20, 15, 10), "risk": (0, 20, 0)}
    spec = LiveContestSpec(title="党章知识竞赛", team_scoring=team_scoring, seed=seed, rounds=tuple(
        RoundSpec(kind, *settings[kind], bank_id=bank.id, count=count) for kind, count in rounds))
    return create_live_contest(host, spec), host


def join(contest, badge: str, name: str = "民警", department: str = "市公安局/治安大队"):
    """An officer who joined the contest."""
    officer = make_officer(badge=badge, name=name, department=department)
    live_play.join_contest(officer, contest)
    db.session.expire_all()
    return officer
