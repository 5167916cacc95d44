"""Report statistics as pure functions: no database, no Flask.

Item statistics follow Moodle's quiz statistics report:

- facility index F = mean(x) / max_x, where x is the score each participant got
  on the item and max_x the item's full marks (Moodle subtracts the minimum
  possible score, which is 0 for every question type here). 1 = everyone got
  full marks, 0 = nobody scored.
- discrimination index D = Pearson correlation between the item score x and the
  rest-of-test score y = total − x, over the participants who took the item:

      D = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² · Σ(y−ȳ)²)

  Moodle shows 100·D as a percentage; we keep the fraction (−1 … 1). D is
  undefined (None) when either variance is zero, e.g. everyone answered alike.
  Using the rest of the test rather than the total keeps the item from
  correlating with itself.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..scores import format_score

# A question "looks broken" (wrong key, ambiguous stem) when almost nobody gets it
# right or when the stronger candidates do worse on it than the weaker ones.
BROKEN_FACILITY_BELOW = 0.2
BROKEN_DISCRIMINATION_BELOW = 0.0
MIN_ATTEMPTS_FOR_FLAGS = 10


@dataclass(frozen=True)
class SummaryFigures:
    """The headline numbers of an exam; rates are fractions, None when undefined."""

    candidates: int
    participated: int
    passed: int
    participation_rate: float | None
    pass_rate: float | None
    average: float | None
    highest: float | None
    lowest: float | None


def summarise(candidates: int, scores: Sequence[float], pass_mark: float) -> SummaryFigures:
    """Headline figures from the candidates count and the participants' scores."""
    return figures(candidates, len(scores), sum(1 for s in scores if s >= pass_mark), sum(scores),
                   max(scores) if scores else None, min(scores) if scores else None)


def figures(candidates: int, participated: int, passed: int, score_sum: float | None,
            highest: float | None, lowest: float | None) -> SummaryFigures:
    """Headline figures from aggregates (what a GROUP BY query returns)."""
    return SummaryFigures(
        candidates=candidates,
        participated=participated,
        passed=passed,
        participation_rate=ratio(participated, candidates),
        pass_rate=ratio(passed, participated),
        average=round(score_sum / participated, 2) if participated else None,
        highest=highest if participated else None,
        lowest=lowest if participated else None,
    )


def ratio(part: float, whole: float) -> float | None:
    """part / whole rounded to 4 places, None when whole is 0."""
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Bin:
    """One bar of the score distribution: [low, high) except the last, which is closed."""

    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{_num(self.low)}–{_num(self.high)}"


def score_bins(scores: Sequence[float], total: float = 100, width: float = 10) -> list[Bin]:
    """Counts of scores per band of ``width`` from 0 to ``total`` (full marks fall in the last band)."""
    if total <= 0 or width <= 0:
        raise ValueError("total and width must be positive")
    edges = []
    low = 0.0
    while low < total:
        edges.append((low, min(low + width, total)))
        low += width
    counts = [0] * len(edges)
    for score in scores:
        index = min(int(max(score, 0) // width), len(edges) - 1)
        counts[index] += 1
    return [Bin(lo, hi, c) for (lo, hi), c in zip(edges, counts)]


@dataclass(frozen=True)
class ItemStatistics:
    """Statistics of one question over the participants who had it on their paper."""

    attempts: int
    correct: int
    correct_rate: float | None
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...] = field(default=())


FLAG_LABELS = {
    "too_hard": "几乎无人答对，请检查答案是否有误",
    "negative_discrimination": "成绩好的考生反而答错更多，请检查题目是否有歧义",
}


def item_statistics(item_scores: Sequence[float], totals: Sequence[float], max_points: float,
                    correct: int | None = None, min_attempts: int | None = None) -> ItemStatistics:
    """Correct rate, facility and discrimination of one item.

    ``item_scores[i]`` and ``totals[i]`` belong to the same participant; ``correct``
    counts full-mark answers (derived from the scores when omitted).
    """
    if len(item_scores) != len(totals):
        raise ValueError("item_scores and totals must have the same length")
    n = len(item_scores)
    if correct is None:
        correct = sum(1 for x in item_scores if max_points and x >= max_points)
    facility = round(sum(item_scores) / (n * max_points), 4) if n and max_points > 0 else None
    rest = [t - x for x, t in zip(item_scores, totals)]
    discrimination = correlation(item_scores, rest)
    discrimination = round(discrimination, 4) if discrimination is not None else None
    flags = broken_flags(n, facility, discrimination, min_attempts)
    return ItemStatistics(n, correct, ratio(correct, n), facility, discrimination, flags)


def broken_flags(attempts: int, facility: float | None, discrimination: float | None,
                 min_attempts: int | None = None) -> tuple[str, ...]:
    """Reasons a question looks broken; none below ``min_attempts`` (too little evidence)."""
    if attempts < (MIN_ATTEMPTS_FOR_FLAGS if min_attempts is None else min_attempts):
        return ()
    flags = []
    if facility is not None and facility < BROKEN_FACILITY_BELOW:
        flags.append("too_hard")
    if discrimination is not None and discrimination < BROKEN_DISCRIMINATION_BELOW:
        flags.append("negative_discrimination")
    return tuple(flags)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, None for fewer than two points or a zero variance."""
    n = len(xs)
    if n < 2:
        return None
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    # Tolerate float noise: a variance this small is a constant column.
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return cov / math.sqrt(var_x * var_y)


def correlation_from_sums(n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float | None:
    """Pearson's r from the sums a SQL aggregate gives: n, Σx, Σy, Σx², Σy², Σxy.

    r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), None when undefined.
    """
    if n < 2:
        return None
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= 1e-9 * max(1.0, n * sxx) or var_y <= 1e-9 * max(1.0, n * syy):
        return None
    return max(-1.0, min(1.0, (n * sxy - sx * sy) / math.sqrt(var_x * var_y)))


def item_from_sums(n: int, correct: int, earned: float, possible: float, sx: float, sy: float, sxx: float,
                   syy: float, sxy: float, min_attempts: int | None = None) -> ItemStatistics:
    """ItemStatistics from per-question aggregates (x = item score, y = rest of the test)."""
    facility = round(earned / possible, 4) if n and possible > 0 else None
    d = correlation_from_sums(n, sx, sy, sxx, syy, sxy)
    d = round(d, 4) if d is not None else None
    return ItemStatistics(n, correct, ratio(correct, n), facility, d, broken_flags(n, facility, d, min_attempts))


# ---------------------------------------------------------------- the summary sentence

MODE_NAMES = {"full": "全员普测", "sample": "随机抽测"}


def percent(rate: float | None) -> str:
    """0.9467 → "94.7%", 1.0 → "100%"."""
    if rate is None:
        return "—"
    return f"{_num(round(rate * 100, 1))}%"


def _num(value: float) -> str:
    """A figure with at most one decimal and no trailing ".0"."""
    value = round(float(value), 1)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def summary_sentence(mode: str, figures: SummaryFigures, scope: str | None = None, who: str = "民警") -> str:
    """The bureau's one-line write-up of an exam.

    ``scope`` names the departments tested (None: the whole bureau, "全局");
    ``who`` the people (民警, or a group such as 入党积极分子); ``mode`` is full,
    sample or makeup.
    Full-staff:  全局共99名民警参加全员普测，合格率100%，平均分97.6。
    Sample:      从各部门随机抽取20名民警进行集中抽测，合格率100%，平均分98.4。
    When not everyone took part the sentence says how many did.
    """
    if mode == "sample":
        where = "从各部门" if scope is None else f"从{scope}"
        opening = f"{where}随机抽取{figures.candidates}名{who}进行集中抽测"
        if figures.participated == 0:
            return opening + "，无人参加。"
        if figures.participated < figures.candidates:
            opening += f"，实际参加{figures.participated}人（参考率{percent(figures.participation_rate)}）"
    else:
        where = "全局" if scope is None else scope
        test = "补考" if mode == "makeup" else "全员普测"
        if figures.participated == 0:
            return f"{where}应参加{test}{who}{figures.candidates}名，无人参加。"
        opening = f"{where}共{figures.participated}名{who}参加{test}"
        if figures.participated < figures.candidates:
            opening += f"（应参加{figures.candidates}名，参考率{percent(figures.participation_rate)}）"
    return f"{opening}，合格率{percent(figures.pass_rate)}，平均分{format_score(figures.average)}。"
