"""Online contests (线上竞答): exams marked ``ranked``, ranked by the pure rules of
``ranking.py`` and given prizes by ``prizes.py``.

An officer's best submitted attempt counts (an exam may allow several). Time used
is whole seconds from start to submission, at most the exam's duration (an attempt
the sweep submits late used no more than the duration); equal scores and equal
seconds are split by the submission time. Departments are the candidates' own at
invitation (the snapshot on ``Candidate``), ranked as teams by their participants'
average best score, or by the average of their best N when the exam says so.

The ranking is live while the exam is open and final once it has closed; the
contest's points are awarded once, by the sweep, after it has closed and every
attempt is in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .. import timeutil
from ..exams.models import Attempt, Candidate, Exam
from ..extensions import db
from ..points.services import award_contest_points
from ..roster.models import PATH_SEPARATOR, Department, Officer
from ..transactions import transaction
from .errors import ContestError
from .prizes import Prize, PrizeRuleError, award_prizes, organisation_awards
from .ranking import Placed, Result, TeamStanding, best_per_person, rank_individuals, rank_teams

OFFICER_TOP = 20  # officers see the first 20 places and their own


@dataclass(frozen=True)
class Entrant:
    """What a ranking row names: the officer, for display."""

    officer_id: int
    badge: str
    name: str
    department: str


@dataclass(frozen=True)
class DepartmentStanding:
    """A department's place as a team: the average of all its participants' best scores,
    and (with ``team_top_n``) the average of its best N, which then decides the place."""

    rank: int
    department: str
    candidates: int
    participants: int
    participation_rate: float
    average: float | None
    top_n_average: float | None


@dataclass(frozen=True)
class OnlineRanking:
    """An online contest's standings at one moment (final once the exam has closed)."""

    exam: Exam
    individuals: list[Placed]
    departments: list[DepartmentStanding]
    final: bool

    def place_of(self, officer_id: int) -> Placed | None:
        """The officer's row, or None if he has not submitted."""
        return next((p for p in self.individuals if p.result.person == officer_id), None)

    def top(self, count: int = OFFICER_TOP) -> list[Placed]:
        """Everyone within the first ``count`` places (a tie on the boundary is kept whole)."""
        return [p for p in self.individuals if p.rank <= count]

    def officer_rows(self, officer_id: int) -> list[Placed]:
        """What an officer sees: the first 20 places, and his own row below them if he is further down."""
        rows = self.top()
        own = self.place_of(officer_id)
        return rows + [own] if own is not None and own not in rows else rows

    @property
    def participants(self) -> int:
        return len(self.individuals)


def department_label(path: str) -> str:
    """A department as people name it: its path below the bureau (市公安局/治安大队 → 治安大队)."""
    head, separator, rest = path.partition(PATH_SEPARATOR)
    return rest if separator else head


def require_ranked(exam: Exam) -> Exam:
    """The exam if it is an online contest; a 404 ContestError otherwise."""
    if not exam.ranked:
        raise ContestError("这场考试不是竞赛，没有排名。", status=404, code="not_ranked")
    return exam


def ranking_hidden_message(exam: Exam) -> str:
    """Why a candidate cannot see the ranking yet (or at all), as the exam's results setting says."""
    if exam.show_results == "after_close":
        return f"排名将在竞赛结束（{timeutil.format_local(exam.closes_at)}）后公布。"
    return "本次竞赛不公布成绩和排名。"


def seconds_used(attempt_started: datetime, submitted: datetime, duration_minutes: int) -> int:
    """Whole seconds from start to submission, never more than the duration."""
    used = int((submitted - attempt_started).total_seconds())
    return max(0, min(used, duration_minutes * 60))


def online_ranking(exam: Exam) -> OnlineRanking:
    """The contest's individual and department standings now (two queries)."""
    require_ranked(exam)
    rows = db.session.execute(
        sa.select(Attempt.officer_id, Attempt.score, Attempt.started_at, Attempt.submitted_at,
                  Officer.badge, Officer.name, Department.path)
        .join(Officer, Officer.id == Attempt.officer_id)
        .join(Candidate, sa.and_(Candidate.exam_id == Attempt.exam_id, Candidate.officer_id == Attempt.officer_id))
        .join(Department, Department.id == Candidate.department_id)
        .where(Attempt.exam_id == exam.id, Attempt.submitted_at.is_not(None), Attempt.score.is_not(None))
    ).all()
    results = [Result(person=row.officer_id, score=round(row.score, 2),
                      seconds=seconds_used(row.started_at, row.submitted_at, exam.duration_minutes),
                      submitted_at=row.submitted_at, team=department_label(row.path),
                      extra=Entrant(row.officer_id, row.badge, row.name, department_label(row.path)))
               for row in rows]
    candidates = {department_label(path): count for path, count in db.session.execute(
        sa.select(Department.path, sa.func.count()).join(Candidate, Candidate.department_id == Department.id)
        .where(Candidate.exam_id == exam.id, Candidate.replaced_at.is_(None)).group_by(Department.path))}
    best = best_per_person(results)
    individuals = rank_individuals(best)
    return OnlineRanking(exam, individuals, _departments(best, candidates, exam.team_top_n), final=exam.is_closed)


def _departments(best: list[Result], candidates: dict[str, int], top_n: int | None) -> list[DepartmentStanding]:
    """Teams by average; with ``top_n``, placed by the average of their best N instead."""
    by_average = {t.team: t for t in rank_teams(best, candidates)}
    placed: list[TeamStanding] = (rank_teams(best, candidates, method="top_n", top_n=top_n) if top_n
                                  else list(by_average.values()))
    placed.sort(key=lambda t: (t.rank, t.team))
    return [DepartmentStanding(
        rank=t.rank, department=t.team, candidates=t.candidates or 0, participants=t.participants,
        participation_rate=t.participation_rate or 0.0, average=by_average[t.team].score,
        top_n_average=t.score if top_n else None) for t in placed]


def summary_sentence(ranking: OnlineRanking) -> str:
    """"本次党章知识竞答共有5个单位、60名民警参加，治安大队张伟获得个人第一名，治安大队获得团体第一名。" """
    title = ranking.exam.title.removeprefix("本次")
    if not ranking.individuals:
        return f"本次{title}尚无民警参加。"
    units = sum(1 for d in ranking.departments if d.participants)
    firsts = [p.result.extra for p in ranking.individuals if p.rank == 1]
    people = "、".join(f"{e.department}{e.name}" for e in firsts)
    teams = "、".join(d.department for d in ranking.departments if d.rank == 1 and d.participants)
    person_part = f"{people}并列个人第一名" if len(firsts) > 1 else f"{people}获得个人第一名"
    team_part = (f"{teams}并列团体第一名" if "、" in teams else f"{teams}获得团体第一名")
    return f"本次{title}共有{units}个单位、{ranking.participants}名民警参加，{person_part}，{team_part}。"


# ---------------------------------------------------------------- prizes

@dataclass(frozen=True)
class PrizeRule:
    """How many prizes of each level: counts, or shares of the participants; and how many
    departments get 优秀组织奖."""

    basis: str = "counts"  # counts | shares
    first: float = 1
    second: float = 2
    third: float = 3
    organisation: int = 1


@dataclass(frozen=True)
class PrizeList:
    """获奖名单: people by prize level, and the departments with 优秀组织奖."""

    rule: PrizeRule
    prizes: list[Prize]
    organisation: list[DepartmentStanding]


def prize_list(ranking: OnlineRanking, rule: PrizeRule) -> PrizeList:
    """The prize list of a ranking under a rule (PrizeRuleError with a Chinese message)."""
    values = (rule.first, rule.second, rule.third)
    if rule.basis == "shares":
        prizes = award_prizes(ranking.individuals, shares=[v / 100 for v in values])
    elif all(float(v).is_integer() for v in values):
        prizes = award_prizes(ranking.individuals, counts=[int(v) for v in values])
    else:
        raise PrizeRuleError("各等奖人数应为不小于0的整数。")
    teams = [TeamStanding(d.rank, d.department, d.candidates, d.participants, d.participation_rate, d.average)
             for d in ranking.departments]
    winners = {t.team for t in organisation_awards(teams, rule.organisation)}
    organisation = sorted((d for d in ranking.departments if d.department in winners),
                          key=lambda d: (-d.participation_rate, d.department))
    return PrizeList(rule, prizes, organisation)


# ---------------------------------------------------------------- points

def award_online_contest_points(exam: Exam, now: datetime | None = None) -> int:
    """Points for a closed contest by the points rules: taking part, and the first three
    places. Once: the exam is marked, and the ledger refuses a second award anyway.
    Nothing while the exam is open or an attempt is still being sat. Commits."""
    now = now or timeutil.now()
    if not exam.ranked or exam.contest_points_at is not None or not exam.is_closed:
        return 0
    sitting = db.session.scalar(sa.select(sa.exists().where(
        Attempt.exam_id == exam.id, Attempt.submitted_at.is_(None))))
    if sitting:
        return 0
    ranking = online_ranking(exam)
    with transaction():
        given = award_contest_points(
            f"online:{exam.id}", exam.title, [p.result.person for p in ranking.individuals],
            {p.result.person: p.rank for p in ranking.individuals if p.rank <= 3}, now)
        exam.contest_points_at = now
    return given


def award_closed_contests() -> int:
    """The sweep: award the points of every ranked exam that has closed and not been awarded."""
    exams = db.session.scalars(sa.select(Exam).where(
        Exam.ranked.is_(True), Exam.contest_points_at.is_(None), Exam.is_closed)).all()
    return sum(award_online_contest_points(exam) for exam in exams)
