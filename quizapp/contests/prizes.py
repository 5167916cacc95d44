"""Prize lists (获奖名单): pure functions over placed results and team standings.

一等奖, 二等奖 and 三等奖 go by place, with counts given outright or as shares of the
participants; people who share a place share its prize, so a tie on a boundary
gives everyone in it the higher prize. 优秀组织奖 goes to the departments with the
highest participation rate, ties on the boundary included.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .ranking import Placed, TeamStanding, competition_ranks

PRIZE_LEVELS = ("一等奖", "二等奖", "三等奖")
ORGANISATION_PRIZE = "优秀组织奖"


class PrizeRuleError(ValueError):
    """Prize counts or shares that cannot be used, with a Chinese message."""


@dataclass(frozen=True)
class Prize:
    """One person's prize."""

    level: int  # 1, 2, 3
    label: str
    placed: Placed


def counts_from_shares(shares: Sequence[float], participants: int) -> tuple[int, ...]:
    """Prize counts from shares of the participants (0.1 = 10 %), each rounded half up."""
    if any(share < 0 for share in shares) or sum(shares) > 1 + 1e-9:
        raise PrizeRuleError("各等奖比例应为0到100%之间，合计不超过100%。")
    return tuple(int(share * participants + 0.5) for share in shares)


def prize_counts(participants: int, counts: Sequence[int] | None = None,
                 shares: Sequence[float] | None = None) -> tuple[int, int, int]:
    """The number of first, second and third prizes (before ties widen them)."""
    if (counts is None) == (shares is None):
        raise PrizeRuleError("请指定各等奖的人数或比例（二选一）。")
    if shares is not None:
        values = counts_from_shares(shares, participants)
    else:
        values = tuple(counts)
        if any(not isinstance(count, int) or count < 0 for count in values):
            raise PrizeRuleError("各等奖人数应为不小于0的整数。")
    if len(values) != len(PRIZE_LEVELS):
        raise PrizeRuleError("请分别指定一等奖、二等奖、三等奖。")
    return values  # type: ignore[return-value]


def award_prizes(placed: Sequence[Placed], counts: Sequence[int] | None = None,
                 shares: Sequence[float] | None = None, min_score: float | None = None) -> list[Prize]:
    """Prizes by place: a place within the first n1 places wins 一等奖, within n1+n2
    二等奖, within n1+n2+n3 三等奖. People sharing a place share its prize. Nobody
    below ``min_score`` wins."""
    levels = prize_counts(len(placed), counts, shares)
    cutoffs, total = [], 0
    for count in levels:
        total += count
        cutoffs.append(total)
    prizes = []
    for entry in placed:
        if min_score is not None and entry.result.score < min_score:
            continue
        for level, cutoff in enumerate(cutoffs, start=1):
            if entry.rank <= cutoff and levels[level - 1] > 0:
                prizes.append(Prize(level, PRIZE_LEVELS[level - 1], entry))
                break
    return prizes


def organisation_awards(teams: Sequence[TeamStanding], count: int = 1,
                        min_rate: float | None = None) -> list[TeamStanding]:
    """The departments with the highest participation rate (优秀组织奖): the first
    ``count`` places by rate, everyone tied on the boundary included; teams without a
    known rate, or below ``min_rate``, never win."""
    if count < 0:
        raise PrizeRuleError("优秀组织奖数量应为不小于0的整数。")
    eligible = [t for t in teams if t.participation_rate is not None and t.participants > 0
                and (min_rate is None or t.participation_rate >= min_rate)]
    eligible.sort(key=lambda t: (-t.participation_rate, t.team))
    ranks = competition_ranks([-t.participation_rate for t in eligible])
    return [team for rank, team in zip(ranks, eligible) if rank <= count]
