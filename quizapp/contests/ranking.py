"""Contest rankings: pure functions over plain results, no database.

Individuals rank by score (higher first), then time used (less first), then
submission time (earlier first); people equal in all three share a place and the
next place is skipped (competition ranking: 1, 2, 2, 4). The first three places
carry a badge. Departments rank as teams by the average of their participants'
best scores (or the sum, or the average of their best N), with the participation
rate beside it. Online contests (ranked exams) and live contests both rank here.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

BADGE_STYLES = {"medal": ("🥇", "🥈", "🥉"), "chinese": ("一", "二", "三")}
TEAM_METHODS = {"average": "平均分", "sum": "总分", "top_n": "前N名平均分"}


@dataclass(frozen=True)
class Result:
    """One person's result: who, their team, and the three things they are ranked by.

    ``submitted_at`` may be any comparable value (a datetime, a timestamp); ``seconds``
    is the time used. ``extra`` carries whatever the caller wants back (a name, a badge).
    """

    person: Any
    score: float
    seconds: float
    submitted_at: Any
    team: str | None = None
    extra: Any = None

    def order_key(self) -> tuple:
        """Sorts best first: higher score, less time, earlier submission."""
        return (-self.score, self.seconds, self.submitted_at)


@dataclass(frozen=True)
class Placed:
    """A result with its place and badge ("" below the third place)."""

    rank: int
    badge: str
    result: Result


@dataclass(frozen=True)
class TeamStanding:
    """A department's standing as a team."""

    rank: int
    team: str
    candidates: int | None
    participants: int
    participation_rate: float | None
    score: float | None  # None: nobody of the team took part


def badge(rank: int, style: str = "medal") -> str:
    """The badge of the first three places in the given style, else ""."""
    marks = BADGE_STYLES[style]
    return marks[rank - 1] if 1 <= rank <= len(marks) else ""


def competition_ranks(keys: list) -> list[int]:
    """Places for keys already sorted best first: equal keys share a place and the
    places after them are skipped (1, 2, 2, 4)."""
    ranks: list[int] = []
    for index, key in enumerate(keys):
        if index and key == keys[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def best_per_person(results: Iterable[Result]) -> list[Result]:
    """Each person's best result (several attempts allowed, the best counts)."""
    best: dict[Any, Result] = {}
    for result in results:
        kept = best.get(result.person)
        if kept is None or result.order_key() < kept.order_key():
            best[result.person] = result
    return list(best.values())


def rank_individuals(results: Iterable[Result], style: str = "medal") -> list[Placed]:
    """Rank people best first; ties in score, time and submission share a place.

    Within a shared place the order is by ``person`` so the output is stable.
    """
    ordered = sorted(results, key=lambda r: (r.order_key(), _stable(r.person)))
    ranks = competition_ranks([r.order_key() for r in ordered])
    return [Placed(rank, badge(rank, style), result) for rank, result in zip(ranks, ordered)]


def team_score(scores: list[float], method: str = "average", top_n: int | None = None) -> float | None:
    """A team's score from its members' scores: the average, the sum, or the average of
    its best ``top_n`` (missing places count 0, so a small team gains nothing by being
    small). None when nobody took part (for "top_n" too)."""
    if not scores:
        return None
    if method == "sum":
        return round(sum(scores), 2)
    if method == "average":
        return round(sum(scores) / len(scores), 2)
    if method == "top_n":
        if not top_n or top_n < 1:
            raise ValueError("top_n must be a positive number for method 'top_n'")
        best = sorted(scores, reverse=True)[:top_n]
        return round(sum(best) / top_n, 2)
    raise ValueError(f"unknown team method {method!r}")


def rank_teams(results: Iterable[Result], candidates: Mapping[str, int] | None = None,
               method: str = "average", top_n: int | None = None) -> list[TeamStanding]:
    """Rank teams by their score (from each person's best result), then participation
    rate; equal in both share a place. Teams in ``candidates`` nobody of which took part
    come last, with no score. Results without a team are left out."""
    by_team: dict[str, list[float]] = {}
    for result in best_per_person(results):
        if result.team is not None:
            by_team.setdefault(result.team, []).append(result.score)
    teams = set(by_team) | set(candidates or {})
    rows = []
    for team in teams:
        scores = by_team.get(team, [])
        invited = None if candidates is None else candidates.get(team, 0)
        rate = None
        if invited is not None:
            rate = round(min(len(scores) / invited, 1.0), 4) if invited else (1.0 if scores else 0.0)
        rows.append((team, invited, len(scores), rate, team_score(scores, method, top_n)))

    def key(row):
        _team, _invited, _participants, rate, score = row
        return (score is None, -(score or 0.0), -(rate or 0.0))

    rows.sort(key=lambda row: (key(row), row[0]))
    ranks = competition_ranks([key(row) for row in rows])
    return [TeamStanding(rank, team, invited, participants, rate, score)
            for rank, (team, invited, participants, rate, score) in zip(ranks, rows)]


def _stable(value) -> tuple:
    """A sort key for mixed person ids (ints and strings never compared directly)."""
    return (type(value).__name__, value)
